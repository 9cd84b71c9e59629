package ops

// LeakyReLUSlope is the slope of LeakyReLU for negative inputs.
const LeakyReLUSlope = 0.01

// LeakyReLU is f(x) = x for x > 0 and 0.01·x otherwise; its slope from the
// output is 1 for y > 0 and 0.01 otherwise (the sign of y is the sign of x).
var LeakyReLU = NewPointwise("leakyrelu",
	func(x float64) float64 {
		if x > 0 {
			return x
		}
		return LeakyReLUSlope * x
	},
	func(y float64) float64 {
		if y > 0 {
			return 1
		}
		return guardNaN(y, LeakyReLUSlope)
	})
