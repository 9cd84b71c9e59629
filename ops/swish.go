package ops

import "math"

// Swish (also called SiLU) is f(x) = x·σ(x), σ the logistic sigmoid; its
// slope, from the input, is f'(x) = σ(x)·(1 + x·(1 − σ(x))).
//
// Swish is input-derived: it is not monotonic (it falls to a minimum of about
// −0.278 at x ≈ −1.278 and rises after), so two inputs on either side of the
// minimum share an output but not a slope, and the output cannot give it.
//
// Both σ(x) and 1 − σ(x) = σ(−x) are computed from e^(−|x|), so nothing
// overflows and 1 − σ(x) keeps its relative precision for large x. The limits
// are f(+∞) = +∞ with slope 1 and f(−∞) = 0 with slope 0.
var Swish = NewPointwiseInput("swish",
	func(x float64) float64 {
		if math.IsInf(x, -1) {
			return 0
		}
		s, _ := sigmoidPair(x)
		return x * s
	},
	func(x float64) float64 {
		if math.IsInf(x, 0) {
			return sigmoid(x) // 1 at +∞, 0 at −∞
		}
		s, c := sigmoidPair(x)
		return s * (1 + x*c)
	})

// sigmoidPair returns σ(x) and 1 − σ(x) = σ(−x), each with full relative
// precision and without overflow.
func sigmoidPair(x float64) (s, c float64) {
	e := math.Exp(-math.Abs(x))
	if x >= 0 {
		return 1 / (1 + e), e / (1 + e)
	}
	return e / (1 + e), 1 / (1 + e)
}
