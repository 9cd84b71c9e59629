package ops

import "math"

// ELU is f(x) = x for x > 0 and e^x − 1 otherwise; its slope from the output is
// 1 for y > 0 and y + 1 otherwise (d/dx (e^x − 1) = e^x = y + 1).
var ELU = NewPointwise("elu",
	func(x float64) float64 {
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	},
	func(y float64) float64 {
		if y > 0 {
			return 1
		}
		return y + 1
	})
