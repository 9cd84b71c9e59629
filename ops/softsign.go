package ops

import "math"

// Softsign is f(x) = x/(1 + |x|); its slope from the output is (1 − |y|)²
// (f'(x) = 1/(1 + |x|)² and 1 − |y| = 1/(1 + |x|)).
//
// Softsign is output-derived: it is strictly increasing, so y determines x and
// the slope is a function of y. The price is precision for large |x|: y holds
// 1 − |y| only to the absolute precision of y, so the slope carries a relative
// error of about 2|x| rounding units (|y|/(1 − |y|) = |x|), and it is 0 once
// y rounds to ±1 (|x| ≳ 1e16 in float64, ≳ 1e8 in float32), where the exact
// slope is below 1e-32. The limits are f(±∞) = ±1 with slope 0.
var Softsign = NewPointwise("softsign",
	func(x float64) float64 {
		if math.IsInf(x, 0) {
			return math.Copysign(1, x)
		}
		return x / (1 + math.Abs(x))
	},
	func(y float64) float64 {
		d := 1 - math.Abs(y)
		return d * d
	})
