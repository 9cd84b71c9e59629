package ops

import "math"

// Softplus is f(x) = ln(1 + e^x); its slope from the output is
// 1 − e^(−y) (f'(x) = sigmoid(x) and e^(−y) = 1/(1 + e^x)).
var Softplus = NewPointwise("softplus",
	func(x float64) float64 {
		// ln(1+e^x) = max(x,0) + ln(1+e^(−|x|)), finite for every finite x.
		return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	},
	func(y float64) float64 { return -math.Expm1(-y) })
