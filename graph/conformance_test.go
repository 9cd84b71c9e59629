package graph_test

import (
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
	"outgrad/ops/check"
)

// kinkAtZero names the registered activations that are not differentiable at 0.
var kinkAtZero = map[string]bool{"relu": true, "leakyrelu": true, "prelu": true}

// TestActivationOps checks the op of every registered activation: in a
// compiled graph its forward and gradient are exactly the activation's own
// (float64 and float32), and its graph gradient matches finite differences.
func TestActivationOps(t *testing.T) {
	for _, act := range ops.Activations() {
		t.Run(act.Name(), func(t *testing.T) {
			t.Run("graph64", func(t *testing.T) { testGraph(t, act, tensor.Float64) })
			t.Run("graph32", func(t *testing.T) { testGraph(t, act, tensor.Float32) })
			t.Run("graphgrad", func(t *testing.T) { testGraphGradient(t, act, kinkAtZero[act.Name()]) })
		})
	}
}

// graphInputs returns a 3×4 input with an exact 0 (a kink for relu) and
// weights w, so that cost = Σ w⊙act(x) has a non-uniform output gradient
// (Σ softmax(x) is constant, its gradient 0).
func graphInputs() (x, w []float64) {
	x = []float64{-2, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3, -3, 0.1}
	w = []float64{0.3, -0.2, 0.7, 0.9, -0.4, 0.1, 0.5, -0.8, 0.6, 0.2, -0.3, 0.4}
	return x, w
}

// weightedCost builds Σ w⊙act(x) on g.
func weightedCost(g *gorgonia.ExprGraph, x *gorgonia.Node, act ops.Activation, w tensor.Tensor) (y, cost *gorgonia.Node, err error) {
	if y, err = graph.Apply(x, act); err != nil {
		return nil, nil, err
	}
	wn := gorgonia.NewMatrix(g, w.Dtype(), gorgonia.WithShape(w.Shape()...), gorgonia.WithValue(w), gorgonia.WithName("w"))
	p, err := gorgonia.HadamardProd(y, wn)
	if err != nil {
		return nil, nil, err
	}
	cost, err = gorgonia.Sum(p)
	return y, cost, err
}

// testGraph runs act in a compiled graph with its gradient and compares both
// with direct calls of the activation: the op must call exactly Forward and
// Backward (on its output), so the results are identical.
func testGraph(t *testing.T, act ops.Activation, dt tensor.Dtype) {
	x64, w64 := graphInputs()
	var xv, wv tensor.Tensor
	if dt == tensor.Float64 {
		xv = tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(x64))
		wv = tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(w64))
	} else {
		xv = tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(to32(x64)))
		wv = tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(to32(w64)))
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(3, 4), gorgonia.WithValue(xv), gorgonia.WithName("x"))
	y, cost, err := weightedCost(g, x, act, wv)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatal(err)
	}
	var yv, gv gorgonia.Value
	gorgonia.Read(y, &yv)
	gorgonia.Read(grads[0], &gv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if dt == tensor.Float64 {
		wantY, wantG := make([]float64, 12), make([]float64, 12)
		act.Forward64(wantY, x64, 4)
		act.Backward64(wantG, w64, x64, wantY, 4)
		equal(t, "forward", yv.Data(), wantY)
		equal(t, "gradient", gv.Data(), wantG)
	} else {
		wantY, wantG := make([]float32, 12), make([]float32, 12)
		act.Forward32(wantY, to32(x64), 4)
		act.Backward32(wantG, to32(w64), to32(x64), wantY, 4)
		equal(t, "forward", yv.Data(), wantY)
		equal(t, "gradient", gv.Data(), wantG)
	}
}

func to32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, v := range xs {
		out[i] = float32(v)
	}
	return out
}

func equal[T float32 | float64](t *testing.T, what string, got any, want []T) {
	t.Helper()
	g, ok := got.([]T)
	if !ok || len(g) != len(want) {
		t.Errorf("%s: got %T %v, want %T %v", what, got, got, want, want)
		return
	}
	for i := range g {
		if g[i] != want[i] {
			t.Errorf("%s: got %v, want %v", what, g, want)
			return
		}
	}
}

func testGraphGradient(t *testing.T, act ops.Activation, kinkAtZero bool) {
	x, w := graphInputs()
	wv := tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(w))
	in := tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(x))
	rep, err := check.GraphGradient(func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
		_, cost, err := weightedCost(g, in[0], act, wv.Clone().(*tensor.Dense))
		return cost, err
	}, []*tensor.Dense{in}, check.GradientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	wantKinks := 0
	if kinkAtZero {
		wantKinks = 1 // x[0][3] = 0
	}
	if len(rep.Kinks) != wantKinks || rep.Elements != 12-wantKinks {
		t.Errorf("%d kinks and %d elements compared, want %d and %d: %v", len(rep.Kinks), rep.Elements, wantKinks, 12-wantKinks, rep)
	}
	if wantKinks == 1 && (rep.Kinks[0].X != 0 || rep.Kinks[0].Index[0] != 0 || rep.Kinks[0].Index[1] != 3) {
		t.Errorf("kink at %v, want input 0 element [0 3]", rep.Kinks[0])
	}
}
