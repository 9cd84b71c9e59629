package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The checks compare an analytic derivative a with a numerical one n by the
// relative error
//
//	err = |a − n| / max(1, |n|)
//
// which is an absolute error for slopes below 1 in magnitude and a relative
// one above. NaN on either side counts as an infinite error, except that two
// equal values (including equal infinities) agree.
const (
	// DefaultTol is the default tolerance on the relative error of a float64
	// derivative against central differences.
	DefaultTol = 1e-6
	// DefaultTol32 is the default tolerance on the relative error between an
	// activation's float32 and float64 paths.
	DefaultTol32 = 1e-5
	// DefaultSlopeMin and DefaultSlopeMax bound CheckSlope's default grid.
	DefaultSlopeMin, DefaultSlopeMax = -6.0, 6.0
	// DefaultSlopePoints is the number of points of CheckSlope's default grid:
	// spacing 0.006 over [−6, 6], with 0 on the grid.
	DefaultSlopePoints = 2001
	// DefaultSlopeRows is the number of random rows of CheckSlope's
	// vector-Jacobian check; row i has length 1 + i mod 8.
	DefaultSlopeRows = 64
)

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

// SlopeCheckOptions configures CheckSlope. The zero value selects every
// default.
type SlopeCheckOptions struct {
	// Min and Max bound the grid of points (default [−6, 6] when both are 0).
	Min, Max float64
	// N is the number of grid points, evenly spaced from Min to Max inclusive
	// (default 2001). N < 0 checks no grid, only Points and the rows.
	N int
	// Points are checked besides the grid. For a row-wise activation each
	// point is the first entry of an extra row of three.
	Points []float64
	// Rows is the number of random rows (entries uniform in [Min, Max], output
	// gradients uniform in [−1, 1]) of the vector-Jacobian check (default 64).
	// Rows < 0 checks none.
	Rows int
	// Seed seeds the PCG generator of the random rows.
	Seed uint64
	// Tol is the tolerance on the float64 relative error (default 1e-6).
	Tol float64
	// Tol32 is the tolerance on the relative error between the float32 and
	// float64 paths (default 1e-5).
	Tol32 float64
}

// SlopePoint is one comparison of an activation's backward with central
// differences of its forward.
type SlopePoint struct {
	// X is the input entry and Y = f(X) its output.
	X, Y float64
	// Row and DY are the input row and the output gradient of a row
	// comparison, and Col is X's index in Row. Row is nil for a single point,
	// whose output gradient is 1.
	Row, DY []float64
	Col     int
	// Analytic is Backward64's dx at X, computed from the output.
	Analytic float64
	// Numeric is the central difference of Forward64 (for a row, of
	// Σ DY⊙f(Row)) with respect to X, and NumErr its estimated error.
	Numeric, NumErr float64
	// Err is |Analytic − Numeric| / max(1, |Numeric|).
	Err float64
}

// Kink is a point where the activation is not differentiable: the left and
// right one-sided slopes disagree at every step tried (see CheckSlope).
type Kink struct {
	// X is the input entry, Y = f(X).
	X, Y float64
	// Row is the input row of a row comparison (nil for a single point), and
	// Col is X's index in it.
	Row []float64
	Col int
	// Left and Right are the one-sided slopes (of Σ dy⊙f for a row).
	Left, Right float64
	// Backward is what the backward gives there.
	Backward float64
}

// Float32Point is one comparison of an activation's float32 path with its
// float64 path, on the same (float32-representable) input.
type Float32Point struct {
	// What is "forward" or "backward".
	What string
	// X is the input entry; Row and Col locate it for a row comparison.
	X   float64
	Row []float64
	Col int
	// Want is the float64 path's value and Got the float32 path's.
	Want, Got float64
	// Err is |Got − Want| / max(1, |Want|); NaN on both sides agrees.
	Err float64
}

// SlopeReport is what CheckSlope measured.
type SlopeReport struct {
	// Name is the activation's name.
	Name string
	// Elementwise reports whether the activation acts on each entry alone (its
	// slope was then also checked point by point, with dy = 1).
	Elementwise bool
	// Tol and Tol32 are the tolerances applied.
	Tol, Tol32 float64
	// Points is the number of single points compared, and Entries the number
	// of row entries whose vector-Jacobian product was compared.
	Points, Entries int
	// Worst is the float64 comparison with the largest error.
	Worst SlopePoint
	// Kinks are the points where the activation is not differentiable. The
	// output there does not determine a slope; they are not failures.
	Kinks []Kink
	// Worst32 is the largest disagreement of the float32 and float64 paths.
	Worst32 Float32Point
}

// OK reports whether every float64 comparison is within Tol and every
// float32 one within Tol32.
func (r SlopeReport) OK() bool { return r.Worst.Err <= r.Tol && r.Worst32.Err <= r.Tol32 }

// String summarises the report: the activation, whether it passed, the worst
// points in float64 and float32, and the kinks.
func (r SlopeReport) String() string {
	var b strings.Builder
	status := "ok"
	if !r.OK() {
		status = "FAILED"
	}
	fmt.Fprintf(&b, "check slope %s: %s: ", r.Name, status)
	w := r.Worst
	rel := "≤"
	if !(w.Err <= r.Tol) {
		rel = ">"
	}
	fmt.Fprintf(&b, "worst error %.3g %s %.3g at %s: backward gives %.10g, central difference %.10g",
		w.Err, rel, r.Tol, w.where(), w.Analytic, w.Numeric)
	if !(w.Err <= r.Tol) && w.NumErr > r.Tol*math.Max(1, math.Abs(w.Numeric))/2 {
		fmt.Fprintf(&b, " (the central difference is only good to ±%.1g here)", w.NumErr)
	}
	fmt.Fprintf(&b, " (%d points, %d row entries)", r.Points, r.Entries)
	w32 := r.Worst32
	rel = "≤"
	if !(w32.Err <= r.Tol32) {
		rel = ">"
	}
	fmt.Fprintf(&b, "; float32 %s worst error %.3g %s %.3g at %s: float32 gives %.8g, float64 %.10g",
		w32.What, w32.Err, rel, r.Tol32, w32.where(), w32.Got, w32.Want)
	for _, k := range r.Kinks {
		fmt.Fprintf(&b, "; %s", k)
	}
	return b.String()
}

// Err returns nil when the report is OK and otherwise an error whose text is
// the report, naming the activation and its worst point.
func (r SlopeReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("ops: %s", r)
}

// String describes the kink, e.g. "not differentiable at x=0 (slope 0 from
// the left, 1 from the right); the output y=0 does not determine the slope,
// backward gives 0 (the left slope)".
func (k Kink) String() string {
	side := ""
	switch {
	case agree(k.Backward, k.Left, kinkTol):
		side = " (the left slope)"
	case agree(k.Backward, k.Right, kinkTol):
		side = " (the right slope)"
	}
	at := fmt.Sprintf("x=%g", k.X)
	if k.Row != nil {
		at += fmt.Sprintf(" (entry %d of row %s)", k.Col, fmtRow(k.Row))
	}
	return fmt.Sprintf("not differentiable at %s (slope %.6g from the left, %.6g from the right); the output y=%g does not determine the slope, backward gives %.6g%s",
		at, k.Left, k.Right, k.Y, k.Backward, side)
}

func (p SlopePoint) where() string {
	if p.Row == nil {
		return fmt.Sprintf("x=%g (y=%.10g)", p.X, p.Y)
	}
	return fmt.Sprintf("x=%g (entry %d of row %s, dy %s)", p.X, p.Col, fmtRow(p.Row), fmtRow(p.DY))
}

func (p Float32Point) where() string {
	if p.Row == nil {
		return fmt.Sprintf("x=%g", p.X)
	}
	return fmt.Sprintf("x=%g (entry %d of row %s)", p.X, p.Col, fmtRow(p.Row))
}

// fmtRow formats a row compactly.
func fmtRow(row []float64) string {
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = fmt.Sprintf("%.6g", v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// CheckSlope checks act's backward, which reads the slope off the output,
// against central differences of its forward, and its float32 path against
// its float64 path.
//
// For an elementwise activation (one whose Forward64 of a row equals its
// Forward64 of each entry alone) it compares Backward64 with dy = 1 at
// y = Forward64(x) with the derivative of Forward64 at every grid point and
// every opts.Points entry. For every activation it compares the
// vector-Jacobian product Backward64(dy, f(x)) of random rows x and random dy
// with the central differences of Σ dy⊙f(x) with respect to each x_j. The
// float32 check compares Forward32 and Backward32 with Forward64 and
// Backward64 at the same inputs (rounded to float32).
//
// The numerical derivative uses the step h = cbrt(eps)·max(1, |x|) and one
// Richardson extrapolation of the steps h and h/2, refined with steps 16
// times smaller while its estimated error is above Tol/1000. A point where
// the left and right one-sided slopes disagree by more than 0.1% at every
// step tried (down to 1e-13·max(1, |x|), or to where rounding would swamp
// them) is a kink: it is listed in Kinks and not compared (relu at 0). A
// jump in slope of less than 0.1% is not told apart from a wrong slope.
//
// The error is nil when the check passes; it is the report's text when the
// check fails, and describes the problem when the options are invalid or
// the activation panics.
func CheckSlope(act Activation, opts SlopeCheckOptions) (rep SlopeReport, err error) {
	if act == nil {
		return SlopeReport{}, fmt.Errorf("ops: check slope: nil activation")
	}
	name := act.Name()
	o, err := opts.withDefaults()
	if err != nil {
		return SlopeReport{}, fmt.Errorf("ops: check slope %s: %w", name, err)
	}
	defer func() {
		if r := recover(); r != nil {
			rep, err = SlopeReport{}, fmt.Errorf("ops: check slope %s: activation panicked: %v", name, r)
		}
	}()
	rep = SlopeReport{Name: name, Tol: o.Tol, Tol32: o.Tol32, Elementwise: isElementwise(act)}
	rep.Worst.Err, rep.Worst32.Err = -1, -1
	c := slopeChecker{act: act, rep: &rep, accept: o.Tol / 1000}
	if rep.Elementwise {
		c.points(o.grid())
	}
	c.rows(o.rows(!rep.Elementwise))
	if rep.Worst.Err < 0 {
		return rep, fmt.Errorf("ops: check slope %s: no differentiable point to check (%d kinks)", name, len(rep.Kinks))
	}
	return rep, rep.Err()
}

// withDefaults fills in the defaults and validates the options.
func (o SlopeCheckOptions) withDefaults() (SlopeCheckOptions, error) {
	if o.Min == 0 && o.Max == 0 {
		o.Min, o.Max = DefaultSlopeMin, DefaultSlopeMax
	}
	if o.N == 0 {
		o.N = DefaultSlopePoints
	}
	if o.Rows == 0 {
		o.Rows = DefaultSlopeRows
	}
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	if o.Tol32 == 0 {
		o.Tol32 = DefaultTol32
	}
	switch {
	case !isFinite(o.Min) || !isFinite(o.Max) || o.Min > o.Max:
		return o, fmt.Errorf("range [%g, %g] is not a finite interval", o.Min, o.Max)
	case !(o.Tol > 0) || !(o.Tol32 > 0):
		return o, fmt.Errorf("tolerances %g and %g must be positive", o.Tol, o.Tol32)
	}
	for _, x := range o.Points {
		if !isFinite(x) {
			return o, fmt.Errorf("point %g is not finite", x)
		}
	}
	return o, nil
}

// grid returns the grid points followed by the caller's points not on it.
func (o SlopeCheckOptions) grid() []float64 {
	var xs []float64
	switch {
	case o.N == 1:
		xs = append(xs, o.Min)
	case o.N > 1:
		for i := range o.N {
			// (Max−Min)·i is exact for the default grid, so 0 is on it.
			xs = append(xs, o.Min+(o.Max-o.Min)*float64(i)/float64(o.N-1))
		}
	}
	seen := make(map[float64]bool, len(xs))
	for _, x := range xs {
		seen[x] = true
	}
	for _, x := range o.Points {
		if !seen[x] {
			seen[x] = true
			xs = append(xs, x)
		}
	}
	return xs
}

// rows returns the random rows and output gradients of the vector-Jacobian
// check, then, if withPoints, one row of three per caller point.
func (o SlopeCheckOptions) rows(withPoints bool) (xs, dys [][]float64) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	row := func(n int) (x, dy []float64) {
		x, dy = make([]float64, n), make([]float64, n)
		for j := range x {
			x[j], dy[j] = uniform(o.Min, o.Max), uniform(-1, 1)
		}
		return x, dy
	}
	for i := 0; i < o.Rows; i++ {
		x, dy := row(1 + i%8)
		xs, dys = append(xs, x), append(dys, dy)
	}
	for _, p := range o.Points {
		if !withPoints {
			break
		}
		x, dy := row(3)
		x[0] = p
		xs, dys = append(xs, x), append(dys, dy)
	}
	return xs, dys
}

// isElementwise reports whether act's forward of a row equals its forward of
// each entry alone.
func isElementwise(act Activation) bool {
	x := []float64{-2.5, -1, -0.25, 0.5, 1.5, 3}
	row, one := make([]float64, len(x)), make([]float64, 1)
	act.Forward64(row, x, len(x))
	for i, v := range x {
		act.Forward64(one, []float64{v}, 1)
		if row[i] != one[0] && !(isNaN(row[i]) && isNaN(one[0])) {
			return false
		}
	}
	return true
}

// slopeChecker accumulates CheckSlope's comparisons into rep.
type slopeChecker struct {
	act    Activation
	rep    *SlopeReport
	accept float64
}

// in returns x for an input-derived activation and nil for an output-derived
// one, whose backward must not read its input.
func (c slopeChecker) in(x []float64) []float64 {
	if c.act.DerivedFrom() == FromInput {
		return x
	}
	return nil
}

// in32 is slopeChecker.in in float32.
func in32(a Activation, x []float32) []float32 {
	if a.DerivedFrom() == FromInput {
		return x
	}
	return nil
}

// points compares the slopes at single points, in float64 and float32.
func (c slopeChecker) points(xs []float64) {
	n := len(xs)
	if n == 0 {
		return
	}
	ys, dx, ones := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	c.act.Forward64(ys, xs, 1)
	c.act.Backward64(dx, ones, c.in(xs), ys, 1)
	in, out := make([]float64, 1), make([]float64, 1)
	f := func(t float64) float64 {
		in[0] = t
		c.act.Forward64(out, in, 1)
		return out[0]
	}
	for i, x := range xs {
		d := numDeriv(f, x, c.accept)
		if d.kink {
			c.rep.Kinks = append(c.rep.Kinks, Kink{X: x, Y: ys[i], Left: d.left, Right: d.right, Backward: dx[i]})
			continue
		}
		c.rep.Points++
		c.record(SlopePoint{X: x, Y: ys[i], Analytic: dx[i], Numeric: d.d, NumErr: d.err, Err: relErr(dx[i], d.d)})
	}

	// float32: the same points rounded, both paths on the rounded inputs.
	x32, y32, dx32, ones32 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	x64 := make([]float64, n)
	for i, x := range xs {
		x32[i], ones32[i] = float32(x), 1
		x64[i] = float64(x32[i])
	}
	c.act.Forward64(ys, x64, 1)
	c.act.Backward64(dx, ones, c.in(x64), ys, 1)
	c.act.Forward32(y32, x32, 1)
	c.act.Backward32(dx32, ones32, in32(c.act, x32), y32, 1)
	for i, x := range x64 {
		c.record32(Float32Point{What: "forward", X: x, Want: ys[i], Got: float64(y32[i])})
		c.record32(Float32Point{What: "backward", X: x, Want: dx[i], Got: float64(dx32[i])})
	}
}

// rows compares the vector-Jacobian products of rows, in float64 and float32.
func (c slopeChecker) rows(xs, dys [][]float64) {
	for r, x := range xs {
		n, dy := len(x), dys[r]
		y, dx := make([]float64, n), make([]float64, n)
		c.act.Forward64(y, x, n)
		c.act.Backward64(dx, dy, c.in(x), y, n)
		xp, yp := make([]float64, n), make([]float64, n)
		for j := range x {
			// g(t) = Σ dy⊙f(x with x_j = t); g'(x_j) = (dyᵀJ)_j = dx_j.
			g := func(t float64) float64 {
				copy(xp, x)
				xp[j] = t
				c.act.Forward64(yp, xp, n)
				var s float64
				for k, v := range yp {
					s += dy[k] * v
				}
				return s
			}
			d := numDeriv(g, x[j], c.accept)
			if d.kink {
				c.rep.Kinks = append(c.rep.Kinks, Kink{X: x[j], Y: y[j], Row: x, Col: j, Left: d.left, Right: d.right, Backward: dx[j]})
				continue
			}
			c.rep.Entries++
			c.record(SlopePoint{X: x[j], Y: y[j], Row: x, DY: dy, Col: j, Analytic: dx[j], Numeric: d.d, NumErr: d.err, Err: relErr(dx[j], d.d)})
		}

		x32, dy32, y32, dx32 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		x64, dy64 := make([]float64, n), make([]float64, n)
		for j := range x {
			x32[j], dy32[j] = float32(x[j]), float32(dy[j])
			x64[j], dy64[j] = float64(x32[j]), float64(dy32[j])
		}
		c.act.Forward64(y, x64, n)
		c.act.Backward64(dx, dy64, c.in(x64), y, n)
		c.act.Forward32(y32, x32, n)
		c.act.Backward32(dx32, dy32, in32(c.act, x32), y32, n)
		for j := range x {
			c.record32(Float32Point{What: "forward", X: x64[j], Row: x64, Col: j, Want: y[j], Got: float64(y32[j])})
			c.record32(Float32Point{What: "backward", X: x64[j], Row: x64, Col: j, Want: dx[j], Got: float64(dx32[j])})
		}
	}
}

func (c slopeChecker) record(p SlopePoint) {
	if p.Err > c.rep.Worst.Err {
		c.rep.Worst = p
	}
}

func (c slopeChecker) record32(p Float32Point) {
	p.Err = relErr32(p.Got, p.Want)
	if p.Err > c.rep.Worst32.Err {
		c.rep.Worst32 = p
	}
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

func isFinite(x float64) bool { return !isNaN(x) && !math.IsInf(x, 0) }

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
// below which rounding would exceed kinkTol, x is a kink. (A kink near x but not at it stops
// disagreeing once h is below its distance from x.)
//
// From the step where they agree it takes the central differences D(h) and
// D(h/2) and the Richardson extrapolation (4D(h/2) − D(h))/3, whose error is
// O(h⁴) for smooth f. Its error is estimated as |D(h/2) − D(h)| (an
// overestimate for smooth f, and above the extrapolation's error ch/3 when D's
// error is ch) plus the rounding error of the differences; while that exceeds accept·max(1, |d|), h is
// divided by 16 and the best estimate kept (a kink of f” in the stencil,
// e.g. elu at 0, makes D's error O(h) instead of O(h²)).
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

// GradientCheckOptions configures CheckGraphGradient. The zero value selects
// every default.
type GradientCheckOptions struct {
	// Tol is the tolerance on the relative error (default 1e-6).
	Tol float64
}

// GradientPoint is one comparison of a graph gradient element with central
// differences of the cost.
type GradientPoint struct {
	// Input is the index of the input, Index the element's coordinates in it
	// and X the element's value.
	Input int
	Index []int
	X     float64
	// Analytic is the gradient that gorgonia.Grad computed.
	Analytic float64
	// Numeric is the central difference of the cost, NumErr its estimated
	// error.
	Numeric, NumErr float64
	// Err is |Analytic − Numeric| / max(1, |Numeric|).
	Err float64
}

// GradientKink is an input element at which the cost is not differentiable:
// its one-sided slopes disagree at every step.
type GradientKink struct {
	// Input, Index and X locate the element as in GradientPoint.
	Input int
	Index []int
	X     float64
	// Left and Right are the one-sided slopes of the cost.
	Left, Right float64
	// Analytic is the gradient that gorgonia.Grad computed.
	Analytic float64
}

// GradientReport is what CheckGraphGradient measured.
type GradientReport struct {
	// Tol is the tolerance applied.
	Tol float64
	// Cost is the cost at the given inputs.
	Cost float64
	// Elements is the number of input elements compared.
	Elements int
	// Worst is the comparison with the largest error.
	Worst GradientPoint
	// Kinks are the elements where the cost is not differentiable; they are
	// not failures.
	Kinks []GradientKink
}

// OK reports whether every compared element is within Tol.
func (r GradientReport) OK() bool { return r.Worst.Err <= r.Tol }

// String summarises the report: whether it passed, the worst element and the
// kinks.
func (r GradientReport) String() string {
	var b strings.Builder
	status, rel := "ok", "≤"
	if !r.OK() {
		status, rel = "FAILED", ">"
	}
	w := r.Worst
	fmt.Fprintf(&b, "check graph gradient: %s: worst error %.3g %s %.3g at input %d element %v (x=%g): gradient %.10g, central difference %.10g",
		status, w.Err, rel, r.Tol, w.Input, w.Index, w.X, w.Analytic, w.Numeric)
	if !r.OK() && w.NumErr > r.Tol*math.Max(1, math.Abs(w.Numeric))/2 {
		fmt.Fprintf(&b, " (the central difference is only good to ±%.1g here: is the cost large?)", w.NumErr)
	}
	fmt.Fprintf(&b, " (%d elements, cost %.10g)", r.Elements, r.Cost)
	for _, k := range r.Kinks {
		fmt.Fprintf(&b, "; not differentiable at input %d element %v (x=%g): slope %.6g from the left, %.6g from the right, gradient %.6g",
			k.Input, k.Index, k.X, k.Left, k.Right, k.Analytic)
	}
	return b.String()
}

// Err returns nil when the report is OK and otherwise an error whose text is
// the report.
func (r GradientReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("ops: %s", r)
}

// CheckGraphGradient checks a graph gradient against finite differences.
//
// build must make a float64 scalar cost on g from inputs, float64 tensor
// nodes shaped like the given values (anything else the cost needs, such as
// targets, it makes itself). CheckGraphGradient computes gorgonia.Grad of the
// cost with respect to every input, runs one TapeMachine at the given values,
// and then, for every element of every input, re-runs the same machine with
// that element perturbed (through gorgonia.Let) to take the central
// difference of the cost, as CheckSlope does (kinks included). Every element
// is compared by |a − n| / max(1, |n|) against opts.Tol (default 1e-6).
//
// The rounding error of the differences is about eps·|cost|/h with
// h ≈ 6e-6·max(1, |x|), so keep the cost of order one. The input values are
// copied, never modified.
//
// The error is nil when the check passes; it is the report's text when it
// fails, and describes the problem when the inputs, the graph or the machine
// fail (a panic in build or in Gorgonia is returned as an error).
func CheckGraphGradient(build func(g *gorgonia.ExprGraph, inputs gorgonia.Nodes) (*gorgonia.Node, error), inputs []*tensor.Dense, opts GradientCheckOptions) (rep GradientReport, err error) {
	const what = "ops: check graph gradient"
	if build == nil {
		return GradientReport{}, fmt.Errorf("%s: nil build function", what)
	}
	if len(inputs) == 0 {
		return GradientReport{}, fmt.Errorf("%s: no inputs", what)
	}
	tol := opts.Tol
	if tol == 0 {
		tol = DefaultTol
	}
	if !(tol > 0) {
		return GradientReport{}, fmt.Errorf("%s: tolerance %g must be positive", what, tol)
	}
	defer func() {
		if r := recover(); r != nil {
			rep, err = GradientReport{}, fmt.Errorf("%s: panic: %v", what, r)
		}
	}()

	// Private copies of the inputs: their elements are perturbed in place.
	work := make([]*tensor.Dense, len(inputs))
	for i, in := range inputs {
		if in == nil {
			return GradientReport{}, fmt.Errorf("%s: input %d is nil", what, i)
		}
		if in.Dtype() != tensor.Float64 {
			return GradientReport{}, fmt.Errorf("%s: input %d has dtype %v, want float64", what, i, in.Dtype())
		}
		if in.Shape().Dims() == 0 || in.Size() == 0 {
			return GradientReport{}, fmt.Errorf("%s: input %d has shape %v, want a non-empty tensor", what, i, in.Shape())
		}
		src := in
		if src.IsMaterializable() {
			src = src.Materialize().(*tensor.Dense)
		}
		data := append([]float64(nil), src.Float64s()[:src.Size()]...)
		work[i] = tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.WithBacking(data))
	}

	g := gorgonia.NewGraph()
	nodes := make(gorgonia.Nodes, len(work))
	for i, w := range work {
		nodes[i] = gorgonia.NewTensor(g, tensor.Float64, w.Dims(), gorgonia.WithShape(w.Shape().Clone()...), gorgonia.WithName(fmt.Sprintf("x%d", i)))
		if err := gorgonia.Let(nodes[i], w); err != nil {
			return GradientReport{}, fmt.Errorf("%s: bind input %d: %w", what, i, err)
		}
	}
	cost, err := build(g, nodes)
	switch {
	case err != nil:
		return GradientReport{}, fmt.Errorf("%s: build: %w", what, err)
	case cost == nil:
		return GradientReport{}, fmt.Errorf("%s: build returned a nil cost", what)
	case cost.Graph() != g:
		return GradientReport{}, fmt.Errorf("%s: build returned a cost on another graph", what)
	case !cost.IsScalar() || cost.Dtype() != tensor.Float64:
		return GradientReport{}, fmt.Errorf("%s: cost %v is %v, want a float64 scalar", what, cost.Name(), cost.Type())
	}
	grads, err := gorgonia.Grad(cost, nodes...)
	if err != nil {
		return GradientReport{}, fmt.Errorf("%s: grad: %w", what, err)
	}
	// Read copies values out of the machine's registers, which it reuses.
	var costV gorgonia.Value
	gradV := make([]gorgonia.Value, len(grads))
	gorgonia.Read(cost, &costV)
	for i, gn := range grads {
		gorgonia.Read(gn, &gradV[i])
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	run := func() (float64, error) {
		defer m.Reset()
		for i, n := range nodes {
			if err := gorgonia.Let(n, work[i]); err != nil {
				return 0, err
			}
		}
		if err := m.RunAll(); err != nil {
			return 0, err
		}
		return scalarOf(costV)
	}

	c0, err := run()
	if err != nil {
		return GradientReport{}, fmt.Errorf("%s: run: %w", what, err)
	}
	analytic := make([][]float64, len(grads))
	for i, v := range gradV {
		d, ok := v.(*tensor.Dense)
		if !ok || d.Dtype() != tensor.Float64 || d.Size() != work[i].Size() {
			return GradientReport{}, fmt.Errorf("%s: gradient of input %d is %v, want float64 %v", what, i, v, work[i].Shape())
		}
		if d.IsMaterializable() {
			d = d.Materialize().(*tensor.Dense)
		}
		analytic[i] = append([]float64(nil), d.Float64s()[:d.Size()]...)
	}

	rep = GradientReport{Tol: tol, Cost: c0}
	rep.Worst.Err = -1
	var runErr error
	for i, w := range work {
		data := w.Float64s()
		for k, x0 := range data {
			f := func(t float64) float64 {
				data[k] = t
				c, err := run()
				if err != nil && runErr == nil {
					runErr = err
				}
				return c
			}
			d := numDeriv(f, x0, tol/1000)
			data[k] = x0
			if runErr != nil {
				return GradientReport{}, fmt.Errorf("%s: run with input %d element %v perturbed: %w", what, i, unravel(k, w.Shape()), runErr)
			}
			a := analytic[i][k]
			if d.kink {
				rep.Kinks = append(rep.Kinks, GradientKink{Input: i, Index: unravel(k, w.Shape()), X: x0, Left: d.left, Right: d.right, Analytic: a})
				continue
			}
			rep.Elements++
			if e := relErr(a, d.d); e > rep.Worst.Err {
				rep.Worst = GradientPoint{Input: i, Index: unravel(k, w.Shape()), X: x0, Analytic: a, Numeric: d.d, NumErr: d.err, Err: e}
			}
		}
	}
	if rep.Elements == 0 {
		return rep, fmt.Errorf("%s: every element is a kink, nothing compared: %s", what, rep)
	}
	return rep, rep.Err()
}

// unravel returns the coordinates of the k-th element of a row-major shape.
func unravel(k int, shape tensor.Shape) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = k % shape[d]
		k /= shape[d]
	}
	return idx
}
