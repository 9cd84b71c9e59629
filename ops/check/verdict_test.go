package check

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"outgrad/ops"
)

// The tests in this file hold the rules that turn numbers into a verdict: each
// tolerance from both sides, each documented default, and each check failing
// for the reason it exists.

// above is the next float64 after x towards +Inf: just outside a tolerance x.
func above(x float64) float64 { return math.Nextafter(x, math.Inf(1)) }

// TestDocumentedDefaults pins the values the package documents: a change to
// one of them changes what every caller's "ok" means.
func TestDocumentedDefaults(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"DefaultTol", DefaultTol, 1e-6},
		{"DefaultTol32", DefaultTol32, 1e-5},
		{"DefaultLo", DefaultLo, -6},
		{"DefaultHi", DefaultHi, 6},
		{"DefaultPoints", DefaultPoints, 2001},
		{"DefaultRows", DefaultRows, 64},
		// The step of the central differences is cbrt(eps), documented in Slope.
		{"stepRel", stepRel, math.Cbrt(0x1p-52)},
		{"minStepRel", minStepRel, 1e-13},
		{"kinkTol (0.1%)", kinkTol, 1e-3},
		{"shrink", shrink, 16},
		{"maxRefine", maxRefine, 4},
	} {
		if math.Abs(c.got-c.want) > 1e-15*math.Abs(c.want) {
			t.Errorf("%s = %v, documented as %v", c.name, c.got, c.want)
		}
	}
}

// TestSlopeZeroOptionsUseDefaults: the zero SlopeOptions check the documented
// grid, rows and tolerances, and the report says so.
func TestSlopeZeroOptionsUseDefaults(t *testing.T) {
	rep, err := Slope(ops.Tanh, SlopeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Rows i = 0..63 have 1 + i mod 8 entries: 8 cycles of 1+2+…+8 = 36.
	if rep.Tol != 1e-6 || rep.Tol32 != 1e-5 || rep.Lo != -6 || rep.Hi != 6 || rep.Points != 2001 || rep.Entries != 8*36 {
		t.Errorf("zero options: tol %g/%g, [%g, %g], %d points, %d row entries; want 1e-6/1e-5, [-6, 6], 2001, 288",
			rep.Tol, rep.Tol32, rep.Lo, rep.Hi, rep.Points, rep.Entries)
	}
	o, err := SlopeOptions{Lo: -1, Hi: 2, Points: 5, Rows: 3, Tol: 1e-3, Tol32: 1e-2}.withDefaults()
	if err != nil || o.Lo != -1 || o.Hi != 2 || o.Points != 5 || o.Rows != 3 || o.Tol != 1e-3 || o.Tol32 != 1e-2 {
		t.Errorf("explicit options became %+v (%v), want them kept", o, err)
	}
	// Only Lo and Hi both 0 select the default interval.
	if o, err := (SlopeOptions{Lo: 0, Hi: 1}).withDefaults(); err != nil || o.Lo != 0 || o.Hi != 1 {
		t.Errorf("[0, 1] became [%g, %g] (%v)", o.Lo, o.Hi, err)
	}
	if o, err := (SlopeOptions{Lo: 1, Hi: 1}).withDefaults(); err != nil || o.Lo != 1 || o.Hi != 1 {
		t.Errorf("the one-point interval [1, 1] is refused or changed: [%g, %g] (%v)", o.Lo, o.Hi, err)
	}
	for _, bad := range []SlopeOptions{{Lo: 2, Hi: 1}, {Tol: -1}, {Tol32: -1}, {Tol: math.NaN()}, {Lo: math.Inf(-1), Hi: 1}} {
		if _, err := bad.withDefaults(); err == nil {
			t.Errorf("options %+v accepted", bad)
		}
	}
}

// TestRelErrRule: the comparison every check uses is absolute below 1 and
// relative above it, with NaN an infinite error and equal values agreeing.
func TestRelErrRule(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct{ a, n, want float64 }{
		{0.5, 0.25, 0.25},  // |n| < 1: absolute
		{-0.5, 0.25, 0.75}, // sign counts
		{3, 2, 0.5},        // |n| > 1: relative to |n|
		{-3, -2, 0.5},      // relative to |n|, not n
		{2, 1, 1},          // |n| = 1: either
		{4, 1.0001, 2.9999 / 1.0001},
		{inf, inf, 0},
		{math.NaN(), 1, inf},
		{1, math.NaN(), inf},
		{inf, 1, inf},
	} {
		got := relErr(c.a, c.n)
		if got != c.want && math.Abs(got-c.want) > 1e-15 {
			t.Errorf("relErr(%g, %g) = %.17g, want %.17g", c.a, c.n, got, c.want)
		}
	}
	if relErr32(math.NaN(), math.NaN()) != 0 || relErr(math.NaN(), math.NaN()) != inf || relErr32(math.NaN(), 1) != inf || relErr32(1.5, 1) != 0.5 {
		t.Error("relErr32: NaN must agree with NaN only in the float32 comparison, and it must otherwise be relErr")
	}
}

// TestAgreeRule: agree is |a − b| ≤ tol·max(1, |a|, |b|), exactly at the
// bound and not beyond.
func TestAgreeRule(t *testing.T) {
	for _, c := range []struct {
		a, b, tol float64
		want      bool
	}{
		{1, 1.5, 1.0 / 3, true}, // scaled by |b| = 1.5, not absolute
		{1, 1.5, 0.33, false},
		{4, 6, 1.0 / 3, true}, // scaled by max(|a|, |b|) = 6
		{4, 6, 0.3, false},
		{6, 4, 1.0 / 3, true}, // symmetric
		{-6, -4, 1.0 / 3, true},
		{0.1, 0.3, 0.2 + 1e-16, true}, // below 1: absolute
		{0.1, 0.3, 0.19, false},
	} {
		if got := agree(c.a, c.b, c.tol); got != c.want {
			t.Errorf("agree(%g, %g, %g) = %v, want %v", c.a, c.b, c.tol, got, c.want)
		}
	}
}

// TestReportOKAtTheBound: an error equal to the tolerance passes, the next
// float64 above it fails, NaN fails; for float64 and float32 separately, in
// SlopeReport and GradientReport, and the text says which.
func TestReportOKAtTheBound(t *testing.T) {
	const tol, tol32 = 1e-6, 1e-5
	for _, c := range []struct {
		name       string
		err, err32 float64
		want       bool
	}{
		{"both at the bound", tol, tol32, true},
		{"both well inside", tol / 2, 0, true},
		{"float64 just outside", above(tol), tol32, false},
		{"float32 just outside", tol, above(tol32), false},
		{"float64 NaN", math.NaN(), 0, false},
		{"float32 NaN", 0, math.NaN(), false},
	} {
		r := SlopeReport{Name: "x", Tol: tol, Tol32: tol32}
		r.Worst.Err, r.Worst32.Err = c.err, c.err32
		if r.OK() != c.want || (r.Err() == nil) != c.want {
			t.Errorf("slope, %s: OK %v, Err %v; want OK %v", c.name, r.OK(), r.Err(), c.want)
		}
		if got := strings.Contains(r.String(), ": FAILED: "); got == c.want {
			t.Errorf("slope, %s: text %q, want FAILED %v", c.name, r.String(), !c.want)
		}
		g := GradientReport{Tol: tol}
		g.Worst.Err = c.err
		if want := c.err <= tol; g.OK() != want || (g.Err() == nil) != want || strings.Contains(g.String(), "FAILED") == want {
			t.Errorf("gradient, error %g: OK %v, text %q; want OK %v", c.err, g.OK(), g.String(), want)
		}
	}
	if cmp(tol, tol) != "≤" || cmp(above(tol), tol) != ">" || cmp(math.NaN(), tol) != ">" {
		t.Error("cmp does not say ≤ exactly up to the tolerance")
	}
}

// TestSlopeAtTheTolerance: tanh's slope scaled by 1+r is off by r at x = 0
// (slope 1) and by less elsewhere; the default tolerance 1e-6 passes r just
// inside and fails r just outside, and a caller's tolerance moves the bound.
func TestSlopeAtTheTolerance(t *testing.T) {
	for _, c := range []struct {
		rel, tol float64
		pass     bool
	}{
		{0.98e-6, 0, true},
		{1.02e-6, 0, false},
		{0.98e-4, 1e-4, true},
		{1.02e-4, 1e-4, false},
	} {
		rep, err := Slope(scaledSlope(c.rel), SlopeOptions{Tol: c.tol})
		if (err == nil) != c.pass || rep.OK() != c.pass {
			t.Errorf("slope off by %g, tolerance %g: error %v, want pass %v", c.rel, c.tol, err, c.pass)
		}
		// The worst point is x = 0, where the error is the factor itself.
		if math.Abs(rep.Worst.Err-c.rel) > 1e-3*c.rel || rep.Worst.X != 0 {
			t.Errorf("slope off by %g: worst error %g at x=%g, want %g at 0", c.rel, rep.Worst.Err, rep.Worst.X, c.rel)
		}
	}
}

// scaled32 is tanh whose float32 backward is off by the relative factor 1+r.
type scaled32 struct {
	*ops.Pointwise
	r float32
}

func (s scaled32) Backward32(dx, dy, x, y []float32, cols int) {
	s.Pointwise.Backward32(dx, dy, x, y, cols)
	for i := range dx {
		dx[i] *= 1 + s.r
	}
}

// TestSlope32AtTheTolerance: a float32 backward off by a little less than
// DefaultTol32 passes and one off by a little more fails (float32 rounding,
// 6e-8, is far below the margin).
func TestSlope32AtTheTolerance(t *testing.T) {
	for _, c := range []struct {
		r    float32
		pass bool
	}{
		{0.95e-5, true},
		{1.05e-5, false},
	} {
		rep, err := Slope(scaled32{ops.Tanh, c.r}, SlopeOptions{})
		if (err == nil) != c.pass {
			t.Errorf("float32 backward off by %g: error %v (worst float32 %g), want pass %v", c.r, err, rep.Worst32.Err, c.pass)
		}
		if rep.Worst.Err > 1e-9 {
			t.Errorf("float32 backward off by %g: float64 error %g, want the float64 path untouched", c.r, rep.Worst.Err)
		}
	}
}

// kinked is x for x < 0 and (1+j)·x above: a slope that jumps by j at 0,
// with its slope read from the input.
func kinked(j float64) *ops.Pointwise {
	f := func(x float64) float64 {
		if x < 0 {
			return x
		}
		return (1 + j) * x
	}
	return ops.NewPointwiseInput("kinked", f, func(x float64) float64 {
		if x < 0 {
			return 1
		}
		return 1 + j
	})
}

// TestKinkThreshold: a jump in slope of 0.2% at 0 is a kink (listed, not
// compared); one of 0.05% is below the documented 0.1% and is compared as an
// ordinary point, where the central difference splits the jump and fails.
func TestKinkThreshold(t *testing.T) {
	opts := SlopeOptions{Lo: -1, Hi: 1, Points: 3, Rows: -1}
	rep, err := Slope(kinked(2e-3), opts)
	if err != nil || len(rep.Kinks) != 1 || rep.Kinks[0].X != 0 || rep.Points != 2 {
		t.Errorf("jump 0.2%%: %d kinks, %d points, error %v; want the kink at 0 listed and the other 2 points compared: %v", len(rep.Kinks), rep.Points, err, rep)
	}
	rep, err = Slope(kinked(5e-4), opts)
	if err == nil || len(rep.Kinks) != 0 || rep.Points != 3 || rep.Worst.X != 0 {
		t.Errorf("jump 0.05%%: %d kinks, %d points, worst at x=%g, error %v; want no kink and a failure at 0", len(rep.Kinks), rep.Points, rep.Worst.X, err)
	}
}

// TestGraphGradientAtTheTolerance: the graph check passes a slope off by a
// little less than its tolerance and fails one off by a little more, with the
// default tolerance and a caller's.
func TestGraphGradientAtTheTolerance(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float64{-0.5, 0, 0.5}))
	w := tensor.New(tensor.WithShape(1, 3), tensor.WithBacking([]float64{1, 1, 1}))
	for _, c := range []struct {
		rel, tol float64
		pass     bool
	}{
		{0.98e-6, 0, true},
		{1.02e-6, 0, false},
		{0.98e-3, 1e-3, true},
		{1.02e-3, 1e-3, false},
	} {
		rep, err := GraphGradient(sumOf(scaledSlope(c.rel), w), []*tensor.Dense{x}, GradientOptions{Tol: c.tol})
		if (err == nil) != c.pass || rep.OK() != c.pass {
			t.Errorf("slope off by %g, tolerance %g: error %v, want pass %v", c.rel, c.tol, err, c.pass)
		}
		want := c.tol
		if want == 0 {
			want = DefaultTol
		}
		if rep.Tol != want || rep.Elements != 3 || math.Abs(rep.Worst.Err-c.rel) > 1e-3*c.rel {
			t.Errorf("slope off by %g: tol %g, %d elements, worst %g; want tol %g, 3 elements, worst %g", c.rel, rep.Tol, rep.Elements, rep.Worst.Err, want, c.rel)
		}
	}
	if _, err := GraphGradient(sumOf(ops.Tanh, w), []*tensor.Dense{x}, GradientOptions{Tol: -1}); err == nil {
		t.Error("a negative tolerance was accepted")
	}
}
