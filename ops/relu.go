package ops

// ReLU is f(x) = max(x, 0); its slope from the output is [y > 0].
//
// At x = 0 the derivative does not exist; the output y = 0 cannot tell the kink
// from the flat side, and the slope 0 is used there (as PyTorch does).
var ReLU = NewPointwise("relu",
	func(x float64) float64 {
		if x > 0 {
			return x
		}
		return guardNaN(x, 0)
	},
	func(y float64) float64 {
		if y > 0 {
			return 1
		}
		return guardNaN(y, 0)
	})
