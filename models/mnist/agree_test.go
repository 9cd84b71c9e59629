package mnist

import (
	"errors"
	"math"
	"testing"

	"outgrad/models/mnist/idx"
	"outgrad/ops"
)

// loadSets reads the first n training images and every test image from
// where idx.DataDir finds the MNIST files.
func loadSets(t testing.TB, n int) (train, test idx.Set) {
	t.Helper()
	dir, err := idx.DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if train, test, err = idx.Load(dir, n, idx.All); err != nil {
		t.Fatal(err)
	}
	return train, test
}

// loadAs converts the first n training images and all test images to T.
func loadAs[T ops.Float](t testing.TB, n int) (Data[T], Data[T]) {
	t.Helper()
	tr, te := loadSets(t, n)
	train, err := NewData[T](tr, n)
	if err == nil {
		var test Data[T]
		if test, err = NewData[T](te, te.N); err == nil {
			return train, test
		}
	}
	t.Fatal(err)
	return Data[T]{}, Data[T]{}
}

// loadData loads the first n training images and all test images.
func loadData(t testing.TB, n int) (Data[float64], Data[float64]) { return loadAs[float64](t, n) }

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
	train, test := loadData(t, 1000)
	base2, err := ops.SoftmaxOutput(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, act := range ops.Activations() {
		for _, out := range append(ops.Outputs(), base2) {
			t.Run(act.Name()+"/"+out.Name, func(t *testing.T) {
				c := DefaultConfig()
				c.HiddenAct, c.Output, c.Iterations = []ops.Activation{act}, out, 1
				tr, ws, err := NewTrainer(c, train, test)
				if err != nil {
					t.Fatal(err)
				}
				h, err := NewHandRolled(c, ws)
				if err != nil {
					t.Fatal(err)
				}
				g, err := NewGraph(c, ws)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				_, err = tr.Run([]Net[float64]{g, h}, Hooks[float64]{AfterStep: func(b Batch[float64]) error {
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
