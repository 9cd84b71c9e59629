package ops_test

import (
	"math"
	"testing"

	"outgrad/ops"
	"outgrad/ops/check"
)

func TestSoftmaxBase(t *testing.T) {
	for _, base := range []float64{0.5, 2, 10} {
		out, err := ops.SoftmaxOutput(base)
		if err != nil {
			t.Fatal(err)
		}
		act := out.Act
		// b^x / Σ b^x, straight from the definition, on a small row.
		x := []float64{0.5, -1, 2}
		y := make([]float64, 3)
		act.Forward64(y, x, 3)
		var z float64
		for _, v := range x {
			z += math.Pow(base, v)
		}
		for j, v := range x {
			if want := math.Pow(base, v) / z; math.Abs(y[j]-want) > 1e-15 {
				t.Errorf("base %v: y[%d] = %v, want %v", base, j, y[j], want)
			}
		}
		if rep, err := check.Slope(act, check.SlopeOptions{}); err != nil {
			t.Errorf("base %v: %v\n%v", base, err, rep)
		}
	}
	for _, bad := range []float64{0, -2, 1, math.Inf(1), math.NaN()} {
		if _, err := ops.NewSoftmax(bad); err == nil {
			t.Errorf("NewSoftmax(%v): want an error", bad)
		}
	}
	if o, _ := ops.SoftmaxOutput(math.E); o.Act != ops.Softmax || o.Name != "softmax" {
		t.Errorf("base e is not the plain softmax: %+v", o)
	}
}
