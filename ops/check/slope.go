package check

import (
	"fmt"
	"math/rand/v2"

	"outgrad/ops"
)

// Tolerances and the default grid of Slope and GraphGradient.
const (
	// DefaultTol is the default tolerance on the relative error of a float64
	// derivative against central differences.
	DefaultTol = 1e-6
	// DefaultTol32 is the default tolerance on the relative error between an
	// activation's float32 and float64 paths: float32 rounding (6e-8) of a
	// value computed in float64, with room for a few roundings on the way.
	DefaultTol32 = 1e-5
	// DefaultLo and DefaultHi bound Slope's default interval.
	DefaultLo, DefaultHi = -6.0, 6.0
	// DefaultPoints is the number of points of Slope's default grid:
	// spacing 0.006 over [−6, 6], with 0 on the grid.
	DefaultPoints = 2001
	// MaxPoints bounds SlopeOptions.Points, Rows and the length of At, so
	// that a slip (a count of math.MaxInt) is an error rather than a machine
	// out of memory.
	MaxPoints = 1 << 20
	// DefaultRows is the number of random rows of Slope's vector-Jacobian
	// check; row i has length 1 + i mod 8.
	DefaultRows = 64
)

// SlopeOptions configures Slope. The zero value selects every default.
type SlopeOptions struct {
	// Lo and Hi bound the interval checked: the grid and the entries of the
	// random rows (default [−6, 6] when both are 0). Give the range of inputs
	// the activation meets, e.g. the pre-activations of a training run.
	Lo, Hi float64
	// Points is the number of grid points, evenly spaced from Lo to Hi
	// inclusive (default 2001, at most MaxPoints). Points < 0 checks no grid, only At and the
	// rows.
	Points int
	// At are points checked besides the grid. For a row-wise activation each
	// is the first entry of an extra row of three.
	At []float64
	// Rows is the number of random rows (entries uniform in [Lo, Hi], output
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

// Slope checks act's backward against central differences of its forward,
// and its float32 path against its float64 path.
//
// For an elementwise activation (one whose Forward64 of a row equals its
// Forward64 of each entry alone) it compares Backward64 with dy = 1 at
// y = Forward64(x) with the derivative of Forward64 at every grid point and
// every opts.At entry. For every activation it compares the vector-Jacobian
// product Backward64(dy, x, f(x)) of random rows x and random dy with the
// central differences of Σ dy⊙f(x) with respect to each x_j. The float32
// check compares Forward32 and Backward32 with Forward64 and Backward64 at the
// same inputs (rounded to float32).
//
// An output-derived activation (ops.FromOutput) gets nil for x, so its
// backward is checked as reading only the output. An input-derived one gets x,
// and the report says that its slope comes from the input.
//
// The numerical derivative uses the step h = cbrt(eps)·max(1, |x|) and one
// Richardson extrapolation of the steps h and h/2, refined with steps 16
// times smaller while its estimated error is above Tol/1000. A point where
// the left and right one-sided slopes disagree by more than 0.1% at every
// step tried (down to 1e-13·max(1, |x|), or to where rounding would swamp
// them) is a kink: it is listed in Kinks and not compared (relu at 0). A
// jump in slope of less than 0.1% is not told apart from a wrong slope.
//
// The error is nil when the check passes; it is the report's Err when the
// check fails, and describes the problem when the options are invalid or the
// activation panics.
func Slope(act ops.Activation, opts SlopeOptions) (rep SlopeReport, err error) {
	if act == nil {
		return SlopeReport{}, fmt.Errorf("check: slope: nil activation")
	}
	name := act.Name()
	o, err := opts.withDefaults()
	if err != nil {
		return SlopeReport{}, fmt.Errorf("check: slope %s: %w", name, err)
	}
	defer func() {
		if r := recover(); r != nil {
			rep, err = SlopeReport{}, fmt.Errorf("check: slope %s: activation panicked: %v", name, r)
		}
	}()
	rep = SlopeReport{Name: name, Source: act.DerivedFrom(), Tol: o.Tol, Tol32: o.Tol32, Lo: o.Lo, Hi: o.Hi, Elementwise: isElementwise(act)}
	rep.Worst.Err, rep.Worst32.Err = -1, -1
	c := slopeChecker{act: act, rep: &rep, accept: o.Tol / 1000}
	if rep.Elementwise {
		c.points(o.grid())
	}
	c.rows(o.rows(!rep.Elementwise))
	if rep.Worst.Err < 0 {
		return rep, fmt.Errorf("check: slope %s: no differentiable point to check (%d kinks)", name, len(rep.Kinks))
	}
	return rep, rep.Err()
}

// withDefaults fills in the defaults and validates the options.
func (o SlopeOptions) withDefaults() (SlopeOptions, error) {
	if o.Lo == 0 && o.Hi == 0 {
		o.Lo, o.Hi = DefaultLo, DefaultHi
	}
	if o.Points == 0 {
		o.Points = DefaultPoints
	}
	if o.Rows == 0 {
		o.Rows = DefaultRows
	}
	if o.Tol == 0 {
		o.Tol = DefaultTol
	}
	if o.Tol32 == 0 {
		o.Tol32 = DefaultTol32
	}
	switch {
	case !isFinite(o.Lo) || !isFinite(o.Hi) || o.Lo > o.Hi:
		return o, fmt.Errorf("range [%g, %g] is not a finite interval", o.Lo, o.Hi)
	case !(o.Tol > 0) || !(o.Tol32 > 0):
		return o, fmt.Errorf("tolerances %g and %g must be positive", o.Tol, o.Tol32)
	case o.Points > MaxPoints || o.Rows > MaxPoints || len(o.At) > MaxPoints:
		return o, fmt.Errorf("%d points, %d rows and %d extra points: at most %d each", o.Points, o.Rows, len(o.At), MaxPoints)
	}
	for _, x := range o.At {
		if !isFinite(x) {
			return o, fmt.Errorf("point %g is not finite", x)
		}
	}
	return o, nil
}

// grid returns the grid points followed by the caller's points not on it.
func (o SlopeOptions) grid() []float64 {
	var xs []float64
	switch {
	case o.Points == 1:
		xs = append(xs, o.Lo)
	case o.Points > 1:
		for i := range o.Points {
			// (Hi−Lo)·i is exact for the default grid, so 0 is on it.
			xs = append(xs, o.Lo+(o.Hi-o.Lo)*float64(i)/float64(o.Points-1))
		}
	}
	seen := make(map[float64]bool, len(xs))
	for _, x := range xs {
		seen[x] = true
	}
	for _, x := range o.At {
		if !seen[x] {
			seen[x] = true
			xs = append(xs, x)
		}
	}
	return xs
}

// rows returns the random rows and output gradients of the vector-Jacobian
// check, then, if withPoints, one row of three per caller point.
func (o SlopeOptions) rows(withPoints bool) (xs, dys [][]float64) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	uniform := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	row := func(n int) (x, dy []float64) {
		x, dy = make([]float64, n), make([]float64, n)
		for j := range x {
			x[j], dy[j] = uniform(o.Lo, o.Hi), uniform(-1, 1)
		}
		return x, dy
	}
	for i := 0; i < o.Rows; i++ {
		x, dy := row(1 + i%8)
		xs, dys = append(xs, x), append(dys, dy)
	}
	for _, p := range o.At {
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
func isElementwise(act ops.Activation) bool {
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

// slopeChecker accumulates Slope's comparisons into rep.
type slopeChecker struct {
	act    ops.Activation
	rep    *SlopeReport
	accept float64
}

// in returns x for an input-derived activation and nil for an output-derived
// one, whose backward must not read its input.
func in[T ops.Float](a ops.Activation, x []T) []T {
	if a.DerivedFrom() == ops.FromInput {
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
	c.act.Backward64(dx, ones, in(c.act, xs), ys, 1)
	x1, y1 := make([]float64, 1), make([]float64, 1)
	f := func(t float64) float64 {
		x1[0] = t
		c.act.Forward64(y1, x1, 1)
		return y1[0]
	}
	for i, x := range xs {
		d := numDeriv(f, x, c.accept)
		if d.kink {
			c.rep.Kinks = append(c.rep.Kinks, Kink{Source: c.rep.Source, X: x, Y: ys[i], Left: d.left, Right: d.right, Backward: dx[i]})
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
	c.act.Backward64(dx, ones, in(c.act, x64), ys, 1)
	c.act.Forward32(y32, x32, 1)
	c.act.Backward32(dx32, ones32, in(c.act, x32), y32, 1)
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
		c.act.Backward64(dx, dy, in(c.act, x), y, n)
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
				c.rep.Kinks = append(c.rep.Kinks, Kink{Source: c.rep.Source, X: x[j], Y: y[j], Row: x, Col: j, Left: d.left, Right: d.right, Backward: dx[j]})
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
		c.act.Backward64(dx, dy64, in(c.act, x64), y, n)
		c.act.Forward32(y32, x32, n)
		c.act.Backward32(dx32, dy32, in(c.act, x32), y32, n)
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
