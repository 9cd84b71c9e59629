package check

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"outgrad/ops"
)

// The tests in this file hold the parts of the numerical derivative and of the
// reports that the verdict tests leave loose: the accuracy of the Richardson
// extrapolation well below the 1e-6 it judges by, the rounding bounds, the
// steps at which refinement and the kink search stop, and the wording that
// tells a reader why a comparison failed. (The mutants that no test can tell
// apart from the code are listed with their reasons in
// testdata/equivalent-mutants.txt.)

// recorded returns f and the arguments it was called with, in order.
func recorded(f func(float64) float64) (func(float64) float64, *[]float64) {
	var xs []float64
	return func(x float64) float64 {
		xs = append(xs, x)
		return f(x)
	}, &xs
}

// TestNumDerivRichardsonAccuracy: where f is smooth, the extrapolation of
// the first two steps is accurate to O(h⁴) plus rounding, far inside 1e-10,
// even when the caller accepts 1e-6; a central difference alone, or an
// extrapolation with the wrong sign, is off by O(h²) ≈ 1e-10…1e-8 at these
// points. The estimated error bounds the actual one.
func TestNumDerivRichardsonAccuracy(t *testing.T) {
	cases := []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}{
		{"exp", math.Exp, 10, math.Exp(10)},
		{"exp", math.Exp, -3, math.Exp(-3)},
		{"exp", math.Exp, 20, math.Exp(20)},
		{"sin", math.Sin, 100, math.Cos(100)},
		{"sin", math.Sin, 30, math.Cos(30)},
		{"cube", func(x float64) float64 { return x * x * x }, -7, 147},
		{"cube", func(x float64) float64 { return x * x * x }, 1.5, 6.75},
	}
	for _, c := range cases {
		d := numDeriv(c.f, c.x, 1e-6)
		if d.kink {
			t.Errorf("%s'(%g): kink, want %g", c.name, c.x, c.want)
			continue
		}
		if e := relErr(d.d, c.want); e > 1e-10 {
			t.Errorf("%s'(%g) = %.17g, want %.17g: error %.2g > 1e-10", c.name, c.x, d.d, c.want, e)
		}
		if a := math.Abs(d.d - c.want); a > d.err {
			t.Errorf("%s'(%g): actual error %.3g above the estimate %.3g", c.name, c.x, a, d.err)
		}
	}
}

// TestNumDerivRefinesUntilAccepted counts the calls of f: three for the
// one-sided slopes at the first step (they agree on a smooth f), then four per
// Richardson step (f at x±h and x±h/2). An estimate within accept·max(1, |d|)
// at the first step stops there, relative to a large derivative too; elu's f”
// jumps at 0, so the error there is O(h) and the step shrinks by 16 until
// h/8 ≤ accept (h = 6.06e-6: three refinements for accept 1e-9).
func TestNumDerivRefinesUntilAccepted(t *testing.T) {
	elu := ops.ELU.F
	for _, c := range []struct {
		name   string
		f      func(float64) float64
		x      float64
		accept float64
		steps  int
	}{
		{"exp at 10 (f' = 22026)", math.Exp, 10, 1e-6, 1},
		{"sin at 1", math.Sin, 1, 1e-6, 1},
		{"elu at 0", elu, 0, 1e-9, 4},
		{"elu at 0, accepting 1e-7", elu, 0, 1e-7, 2}, // h/8/16 = 4.7e-8
	} {
		f, calls := recorded(c.f)
		d := numDeriv(f, c.x, c.accept)
		if got := (len(*calls) - 3) / 4; got != c.steps || len(*calls) != 3+4*c.steps {
			t.Errorf("%s: %d calls of f (%d Richardson steps), want %d steps: %+v", c.name, len(*calls), got, c.steps, d)
		}
		if d.err > c.accept*math.Max(1, math.Abs(d.d)) {
			t.Errorf("%s: estimated error %.3g above accept %g", c.name, d.err, c.accept)
		}
	}
	// Never within accept: the first estimate, the one with the smallest
	// error, is kept after 1+maxRefine steps (refining only adds rounding).
	f, calls := recorded(func(x float64) float64 { return 1e8 + x })
	d := numDeriv(f, 0.3, 1e-9)
	if len(*calls) != 3+4*(maxRefine+1) {
		t.Errorf("1e8+x: %d calls, want %d", len(*calls), 3+4*(maxRefine+1))
	}
	first, r1 := central(func(x float64) float64 { return 1e8 + x }, 0.3, stepRel)
	if d.kink || math.Abs(d.d-1) > d.err || d.err < r1 {
		t.Errorf("1e8+x at 0.3: %+v, want an estimate of 1 within its error, from the first step (D(h) = %g ± %g)", d, first, r1)
	}
}

// TestNumDerivRoundingEstimate: of a constant C both central differences are
// exactly 0, so the estimated error is the rounding bound alone, "a few ulps"
// of each f value over the width: k·2C·eps/2h for D(h) and k·2C·eps/h for
// D(h/2), h = cbrt(eps)·max(1, |x|), with k between 2 and 8.
func TestNumDerivRoundingEstimate(t *testing.T) {
	for _, c := range []struct{ C, x float64 }{{1, 0}, {3, 0.5}, {1, 8}, {-50, -20}} {
		f := func(float64) float64 { return c.C }
		d := numDeriv(f, c.x, 1e-6)
		h := stepRel * math.Max(1, math.Abs(c.x))
		unit := math.Abs(c.C) * eps64 * (1/h + 2/h) // one ulp of each value, both differences
		if d.kink || d.d != 0 || !(d.err >= 2*unit && d.err <= 8*unit) {
			t.Errorf("constant %g at %g: %+v, want 0 with an error of 2 to 8 times %.3g", c.C, c.x, d, unit)
		}
	}
}

// TestNumDerivKinkStepFloor: at a kink of |x − a| the slopes disagree at
// every step, and the search stops at the smallest step of the sequence
// cbrt(eps)·max(1, |a|)/16ᵏ that is not below 1e-13·max(1, |a|).
func TestNumDerivKinkStepFloor(t *testing.T) {
	for _, a := range []float64{0, 4, -30} {
		f, calls := recorded(func(x float64) float64 { return math.Abs(x - a) })
		d := numDeriv(f, a, 1e-9)
		if !d.kink || d.left != -1 || d.right != 1 {
			t.Errorf("|x−%g| at %g: %+v, want a kink with slopes −1 and 1", a, a, d)
			continue
		}
		scale := math.Max(1, math.Abs(a))
		first, smallest := 0.0, math.Inf(1)
		for _, x := range *calls {
			if s := math.Abs(x - a); s > 0 {
				first, smallest = math.Max(first, s), math.Min(smallest, s)
			}
		}
		if relErr(first, stepRel*scale) > 1e-12 {
			t.Errorf("|x−%g|: first step %g, want %g", a, first, stepRel*scale)
		}
		floor := minStepRel * scale
		if !(smallest >= floor*(1-1e-9) && smallest < shrink*floor) {
			t.Errorf("|x−%g|: smallest step %g, want in [%g, %g)", a, smallest, floor, shrink*floor)
		}
	}
}

// TestNumDerivKinkRoundingFloor: at the kink of C + |x| the one-sided slopes
// carry the rounding R(h) = 4·eps·(|f(x−h)| + 2|f(x)| + |f(x+h)|)/h ≈
// 16·eps·C/h, and the search stops at the first step below which R would
// exceed kinkTol: R(h) ≤ kinkTol < R(h/16). C = 2.4 puts that step
// (9.2e-11) a factor 1.5 away from the bound on both sides.
func TestNumDerivKinkRoundingFloor(t *testing.T) {
	const C = 2.4
	f, calls := recorded(func(x float64) float64 { return C + math.Abs(x) })
	d := numDeriv(f, 0, 1e-9)
	smallest := math.Inf(1)
	for _, x := range *calls {
		if x != 0 {
			smallest = math.Min(smallest, math.Abs(x))
		}
	}
	R := func(h float64) float64 { return 16 * eps64 * C / h }
	if !d.kink || math.Abs(d.left+1) > 1e-3 || math.Abs(d.right-1) > 1e-3 {
		t.Errorf("%g+|x| at 0: %+v, want a kink with slopes −1 and 1", C, d)
	}
	if !(R(smallest) <= kinkTol && R(smallest/shrink) > kinkTol) {
		t.Errorf("%g+|x|: smallest step %g, rounding there %.3g and at the next step %.3g; want the first ≤ %g < the second", C, smallest, R(smallest), R(smallest/shrink), kinkTol)
	}
	// Rounding alone is no kink: 1e8 + x has one-sided slopes that disagree
	// by their rounding (0.6 at the first step), which the comparison allows.
	if d := numDeriv(func(x float64) float64 { return 1e8 + x }, 0.3, 1e-6); d.kink {
		t.Errorf("1e8+x at 0.3 taken for a kink: %+v", d)
	}
}

// TestGraphGradientRunErrorWhilePerturbed: a run that fails only with an
// element perturbed is reported, naming the element and the first failure
// (at x + h, the first perturbation that the activation refuses).
func TestGraphGradientRunErrorWhilePerturbed(t *testing.T) {
	touchy := ops.NewPointwise("touchy", func(x float64) float64 {
		if x > 1 {
			panic(fmt.Sprintf("input %v above 1", x))
		}
		return x
	}, func(float64) float64 { return 1 })
	x := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{0.5, 1}))
	w := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{1, 1}))
	rep, err := GraphGradient(sumOf(touchy, w), []*tensor.Dense{x}, GradientOptions{})
	first := fmt.Sprintf("input %v above 1", 1+stepRel)
	if err == nil || !strings.Contains(err.Error(), "run with input 0 element [0 1] perturbed") || !strings.Contains(err.Error(), first) {
		t.Errorf("error %v (report %v), want one naming element [0 1] and %q", err, rep, first)
	}
}

// TestAcceptIsTolOver1000: both checks refine the derivative until its
// estimated error is within a thousandth of their tolerance. elu's derivative
// at 0 is 1, and its first Richardson estimate is off by h/12 ≈ 5e-7; with
// the tolerance 1e-7 the refined one passes.
func TestAcceptIsTolOver1000(t *testing.T) {
	rep, err := Slope(ops.ELU, SlopeOptions{Points: -1, At: []float64{0}, Rows: -1, Tol: 1e-7})
	if err != nil || rep.Points != 1 || rep.Worst.Err > 1e-9 {
		t.Errorf("slope of elu at 0, tolerance 1e-7: %d points, worst %g, error %v; want 1 point within 1e-9", rep.Points, rep.Worst.Err, err)
	}
	x := tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float64{0}))
	w := tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float64{1}))
	grep, err := GraphGradient(sumOf(ops.ELU, w), []*tensor.Dense{x}, GradientOptions{Tol: 1e-7})
	if err != nil || grep.Worst.Err > 1e-9 {
		t.Errorf("graph gradient of elu at 0, tolerance 1e-7: worst %g, error %v; want within 1e-9", grep.Worst.Err, err)
	}
}

// TestWorstIsFirstOfEquals: among elements or points with the same error, the
// report names the first (in input order, row-major; on the grid, from Lo),
// so that equal runs give equal reports and a reader finds the lowest one.
func TestWorstIsFirstOfEquals(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{0.5, 0.5}))
	w := tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float64{1, 1}))
	rep, err := GraphGradient(sumOf(badTanh, w), []*tensor.Dense{x}, GradientOptions{})
	if err == nil || !slices.Equal(rep.Worst.Index, []int{0, 0}) {
		t.Errorf("two equal elements, wrong slope: worst %+v, error %v; want element [0 0] and a failure", rep.Worst, err)
	}

	// x ↦ x has the central difference 1 exactly (the width actually spanned
	// is the difference of f); a slope of 2 is off by 1 everywhere. Its
	// float32 forward 2x is off by 1 at every |x| ≥ 1.
	twice := double32{ops.NewPointwise("twice", func(x float64) float64 { return x }, func(float64) float64 { return 2 })}
	srep, err := Slope(twice, SlopeOptions{Lo: -2, Hi: 2, Points: 5, Rows: -1})
	if err == nil || srep.Worst.Err != 1 || srep.Worst.X != -2 || srep.Worst32.Err != 1 || srep.Worst32.X != -2 || srep.Worst32.What != "forward" {
		t.Errorf("equal errors at every point: worst %+v, float32 %+v, error %v; want both at x=-2 (the forward)", srep.Worst, srep.Worst32, err)
	}
}

// double32 doubles the float32 forward of its activation.
type double32 struct{ *ops.Pointwise }

func (d double32) Forward32(y, x []float32, cols int) {
	d.Pointwise.Forward32(y, x, cols)
	for i := range y {
		y[i] *= 2
	}
}

// spy records the x and dy of every Backward64 call of an input-derived
// tanh.
type spy struct {
	*ops.Pointwise
	xs, dys *[][]float64
}

func newSpy() spy {
	return spy{ops.NewPointwiseInput("spy", math.Tanh, func(x float64) float64 { t := math.Tanh(x); return 1 - t*t }), new([][]float64), new([][]float64)}
}

func (s spy) Backward64(dx, dy, x, y []float64, cols int) {
	*s.xs = append(*s.xs, slices.Clone(x))
	*s.dys = append(*s.dys, slices.Clone(dy))
	s.Pointwise.Backward64(dx, dy, x, y, cols)
}

// TestSlopeGridAndRows: the grid is Points evenly spaced points from Lo to
// Hi inclusive; the rows' entries lie in [Lo, Hi] and their output gradients
// in [−1, 1], of both signs.
func TestSlopeGridAndRows(t *testing.T) {
	s := newSpy()
	if _, err := Slope(s, SlopeOptions{Lo: -1, Hi: 3, Points: 5, Rows: -1}); err != nil {
		t.Fatal(err)
	}
	if len(*s.xs) == 0 || !slices.Equal((*s.xs)[0], []float64{-1, 0, 1, 2, 3}) {
		t.Errorf("grid %v, want [-1 0 1 2 3]", *s.xs)
	}

	s = newSpy()
	if _, err := Slope(s, SlopeOptions{Lo: -1, Hi: 3, Points: -1, Rows: 16}); err != nil {
		t.Fatal(err)
	}
	var neg, pos int
	for r, dy := range *s.dys {
		for j, v := range dy {
			if x := (*s.xs)[r][j]; x < -1 || x > 3 {
				t.Errorf("row %d entry %d: x = %g outside [-1, 3]", r, j, x)
			}
			switch {
			case v < -1 || v > 1:
				t.Errorf("row %d entry %d: dy = %g outside [-1, 1]", r, j, v)
			case v < -0.5:
				neg++
			case v > 0.5:
				pos++
			}
		}
	}
	if neg == 0 || pos == 0 {
		t.Errorf("output gradients %v: %d below -0.5 and %d above 0.5, want both", *s.dys, neg, pos)
	}
}

// TestReportHintOnPoorDifference: a failed report adds that the difference
// itself is poor when its estimated error exceeds half the tolerance (relative
// to max(1, |numeric|)); not at exactly half, not for a passing report.
func TestReportHintOnPoorDifference(t *testing.T) {
	const tol = 1e-6
	for _, c := range []struct {
		name            string
		err             float64
		numeric, numErr float64
		hint            bool
	}{
		{"failed, difference poor", 1e-3, 0.5, 0.8 * tol, true},
		{"failed, difference error at half the tolerance", 1e-3, 0.5, tol / 2, false},
		{"failed, difference good relative to a large slope", 1e-3, 100, tol, false},
		{"failed, difference poor relative to a large slope", 1e-3, 100, 60 * tol, true},
		{"passed at the bound, difference poor", tol, 0.5, 1, false},
		{"passed, difference poor", tol / 2, 0.5, 1, false},
	} {
		g := GradientReport{Tol: tol, Worst: GradientPoint{Err: c.err, Numeric: c.numeric, NumErr: c.numErr}}
		if got := strings.Contains(g.String(), "the central difference is only good to"); got != c.hint {
			t.Errorf("gradient, %s: hint %v, want %v: %s", c.name, got, c.hint, g)
		}
		s := SlopeReport{Name: "x", Tol: tol, Tol32: DefaultTol32, Worst: SlopePoint{Err: c.err, Numeric: c.numeric, NumErr: c.numErr}}
		if got := strings.Contains(s.String(), "the finite difference is only good to"); got != c.hint {
			t.Errorf("slope, %s: hint %v, want %v: %s", c.name, got, c.hint, s)
		}
	}
}

// TestFloat32WhereWording: the float32 worst point is located by x alone,
// or by its entry of the row.
func TestFloat32WhereWording(t *testing.T) {
	r := SlopeReport{Name: "x", Tol: DefaultTol, Tol32: DefaultTol32}
	r.Worst32 = Float32Point{What: "forward", X: 2, Want: 1, Got: 1}
	if s := r.String(); !strings.Contains(s, "at x=2: float32 gives") {
		t.Errorf("single point: %s", s)
	}
	r.Worst32.Row, r.Worst32.Col = []float64{1, 2}, 1
	if s := r.String(); !strings.Contains(s, "at x=2 (entry 1 of row [1 2]): float32 gives") {
		t.Errorf("row entry: %s", s)
	}
}
