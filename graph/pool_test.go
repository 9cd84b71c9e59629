package graph_test

import (
	"math"
	"sync/atomic"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// counted counts the calls of its activation's float64 forward and backward.
type counted struct {
	ops.Activation
	fwd, bwd *atomic.Int32
}

func (c counted) Forward64(y, x []float64, cols int) {
	c.fwd.Add(1)
	c.Activation.Forward64(y, x, cols)
}

func (c counted) Backward64(dx, dy, x, y []float64, cols int) {
	c.bwd.Add(1)
	c.Activation.Backward64(dx, dy, x, y, cols)
}

// TestWithPool runs an activation and its gradient on a 200×100 batch with
// and without a pool: the pool splits the forward and the backward (four calls
// each for a pool of four), and the results are the same bit for bit.
func TestWithPool(t *testing.T) {
	const rows, cols = 200, 100
	p := ops.NewPool(4)
	defer p.Close()
	for _, act := range []ops.Activation{ops.Tanh, ops.Softmax, swishIn} {
		run := func(opts ...graph.Option) (y, grad []float64, fwd, bwd int32) {
			var f, b atomic.Int32
			x := make([]float64, rows*cols)
			for i := range x {
				x[i] = 4 * math.Sin(float64(i)*0.37)
			}
			g := gorgonia.NewGraph()
			xn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, cols), gorgonia.WithName("x"),
				gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(x))))
			yn, err := graph.Apply(xn, counted{act, &f, &b}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, cols), gorgonia.WithName("w"),
				gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(x))))
			cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(yn, w))))
			grads, err := gorgonia.Grad(cost, xn)
			if err != nil {
				t.Fatal(err)
			}
			var yv, gv gorgonia.Value
			gorgonia.Read(yn, &yv)
			gorgonia.Read(grads[0], &gv)
			m := gorgonia.NewTapeMachine(g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			return yv.Data().([]float64), gv.Data().([]float64), f.Load(), b.Load()
		}
		y0, g0, f0, b0 := run()
		y1, g1, f1, b1 := run(graph.WithPool(p))
		if f0 != 1 || b0 != 1 || f1 != 4 || b1 != 4 {
			t.Errorf("%s: %d and %d calls serially, %d and %d on the pool; want 1, 1, 4, 4", act.Name(), f0, b0, f1, b1)
		}
		equal(t, act.Name()+" forward on the pool", y1, y0)
		equal(t, act.Name()+" gradient on the pool", g1, g0)
	}
}
