package ops

import "math"

// Mish is f(x) = x·tanh(softplus(x)), softplus(x) = ln(1 + e^x); its slope,
// from the input, is f'(x) = tanh(sp) + x·sech²(sp)·σ(x), sp = softplus(x) and
// σ the logistic sigmoid (σ = softplus').
//
// Mish is input-derived: it is not monotonic (it falls to a minimum of about
// −0.309 at x ≈ −1.192 and rises after), so two inputs share an output but not
// a slope, and the output cannot give it.
//
// tanh(sp) and sech²(sp) are rational in e^x (with u = e^x, (1 + u)² = e^(2sp)),
// and are computed from e^(−|x|), so nothing overflows, and neither
// 1 − tanh²(sp) nor anything else cancels: for x ≤ 0 with u = e^x,
// tanh(sp) = u(u+2)/(u(u+2) + 2) and sech²(sp) = 4(1+u)²/(u(u+2) + 2)²;
// for x > 0 the same with e = e^(−x), tanh(sp) = (1+2e)/(1+2e+2e²) and
// sech²(sp) = 4e²(1+e)²/(1+2e+2e²)². The limits are f(+∞) = +∞ with slope 1
// and f(−∞) = 0 with slope 0.
var Mish = NewPointwiseInput("mish",
	func(x float64) float64 {
		if math.IsInf(x, -1) {
			return 0
		}
		t, _ := mishParts(x)
		return x * t
	},
	func(x float64) float64 {
		if math.IsInf(x, 0) {
			return sigmoid(x) // 1 at +∞, 0 at −∞
		}
		t, sech2 := mishParts(x)
		s, _ := sigmoidPair(x)
		return t + x*sech2*s
	})

// mishParts returns tanh(softplus(x)) and sech²(softplus(x)) for x not −∞.
func mishParts(x float64) (t, sech2 float64) {
	if x <= 0 {
		u := math.Exp(x)
		n := u * (u + 2)
		d := n + 2
		return n / d, 4 * ((1 + u) / d) * ((1 + u) / d)
	}
	e := math.Exp(-x)
	d := 1 + 2*e + 2*e*e
	r := 2 * e * (1 + e) / d
	return (1 + 2*e) / d, r * r
}
