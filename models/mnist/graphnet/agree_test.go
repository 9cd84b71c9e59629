package graphnet

import (
	"errors"
	"math"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// normRel is ‖a − b‖∞ / ‖b‖∞.
func normRel(a, b []float64) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		m = math.Max(m, math.Abs(b[i]))
	}
	if m == 0 {
		return d
	}
	return d / m
}

var errStop = errors.New("stop after the first step")

func TestFirstStepGradientsAgree(t *testing.T) {
	train, test := mnisttest.LoadData(t, 1000)
	base2, err := ops.SoftmaxOutput(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range ops.Activations() {
		for _, out := range append(ops.Outputs(), base2) {
			t.Run(act.Name()+"/"+out.Name, func(t *testing.T) {
				c := mnist.DefaultConfig()
				c.HiddenAct, c.Output, c.Iterations = []ops.Activation{act}, out, 1
				tr, ws, err := mnist.NewTrainer(c, train, test)
				if err != nil {
					t.Fatal(err)
				}
				h, err := mnist.NewHandRolled(c, ws)
				if err != nil {
					t.Fatal(err)
				}
				g, err := NewGraph(c, ws)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				_, err = tr.Run([]mnist.Net[float64]{g, h}, mnist.Hooks[float64]{AfterStep: func(b mnist.Batch[float64]) error {
					gs := g.Grads()
					g01, g12 := gs[0], gs[1]
					hs := h.Grads()
					h01, h12 := hs[0], hs[1]
					if r := normRel(g01, h01); !(r <= 1e-12) {
						t.Errorf("grad w01: relative difference %g > 1e-12", r)
					}
					if r := normRel(g12, h12); !(r <= 1e-12) {
						t.Errorf("grad w12: relative difference %g > 1e-12", r)
					}
					if normRel(h12, make([]float64, len(h12))) == 0 {
						t.Errorf("grad w12 is all zero")
					}
					return errStop
				}})
				if !errors.Is(err, errStop) {
					t.Fatalf("run: %v", err)
				}
			})
		}
	}
}
