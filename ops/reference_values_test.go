package ops_test

import (
	"math"
	"testing"

	"outgrad/ops"
)

// referenceValues holds (x, f(x), f'(x), κ) for swish, GELU, Mish and
// softsign, κ the condition number of the sum that makes up f'(x) (below).
// The values are independent of the code under test: testdata/reference_values.py computes
// them with mpmath 1.3.0 at 50 significant digits (mp.dps = 50) from
//
//	swish(x)    = x/(1 + exp(-x))           σ = 1/(1 + exp(-x)), swish' = σ·(1 + x·(1 − σ))
//	gelu(x)     = x·ncdf(x)                 gelu' = ncdf(x) + x·npdf(x)
//	mish(x)     = x·tanh(log1p(exp(x)))     mish' = tanh(sp) + x·sech(sp)²·σ(x)
//	softsign(x) = x/(1 + |x|)               softsign' = 1/(1 + |x|)²
//
// (ncdf(x) = erfc(−x/√2)/2 and npdf(x) = exp(−x²/2)/√(2π) are mpmath's),
// checks each closed-form derivative against mpmath's numerical mp.diff of f
// to 35 digits, and prints them rounded to 17 significant digits. κ is
// Σ|terms|/|f'(x)| for the terms the slope adds (σ and x·σ·(1 − σ) for swish,
// ncdf and x·npdf for GELU, tanh(sp) and x·sech(sp)²·σ for Mish, one term for
// softsign), to 2 digits: near a turn the slope is a small difference of
// larger terms, and its relative error grows by κ; the points include some
// next to the turns of swish (x ≈ −1.2785), GELU (≈ −0.7518) and Mish
// (≈ −1.1924). Values below the float64 range (gelu at −40, swish and mish at
// −800) are kept as printed: Go rounds them to 0, and the absolute tolerance
// covers them. −27.3, not a float32, is there for x² inexact in float64.
var referenceValues = map[string][][4]float64{
	"swish": {
		{-800, -2.9342996673421498e-345, -2.9306317927579721e-345, 1.0},
		{-700, -6.9017735806318396e-302, -6.8919139040880798e-302, 1.0},
		{-40, -1.6993417021166356e-16, -1.6568581595637197e-16, 1.1},
		{-20, -4.1223072363804072e-8, -3.9161918660646783e-8, 1.1},
		{-5, -0.033464254621424278, -0.026547432429665919, 1.5},
		{-1.5, -0.27363828570953451, -0.041294154299142944, 9.9},
		{-1.25, -0.27837517353163607, 0.0063191550846875812, 70.0},
		{-1.28125, -0.27846369884154879, -6.0556778666834456e-4, 730.0},
		{-0.5, -0.18877033439907272, 0.26003881269734819, 1.9},
		{0, 0.0, 0.5, 1.0},
		{0.5, 0.31122966560092728, 0.73996118730265181, 1.0},
		{1, 0.73105857863000488, 0.92767051187148673, 1.0},
		{3, 2.8577223804672997, 1.0881041060151696, 1.0},
		{20, 19.999999958776928, 1.0000000391619187, 1.0},
		{40, 40.0, 1.0000000000000002, 1.0},
	},
	"gelu": {
		{-40, -1.4623574163660119e-348, -5.8494251098122977e-347, 1.0},
		{-37, -2.1184613523340934e-298, -7.8382986694185162e-297, 1.0},
		{-27.3, -5.7897802443931882e-163, -1.5806043533223962e-161, 1.0},
		{-20, -5.5072482372124674e-88, -1.1014360483133464e-86, 1.0},
		{-10, -7.6198530241605261e-23, -7.6184000964648141e-22, 1.0},
		{-5, -1.4332578593959696e-6, -7.1469460017922946e-6, 1.1},
		{-1, -0.15865525393145705, -0.083315470587686298, 4.9},
		{-0.75, -0.16997051428265115, 7.7427826076489563e-4, 590.0},
		{-0.5, -0.15426876936299345, 0.13250487534383716, 3.7},
		{0, 0.0, 0.5, 1.0},
		{0.25, 0.14967658142073093, 0.69537335488363603, 1.0},
		{1, 0.84134474606854295, 1.0833154705876863, 1.0},
		{3, 2.9959503059051097, 1.0119456472041839, 1.0},
		{20, 20.0, 1.0, 1.0},
		{40, 40.0, 1.0, 1.0},
	},
	"mish": {
		{-800, -2.9342996673421498e-345, -2.9306317927579721e-345, 1.0},
		{-700, -6.9017735806318396e-302, -6.8919139040880798e-302, 1.0},
		{-40, -1.6993417021166356e-16, -1.6568581595637197e-16, 1.1},
		{-20, -4.1223072406287614e-8, -3.9161918743489691e-8, 1.1},
		{-5, -0.033576237730161705, -0.026747498019901934, 1.5},
		{-1.5, -0.29809974216680676, -0.064097815892258643, 7.3},
		{-1.1875, -0.30884015915809812, 0.0013213608667329897, 400.0},
		{-1, -0.30340146137410892, 0.059216755877394948, 9.3},
		{-0.5, -0.22074377465173, 0.28951067791351219, 2.1},
		{0, 0.0, 0.6, 1.0},
		{0.5, 0.3752452113048951, 0.88642437535772726, 1.0},
		{1, 0.86509838826731035, 1.0490362200997922, 1.0},
		{3, 2.9865350049679573, 1.0211069109294438, 1.0},
		{20, 20.0, 1.0000000000000003, 1.0},
		{40, 40.0, 1.0, 1.0},
	},
	"softsign": {
		{-40, -0.97560975609756098, 5.9488399762046401e-4, 1.0},
		{-20, -0.95238095238095238, 0.0022675736961451247, 1.0},
		{-3, -0.75, 0.0625, 1.0},
		{-1, -0.5, 0.25, 1.0},
		{-0.5, -0.33333333333333333, 0.44444444444444444, 1.0},
		{-0.125, -0.11111111111111111, 0.79012345679012346, 1.0},
		{0, 0.0, 1.0, 1.0},
		{0.25, 0.2, 0.64, 1.0},
		{1, 0.5, 0.25, 1.0},
		{2, 0.66666666666666667, 0.11111111111111111, 1.0},
		{7, 0.875, 0.015625, 1.0},
		{20, 0.95238095238095238, 0.0022675736961451247, 1.0},
		{40, 0.97560975609756098, 5.9488399762046401e-4, 1.0},
	},
}

// referenceCases lists the activations of referenceValues with what the test
// expects of them besides the table: where the slope comes from and the limits
// at ±∞ (f(+∞), f'(+∞), f(−∞), f'(−∞)).
var referenceCases = []struct {
	act    ops.Activation
	from   ops.Source
	limits [4]float64
}{
	{ops.Swish, ops.FromInput, [4]float64{math.Inf(1), 1, 0, 0}},
	{ops.GELU, ops.FromInput, [4]float64{math.Inf(1), 1, 0, 0}},
	{ops.Mish, ops.FromInput, [4]float64{math.Inf(1), 1, 0, 0}},
	{ops.Softsign, ops.FromOutput, [4]float64{1, 0, -1, 0}},
}

const (
	// refRel is the relative tolerance of the float64 results against the
	// mpmath values, multiplied by κ for the input-derived slopes (see
	// refSlopeRel). Observed at the table's points (go test -v logs the worst,
	// in units of κ for the slopes): forwards at most 2.0e-16 (about one ulp);
	// slopes at most 3.4e-16 where κ < 10 (swish'(−20), κ = 1.1); next to the turns
	// 1.2e-14 at swish'(−1.28125) (κ = 730), 6.7e-14 at GELU'(−0.75)
	// (κ = 590) and at Mish'(−1.1875) (κ = 400), all under 1.7e-16·κ;
	// softsign' at most 2.1e-15 (x = ±20). 1e-14 leaves a margin of about 30
	// over the worst, and a slope off by a relative 1e-10 fails it at every
	// point (κ < 1e4 everywhere). One exception to the margin: GELU below
	// x = −14 is as precise as math.Erfc, whose relative error there reaches
	// 2.6e-14 at some arguments (against mpmath on a grid); at the table's
	// points (−20, −27.3, −37) it is within 2.1e-16.
	refRel = 1e-14
	// refAbs is the absolute tolerance for results below the normal float64
	// range (2.2e-308), where only subnormals or 0 can hold them: gelu(−40),
	// swish(−800), mish(−800) and their slopes round to 0, swish and mish at
	// −700 (6.9e-302) are still normal and are held to refRel.
	refAbs = 1e-300
	// refRel32 is one float32 rounding (2⁻²⁴) with a little room: the float32
	// paths compute in float64 and round once.
	refRel32 = 1.0000001 / (1 << 24)
	// refAbs32 is the spacing of float32 subnormals, for results that
	// underflow in float32.
	refAbs32 = 1.5e-45
)

// refClose reports whether got is within rel relative error of want or
// within abs of it, NaN matching only NaN and infinities only themselves.
func refClose(got, want, rel, abs float64) bool {
	switch {
	case math.IsNaN(got) || math.IsNaN(want):
		return math.IsNaN(got) && math.IsNaN(want)
	case math.IsInf(got, 0) || math.IsInf(want, 0):
		return got == want
	}
	d := math.Abs(got - want)
	return d <= rel*math.Abs(want) || d <= abs
}

// refSlopeRel is the relative tolerance of a slope at x with condition number
// kappa, given the tolerance rel of a value and the rounding unit of the
// type. An input-derived slope is a sum of terms that cancel near a turn, so
// its relative error is rounding of the terms times kappa. An output-derived
// slope reads y, which holds 1 − |y| only to y's absolute
// precision: for softsign, (1 − |y|)² has a relative error of 2|y|/(1 − |y|)
// = 2|x| times that of y, observed 6.8e-15 at x = −31.06 against a bound of
// 2·31·2⁻⁵³ = 6.9e-15. That much is added to refRel.
func refSlopeRel(from ops.Source, x, kappa, rel, unit float64) float64 {
	if from == ops.FromOutput {
		return rel + 2*math.Abs(x)*unit
	}
	return rel * kappa
}

// refEval runs a's float64 forward and backward (dy = 1) at x.
func refEval(a ops.Activation, x float64) (y, slope float64) {
	ys, dx := make([]float64, 1), make([]float64, 1)
	a.Forward64(ys, []float64{x}, 1)
	a.Backward64(dx, []float64{1}, []float64{x}, ys, 1)
	return ys[0], dx[0]
}

// refEval32 runs a's float32 forward and backward (dy = 1) at x.
func refEval32(a ops.Activation, x float32) (y, slope float32) {
	ys, dx := make([]float32, 1), make([]float32, 1)
	a.Forward32(ys, []float32{x}, 1)
	a.Backward32(dx, []float32{1}, []float32{x}, ys, 1)
	return ys[0], dx[0]
}

// TestReferenceValues checks swish, GELU, Mish and softsign against the
// mpmath values, at ±∞ and NaN, and for NaN from finite inputs.
func TestReferenceValues(t *testing.T) {
	for _, c := range referenceCases {
		a := c.act
		t.Run(a.Name(), func(t *testing.T) {
			if got := a.DerivedFrom(); got != c.from {
				t.Errorf("DerivedFrom() = %v, want %v", got, c.from)
			}
			points := referenceValues[a.Name()]
			if len(points) < 8 {
				t.Fatalf("%d reference points, want at least 8", len(points))
			}
			var worstF, worstS float64 // largest relative errors, for the log
			for _, p := range points {
				x, wantY, wantS, kappa := p[0], p[1], p[2], p[3]
				y, s := refEval(a, x)
				if !refClose(y, wantY, refRel, refAbs) {
					t.Errorf("%s(%v) = %v, want %v", a.Name(), x, y, wantY)
				}
				if !refClose(s, wantS, refSlopeRel(c.from, x, kappa, refRel, 0x1p-53), refAbs) {
					t.Errorf("%s'(%v) = %v, want %v", a.Name(), x, s, wantS)
				}
				if wantY != 0 {
					worstF = max(worstF, math.Abs(y-wantY)/math.Abs(wantY))
				}
				if wantS != 0 {
					worstS = max(worstS, math.Abs(s-wantS)/math.Abs(wantS)/kappa)
				}
				if c.from == ops.FromOutput {
					// An output-derived backward must not need x.
					dx := make([]float64, 1)
					a.Backward64(dx, []float64{1}, nil, []float64{y}, 1)
					if dx[0] != s {
						t.Errorf("%s'(%v) with x = nil is %v, with x %v", a.Name(), x, dx[0], s)
					}
				}
				// At the table's float32 numbers, float32 gives the exact
				// results rounded once, but for the output-derived slope,
				// which reads the rounded float32 output. (−27.3 is not one:
				// it is there for x² inexact in float64.)
				x32 := float32(x)
				if float64(x32) != x {
					continue
				}
				y32, s32 := refEval32(a, x32)
				if !refClose(float64(y32), wantY, refRel32, refAbs32) {
					t.Errorf("%s(float32(%v)) = %v, want %v", a.Name(), x, y32, float32(wantY))
				}
				if !refClose(float64(s32), wantS, refSlopeRel(c.from, x, 1, refRel32, 0x1p-24), refAbs32) {
					t.Errorf("%s'(float32(%v)) = %v, want %v", a.Name(), x, s32, float32(wantS))
				}
			}
			t.Logf("worst relative error: forward %.2g, slope %.2g·κ", worstF, worstS)

			// Special inputs: the limits at ±∞ exactly, NaN propagates.
			specials := [][3]float64{
				{math.Inf(1), c.limits[0], c.limits[1]},
				{math.Inf(-1), c.limits[2], c.limits[3]},
				{math.NaN(), math.NaN(), math.NaN()},
			}
			for _, sp := range specials {
				y, s := refEval(a, sp[0])
				if !refClose(y, sp[1], 0, 0) || !refClose(s, sp[2], 0, 0) {
					t.Errorf("%s(%v) = %v, slope %v; want %v, slope %v", a.Name(), sp[0], y, s, sp[1], sp[2])
				}
				y32, s32 := refEval32(a, float32(sp[0]))
				if !refClose(float64(y32), sp[1], 0, 0) || !refClose(float64(s32), sp[2], 0, 0) {
					t.Errorf("float32 %s(%v) = %v, slope %v; want %v, slope %v", a.Name(), sp[0], y32, s32, sp[1], sp[2])
				}
			}

			// No NaN from a finite input: a fine grid over [−1e3, 1e3] (step
			// 1/64, exact) and the extremes.
			xs := []float64{1e300, -1e300, math.MaxFloat64, -math.MaxFloat64,
				math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}
			for i := -64000; i <= 64000; i++ {
				xs = append(xs, float64(i)/64)
			}
			for _, x := range xs {
				y, s := refEval(a, x)
				if math.IsNaN(y) || math.IsNaN(s) {
					t.Errorf("%s(%v) = %v, slope %v: NaN from a finite input", a.Name(), x, y, s)
				}
				y32, s32 := refEval32(a, float32(x))
				if !math.IsInf(float64(float32(x)), 0) && (y32 != y32 || s32 != s32) {
					t.Errorf("float32 %s(%v) = %v, slope %v: NaN from a finite input", a.Name(), x, y32, s32)
				}
			}
		})
	}
}
