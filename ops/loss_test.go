package ops_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"outgrad/ops"
)

func TestLookupOutput(t *testing.T) {
	for _, o := range ops.Outputs() {
		got, err := ops.LookupOutput(o.Name)
		if err != nil || got.Name != o.Name || got.Act != o.Act || got.CrossEntropy != o.CrossEntropy {
			t.Errorf("LookupOutput(%q) = %v, %v", o.Name, got, err)
		}
	}
	_, err := ops.LookupOutput("hinge")
	if err == nil {
		t.Fatal("LookupOutput(hinge) succeeded")
	}
	for _, name := range ops.OutputNames() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not list %q", err, name)
		}
	}
}

// TestCrossEntropy checks the stable cross-entropy against the test's own
// log-softmax on moderate logits, its finiteness at ±1e4, and its error on a
// target row that is not a distribution.
func TestCrossEntropy(t *testing.T) {
	x := []float64{1, 2, 3, 0.5, -0.5, 0}
	tg := []float64{0, 0, 1, 0.25, 0.25, 0.5}
	var want float64
	for r := 0; r < 2; r++ {
		xr := x[3*r : 3*r+3]
		lse := math.Log(math.Exp(xr[0]) + math.Exp(xr[1]) + math.Exp(xr[2]))
		for j := range xr {
			want -= tg[3*r+j] * (xr[j] - lse)
		}
	}
	got, err := ops.CrossEntropy(x, tg, 3, 1)
	if err != nil || math.Abs(got-want) > 1e-15*want {
		t.Errorf("CrossEntropy = %v, %v; want %v", got, err, want)
	}
	// Base e^2: the cross-entropy of 2x.
	x2 := make([]float64, len(x))
	for i, v := range x {
		x2[i] = 2 * v
	}
	got2, _ := ops.CrossEntropy(x, tg, 3, 2)
	want2, _ := ops.CrossEntropy(x2, tg, 3, 1)
	if got2 != want2 {
		t.Errorf("CrossEntropy with k=2 = %v, of 2x %v", got2, want2)
	}
	huge, err := ops.CrossEntropy([]float32{1e4, -1e4, 0}, []float32{0, 1, 0}, 3, 1)
	if err != nil || huge != 2e4 {
		t.Errorf("CrossEntropy at ±1e4 = %v, %v; want 2e4", huge, err)
	}
	_, err = ops.CrossEntropy(x, []float64{0, 0, 1, 0, 0, 0}, 3, 1)
	if err == nil || !strings.Contains(err.Error(), "target row 1 sums to 0, want 1") {
		t.Errorf("error %v, want one naming target row 1", err)
	}
}

func TestSquaredErrorAndScaledDiff(t *testing.T) {
	y := []float32{1, 2, 3}
	tg := []float32{0.5, 2, 5}
	if got := ops.SquaredError(y, tg); got != (0.25+0+4)/2 {
		t.Errorf("SquaredError = %v, want 2.125", got)
	}
	d := make([]float32, 3)
	ops.ScaledDiff(d, y, tg, 0.5)
	if d[0] != 0.25 || d[1] != 0 || d[2] != -1 {
		t.Errorf("ScaledDiff = %v, want [0.25 0 -1]", d)
	}
}

// TestDeltaSoftmaxBase checks Delta of the fused cross-entropy of softmaxes
// of several bases against central differences of the scaled loss
// s·CrossEntropy(x, t, cols, ln base): the logit gradient of a softmax of
// base e^k is k·s·(y − t), so the base must reach the delta.
func TestDeltaSoftmaxBase(t *testing.T) {
	const cols, s, h = 3, 0.6, 1e-6
	x := []float64{0.3, -1.2, 2, 1e-3, 0.7, -0.4}
	tg := []float64{0, 1, 0, 0.25, 0.25, 0.5}
	for _, base := range []float64{0.5, 2, math.E, 10} {
		out, err := ops.SoftmaxOutput(base)
		if err != nil {
			t.Fatal(err)
		}
		k := math.Log(base)
		y, d := make([]float64, len(x)), make([]float64, len(x))
		out.Act.Forward64(y, x, cols)
		ops.Delta(out, d, y, tg, cols, s)
		xp := append([]float64(nil), x...)
		for i := range x {
			xp[i] = x[i] + h
			up, err1 := ops.CrossEntropy(xp, tg, cols, k)
			xp[i] = x[i] - h
			down, err2 := ops.CrossEntropy(xp, tg, cols, k)
			xp[i] = x[i]
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if fd := s * (up - down) / (2 * h); math.Abs(d[i]-fd) > 1e-8 {
				t.Errorf("base %v: delta[%d] = %v, central difference of the loss %v", base, i, d[i], fd)
			}
		}
	}
}

// TestCrossEntropyRefusesBadArguments checks that logits and targets of
// different lengths, a length that is not whole rows, and a logit scale
// that is zero or not finite are errors, not a silent sum over part of the
// data or a NaN.
func TestCrossEntropyRefusesBadArguments(t *testing.T) {
	x, tg := []float64{1, 2, 3, 4}, []float64{0, 1, 1, 0}
	for _, c := range []struct {
		name  string
		x, tg []float64
		cols  int
		k     float64
		want  string
	}{
		{"targets short", x, tg[:2], 2, 1, "4 logits and 2 targets"},
		{"logits short", x[:2], tg, 2, 1, "2 logits and 4 targets"},
		{"partial row", x[:3], tg[:3], 2, 1, "whole number of rows"},
		{"zero cols", x, tg, 0, 1, "row length 0"},
		{"zero scale", x, tg, 2, 0, "logit scale 0"},
		{"NaN scale", x, tg, 2, math.NaN(), "logit scale NaN"},
		{"infinite scale", x, tg, 2, math.Inf(1), "logit scale +Inf"},
	} {
		if _, err := ops.CrossEntropy(c.x, c.tg, c.cols, c.k); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	if l, err := ops.CrossEntropy(x, tg, 2, 1); err != nil || !(l > 0) {
		t.Errorf("valid arguments: %v, %v", l, err)
	}
}

// TestCrossEntropyGiven: the cross-entropy read off the softmax's output
// agrees with the one computed from the logits alone, on rows whose spread
// leaves some outputs at 1e-40 or at exactly 0 and on soft targets that
// weigh such entries, to float64's precision (float32's for float32 rows);
// a NaN logit gives NaN; outputs of another length are an error.
func TestCrossEntropyGiven(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const cols, rows = 10, 50
	for _, spread := range []float64{1, 50, 500} {
		for _, base := range []float64{math.E, 2, 10} {
			sm, err := ops.NewSoftmax(base)
			if err != nil {
				t.Fatal(err)
			}
			k := math.Log(base)
			x, tg := make([]float64, cols*rows), make([]float64, cols*rows)
			for r := range rows {
				for j := range cols {
					x[r*cols+j] = spread * rng.NormFloat64()
				}
				if r%2 == 0 {
					tg[r*cols+rng.IntN(cols)] = 1
				} else {
					for j := range cols {
						tg[r*cols+j] = 1.0 / cols
					}
				}
			}
			y := make([]float64, len(x))
			ops.Forward(sm, y, x, cols)
			want, err := ops.CrossEntropy(x, tg, cols, k)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ops.CrossEntropyGiven(x, y, tg, cols, k)
			if err != nil || !(math.Abs(got-want) <= 1e-14*math.Abs(want)) {
				t.Errorf("spread %g, base %g: float64 %v, %v; from the logits %v", spread, base, got, err, want)
			}
			x32, y32, t32 := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
			for i := range x {
				x32[i], t32[i] = float32(x[i]), float32(tg[i])
			}
			ops.Forward(sm, y32, x32, cols)
			want32, _ := ops.CrossEntropy(x32, t32, cols, k)
			got32, err := ops.CrossEntropyGiven(x32, y32, t32, cols, k)
			if err != nil || !(math.Abs(got32-want32) <= 1e-6*math.Abs(want32)) {
				t.Errorf("spread %g, base %g: float32 %v, %v; from the logits %v", spread, base, got32, err, want32)
			}
		}
	}
	x, y, tg := []float64{1, math.NaN(), 0}, make([]float64, 3), []float64{1, 0, 0}
	ops.Forward(ops.Softmax, y, x, 3)
	if got, err := ops.CrossEntropyGiven(x, y, tg, 3, 1); err != nil || !math.IsNaN(got) {
		t.Errorf("a NaN logit: %v, %v; want NaN", got, err)
	}
	if _, err := ops.CrossEntropyGiven(x, y[:2], tg, 3, 1); err == nil {
		t.Error("two outputs for three logits: no error")
	}
}
