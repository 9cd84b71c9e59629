package ops

import "math"

// GELU is the exact Gaussian error linear unit f(x) = x·Φ(x) = ½x(1 + erf(x/√2)),
// Φ the standard normal distribution function; its slope, from the input, is
// f'(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π) the standard normal density.
//
// GELU is input-derived: it is not monotonic (it falls to a minimum of about
// −0.170 at x ≈ −0.752 and rises after), so two inputs share an output but not
// a slope, and the output cannot give it.
//
// Φ(x) is computed as ½erfc(−x/√2), which keeps its relative precision in the
// lower tail where 1 + erf(x/√2) would cancel to 0. There the precision is
// that of math.Erfc, whose relative error reaches about 2e-14 for arguments
// above 10 (x below −14) against 1e-16 elsewhere; below x ≈ −37.5 the results
// are subnormal and hold fewer digits, and below x ≈ −39.6 they are 0. The
// limits are f(+∞) = +∞ with slope 1 and f(−∞) = 0 with slope 0.
var GELU = NewPointwiseInput("gelu",
	func(x float64) float64 {
		if math.IsInf(x, 0) {
			return math.Max(x, 0)
		}
		return x * normCDF(x)
	},
	func(x float64) float64 {
		if math.IsInf(x, 0) {
			return math.Max(math.Copysign(1, x), 0)
		}
		return normCDF(x) + x*normPDF(x)
	})

const (
	// invSqrt2Hi + invSqrt2Lo is 1/√2 to about 33 digits.
	invSqrt2Hi = 0.7071067811865476
	invSqrt2Lo = -4.8336466567264565e-17
	// invSqrt2Pi is 1/√(2π).
	invSqrt2Pi = 0.3989422804014327
)

// normPDF returns φ(x) = e^(−x²/2)/√(2π) for finite x. x² is split into its
// rounded value and rounding error, so the exponent is exact to a rounding
// unit of the result even when x²/2 is in the hundreds.
func normPDF(x float64) float64 {
	if math.Abs(x) > 40 {
		return 0 // e^(−800) is below the smallest float64
	}
	h := x * x
	l := math.FMA(x, x, -h)
	return math.Exp(-h/2) * (1 - l/2) * invSqrt2Pi
}

// normCDF returns Φ(x) = ½erfc(−x/√2) for finite x. The argument −x/√2 is
// rounded; its rounding error dw is put back to first order,
// ½erfc(w + dw) ≈ ½erfc(w) − dw·√2·φ(x), because erfc's relative error grows
// like 2w² times that of its argument in the tail (400 rounding units at
// x = −20).
func normCDF(x float64) float64 {
	p := x * invSqrt2Hi
	dp := math.FMA(x, invSqrt2Hi, -p) + x*invSqrt2Lo // x/√2 = p + dp
	return 0.5*math.Erfc(-p) + dp*math.Sqrt2*normPDF(x)
}
