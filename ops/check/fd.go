package check

import "math"

// Numerical differentiation parameters (see numDeriv).
const (
	eps64 = 0x1p-52
	// stepRel is cbrt(eps), the central-difference step relative to
	// max(1, |x|) that balances truncation (∝ h²) and rounding (∝ eps/h).
	stepRel = 6.055454452393343e-06
	// minStepRel bounds the smallest step, relative to max(1, |x|), at which
	// the one-sided slopes are compared before a point is called a kink.
	minStepRel = 1e-13
	// kinkTol is the relative disagreement of the left and right one-sided
	// slopes that marks a point where f is not differentiable.
	kinkTol = 1e-3
	// shrink divides the step each time a finer one is tried.
	shrink = 16
	// maxRefine bounds the number of finer steps tried for the
	// central difference once the one-sided slopes agree.
	maxRefine = 4
)

// derivEstimate is a numerical derivative.
type derivEstimate struct {
	d, err      float64 // the estimate and its estimated error
	kink        bool    // f is not differentiable at x
	left, right float64 // the one-sided slopes at a kink
}

// numDeriv estimates f'(x).
//
// It first looks for a kink: starting from h = cbrt(eps)·max(1, |x|) it
// compares the one-sided slopes (f(x) − f(x−h))/h and (f(x+h) − f(x))/h and
// divides h by 16 until they agree to kinkTol (plus their rounding error); if
// they still disagree at the smallest step, 1e-13·max(1, |x|) or the one
// below which rounding would exceed kinkTol, x is a kink. (A kink near x but
// not at it stops disagreeing once h is below its distance from x.)
//
// From the step where they agree it takes the central differences D(h) and
// D(h/2) and the Richardson extrapolation (4D(h/2) − D(h))/3, whose error is
// O(h⁴) for smooth f. Its error is estimated as |D(h/2) − D(h)| (an
// overestimate for smooth f, and above the extrapolation's error ch/3 when D's
// error is ch) plus the rounding error of the differences; while that exceeds
// accept·max(1, |d|), h is divided by 16 and the best estimate kept (a kink of
// f” in the stencil, e.g. elu at 0, makes D's error O(h) instead of O(h²)).
func numDeriv(f func(float64) float64, x, accept float64) derivEstimate {
	if !isFinite(x) {
		return derivEstimate{d: math.NaN(), err: math.Inf(1)}
	}
	scale := math.Max(1, math.Abs(x))
	h := stepRel * scale
	fx := f(x)
	for {
		xm, xp := x-h, x+h
		fm, fp := f(xm), f(xp)
		left, right := (fx-fm)/(x-xm), (fp-fx)/(xp-x)
		if !isFinite(left) || !isFinite(right) {
			// f is not finite near x: no kink, the comparison will fail.
			break
		}
		round := 4 * eps64 * (math.Abs(fm) + 2*math.Abs(fx) + math.Abs(fp)) / h
		if math.Abs(right-left) <= kinkTol*math.Max(1, math.Max(math.Abs(left), math.Abs(right)))+round {
			break
		}
		if h/shrink < minStepRel*scale || shrink*round > kinkTol {
			// Smaller steps would drown the one-sided slopes in rounding.
			return derivEstimate{kink: true, left: left, right: right, d: math.NaN()}
		}
		h /= shrink
	}
	best := derivEstimate{d: math.NaN(), err: math.Inf(1)}
	for range maxRefine + 1 {
		d1, r1 := central(f, x, h)
		d2, r2 := central(f, x, h/2)
		d := d2 + (d2-d1)/3
		e := math.Abs(d2-d1) + r1 + r2
		if !(e >= best.err) { // also replaces a NaN best
			best = derivEstimate{d: d, err: e}
		}
		if e <= accept*math.Max(1, math.Abs(d)) {
			break
		}
		h /= shrink
	}
	return best
}

// central returns the central difference (f(x+h) − f(x−h)) / w over the
// width w = (x+h) − (x−h) actually spanned, and a bound on its rounding error
// (a few ulps of each f value, divided by w).
func central(f func(float64) float64, x, h float64) (d, round float64) {
	xm, xp := x-h, x+h
	fm, fp := f(xm), f(xp)
	w := xp - xm
	return (fp - fm) / w, 4 * eps64 * (math.Abs(fp) + math.Abs(fm)) / w
}

// relErr is |a − n| / max(1, |n|), +Inf when either is NaN, 0 when a == n.
func relErr(a, n float64) float64 {
	if a == n {
		return 0
	}
	e := math.Abs(a-n) / math.Max(1, math.Abs(n))
	if isNaN(e) {
		return math.Inf(1)
	}
	return e
}

// relErr32 is relErr with NaN agreeing with NaN.
func relErr32(got, want float64) float64 {
	if isNaN(got) && isNaN(want) {
		return 0
	}
	return relErr(got, want)
}

// agree reports whether a and b agree to the relative tolerance tol.
func agree(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func isNaN(x float64) bool { return x != x }

func isFinite(x float64) bool { return !isNaN(x) && !math.IsInf(x, 0) }
