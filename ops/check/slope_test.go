package check

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"outgrad/ops"
)

// scaledSlope is tanh whose slope is off by the relative factor 1+rel.
func scaledSlope(rel float64) *ops.Pointwise {
	return ops.NewPointwise("tanh-off", math.Tanh, func(y float64) float64 { return (1 - y*y) * (1 + rel) })
}

// TestSlopeTolerance64: a slope off by a relative 1e-4 fails the float64
// check (tolerance 1e-6); one off by 1e-8 passes.
func TestSlopeTolerance64(t *testing.T) {
	if rep, err := Slope(scaledSlope(1e-4), SlopeOptions{}); err == nil {
		t.Errorf("a slope off by 1e-4 passed: %v", rep)
	} else if rep.Worst.Err < 0.9e-4 || rep.Worst32.Err > DefaultTol32 {
		t.Errorf("worst errors %g (float64) and %g (float32), want ≈ 1e-4 and within tolerance", rep.Worst.Err, rep.Worst32.Err)
	}
	if rep, err := Slope(scaledSlope(1e-8), SlopeOptions{}); err != nil {
		t.Errorf("a slope off by 1e-8 failed: %v", rep)
	}
}

// off32 is tanh whose float32 forward or backward is off by a relative 1e-3.
type off32 struct {
	*ops.Pointwise
	backward bool
}

func (o off32) Forward32(y, x []float32, cols int) {
	o.Pointwise.Forward32(y, x, cols)
	if !o.backward {
		for i := range y {
			y[i] *= 1 + 1e-3
		}
	}
}

func (o off32) Backward32(dx, dy, x, y []float32, cols int) {
	o.Pointwise.Backward32(dx, dy, x, y, cols)
	if o.backward {
		for i := range dx {
			dx[i] *= 1 + 1e-3
		}
	}
}

// TestSlopeTolerance32: a float32 path off by a relative 1e-3 fails against
// DefaultTol32 while the float64 check passes.
func TestSlopeTolerance32(t *testing.T) {
	for _, backward := range []bool{false, true} {
		rep, err := Slope(off32{ops.Tanh, backward}, SlopeOptions{})
		if err == nil {
			t.Errorf("backward %v: a float32 path off by 1e-3 passed: %v", backward, rep)
			continue
		}
		// A forward off by 1e-3 also puts the backward, computed from the
		// output, off (most where 1 − y² is small), so either may be worst.
		if rep.Worst.Err > DefaultTol || rep.Worst32.Err < 0.9e-3 || backward && rep.Worst32.What != "backward" {
			t.Errorf("backward %v: float64 error %g, float32 %s error %g; want float64 fine and float32 ≥ 1e-3 off",
				backward, rep.Worst.Err, rep.Worst32.What, rep.Worst32.Err)
		}
		if !strings.Contains(err.Error(), "float32 "+rep.Worst32.What+" worst error") {
			t.Errorf("error %q does not name the float32 %s", err, rep.Worst32.What)
		}
	}
}

// TestSlopeErrNamesWorstPoint checks the text of a failure: the activation,
// the worst error against the tolerance, and the point with x, y, the slope
// given and the finite difference.
func TestSlopeErrNamesWorstPoint(t *testing.T) {
	rep, err := Slope(scaledSlope(1e-4), SlopeOptions{Lo: 0.5, Hi: 0.6, Points: 11, Rows: -1})
	if err == nil {
		t.Fatal("passed")
	}
	re := regexp.MustCompile(`^check: slope tanh-off: FAILED: worst error (\S+) > 1e-06 at x=(\S+) \(y=(\S+)\): slope (\S+) given, finite difference (\S+) \(`)
	m := re.FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %q does not match %v", err, re)
	}
	w := rep.Worst
	// 1 − y² is largest at the interval's low end, and so is the error.
	if w.X != 0.5 || w.Y != math.Tanh(0.5) || m[2] != "0.5" || m[3] != "0.4621171573" {
		t.Errorf("worst point x=%v y=%v (text x=%s y=%s), want x=0.5, y=tanh(0.5)", w.X, w.Y, m[2], m[3])
	}
	want := 1 - math.Tanh(0.5)*math.Tanh(0.5)
	if math.Abs(w.Numeric-want) > 1e-10 || math.Abs(w.Analytic-want*(1+1e-4)) > 1e-15 {
		t.Errorf("worst point slope %v, finite difference %v; want %v and %v", w.Analytic, w.Numeric, want*(1+1e-4), want)
	}
	if m[1] != "7.86e-05" || m[4] != "0.7865263777" || m[5] != "0.786447733" {
		t.Errorf("error %q: want error 7.86e-05, slope 0.7865263777 given, finite difference 0.786447733", err)
	}
	if rep.Err().Error() != err.Error() {
		t.Errorf("Err() %q differs from the returned error %q", rep.Err(), err)
	}
}

// TestSlopeOnInterval: a slope wrong only for |x| > 2 passes on [−1.5, 1.5]
// and fails on [−3, 3], whose grid and rows stay within the interval.
func TestSlopeOnInterval(t *testing.T) {
	act := ops.NewPointwise("tanh-far", math.Tanh, func(y float64) float64 {
		if math.Abs(y) > math.Tanh(2) {
			return 0.5
		}
		return 1 - y*y
	})
	rep, err := Slope(act, SlopeOptions{Lo: -1.5, Hi: 1.5, Points: 301})
	if err != nil {
		t.Errorf("[-1.5, 1.5]: %v", err)
	}
	if rep.Lo != -1.5 || rep.Hi != 1.5 || rep.Points != 301 || rep.Entries == 0 {
		t.Errorf("[-1.5, 1.5]: report %+v", rep)
	}
	rep, err = Slope(act, SlopeOptions{Lo: -3, Hi: 3, Points: 301})
	if err == nil {
		t.Errorf("[-3, 3] passed: %v", rep)
	}
	if x := rep.Worst.X; math.Abs(x) <= 2 || math.Abs(x) > 3 {
		t.Errorf("[-3, 3]: worst point x=%v, want 2 < |x| ≤ 3", x)
	}
	if !strings.Contains(err.Error(), "in [-3, 3]") {
		t.Errorf("error %q does not give the interval", err)
	}
}

// swish is x·σ(x): it turns, so its slope is written from its input.
var swish = ops.NewPointwiseInput("swish",
	func(x float64) float64 { return x / (1 + math.Exp(-x)) },
	func(x float64) float64 {
		s := 1 / (1 + math.Exp(-x))
		return s + x*s*(1-s)
	})

// TestSlopeInputDerived: an input-derived activation is checked with its
// input and the report says the slope comes from it; a wrong derivative
// still fails.
func TestSlopeInputDerived(t *testing.T) {
	rep, err := Slope(swish, SlopeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Source != ops.FromInput || rep.Points != DefaultPoints || rep.Entries == 0 {
		t.Errorf("report %+v", rep)
	}
	if want := "slope from the input (the output does not determine it)"; !strings.Contains(rep.String(), want) {
		t.Errorf("report %q does not say %q", rep, want)
	}
	out, _ := Slope(ops.Tanh, SlopeOptions{})
	if s := out.String(); strings.Contains(s, "from the input") || !strings.Contains(s, "slope from the output") {
		t.Errorf("tanh's report %q", s)
	}
	wrong := ops.NewPointwiseInput("swish-wrong", swish.F, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	if rep, err := Slope(wrong, SlopeOptions{}); err == nil {
		t.Errorf("swish with the slope σ(x) passed: %v", rep)
	}
}
