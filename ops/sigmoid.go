package ops

import "math"

// Sigmoid is f(x) = 1/(1 + e^(−x)); its slope from the output is y(1 − y).
var Sigmoid = NewPointwise("sigmoid", sigmoid,
	func(y float64) float64 { return y * (1 - y) })

// sigmoid computes 1/(1 + e^(−x)) without overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
