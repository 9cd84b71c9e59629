package graph_test

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

func TestApplyErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	m := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("m"))
	for _, c := range []struct {
		name string
		x    *gorgonia.Node
		act  ops.Activation
		want string
	}{
		{"nil node", nil, ops.Tanh, "nil node"},
		{"int tensor", gorgonia.NewMatrix(g, tensor.Int, gorgonia.WithShape(2, 2), gorgonia.WithName("i")), ops.Tanh, "dtype int"},
		{"scalar", gorgonia.NewScalar(g, tensor.Float64, gorgonia.WithName("s")), ops.Sigmoid, "is a scalar"},
		{"nil activation", m, nil, "nil activation"},
	} {
		y, err := graph.Apply(c.x, c.act)
		if err == nil || y != nil || !strings.HasPrefix(err.Error(), "graph: apply") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Apply = %v, %v; want an error containing %q", c.name, y, err, c.want)
		}
	}
}

// TestApplySameName checks that two activations sharing a name stay two
// ops: Gorgonia merges nodes whose ops hash alike.
func TestApplySameName(t *testing.T) {
	double := ops.NewPointwise("tanh", func(x float64) float64 { return 2 * x }, func(float64) float64 { return 2 })
	g := gorgonia.NewGraph()
	x := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking([]float64{0.5, 1}))))
	a, err := graph.Apply(x, ops.Tanh)
	if err != nil {
		t.Fatal(err)
	}
	b, err := graph.Apply(x, double)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("Apply(x, tanh) and Apply(x, another \"tanh\") are the same node")
	}
	// The same activation twice is one node, as for Gorgonia's own ops.
	if c, err := graph.Apply(x, ops.Tanh); err != nil || c != a {
		t.Errorf("Apply(x, tanh) twice gave %v and %v, %v; want one node", a, c, err)
	}
	var av, bv gorgonia.Value
	gorgonia.Read(a, &av)
	gorgonia.Read(b, &bv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := bv.Data().([]float64); got[0] != 1 || got[1] != 2 {
		t.Errorf("double(x) = %v, want [1 2]", got)
	}
	if got := av.Data().([]float64); got[0] != math.Tanh(0.5) {
		t.Errorf("tanh(x) = %v", got)
	}
}

// TestApplyRows checks that row-wise activations take rows along the last
// dimension, for a vector and a rank-3 tensor.
func TestApplyRows(t *testing.T) {
	x := []float64{1, 2, 3, -1, 0, 1, 5, 5, 5, 0.5, -0.5, 2}
	want := make([]float64, len(x))
	ops.Softmax.Forward64(want, x, 3)
	for _, shape := range []tensor.Shape{{2, 2, 3}, {4, 3}} {
		g := gorgonia.NewGraph()
		xn := gorgonia.NewTensor(g, tensor.Float64, shape.Dims(), gorgonia.WithShape(shape...), gorgonia.WithName("x"),
			gorgonia.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float64(nil), x...)))))
		y, err := graph.Apply(xn, ops.Softmax)
		if err != nil {
			t.Fatal(err)
		}
		var yv gorgonia.Value
		gorgonia.Read(y, &yv)
		m := gorgonia.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Close()
		if !yv.Shape().Eq(shape) {
			t.Errorf("shape %v: output shape %v", shape, yv.Shape())
		}
		for i, v := range yv.Data().([]float64) {
			if v != want[i] {
				t.Errorf("shape %v: softmax %v, want rows of 3 %v", shape, yv.Data(), want)
				break
			}
		}
	}
	// A vector is one row.
	g := gorgonia.NewGraph()
	xn := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(3), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking([]float64{1, 2, 3}))))
	y, err := graph.Apply(xn, ops.Softmax)
	if err != nil {
		t.Fatal(err)
	}
	var yv gorgonia.Value
	gorgonia.Read(y, &yv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := yv.Data().([]float64); got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("softmax of the vector [1 2 3] = %v, want %v", got, want[:3])
	}
}

// TestApplyMachineReuse re-runs one machine with new inputs (gorgonia.Let):
// results and gradients follow the inputs, not stale registers.
func TestApplyMachineReuse(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(1, 3), gorgonia.WithName("x"))
	y, err := graph.Apply(x, ops.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := gorgonia.Sum(y)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		t.Fatal(err)
	}
	var gv gorgonia.Value
	gorgonia.Read(grads[0], &gv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	for _, in := range [][]float64{{0, 0, 0}, {-2, 1, 4}, {0, 0, 0}} {
		if err := gorgonia.Let(x, tensor.New(tensor.WithShape(1, 3), tensor.WithBacking(in))); err != nil {
			t.Fatal(err)
		}
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
		for i, v := range gv.Data().([]float64) {
			s := 1 / (1 + math.Exp(-in[i]))
			if math.Abs(v-s*(1-s)) > 1e-15 {
				t.Errorf("input %v: gradient %v, want σ(1−σ) = %v at %d", in, gv.Data(), s*(1-s), i)
			}
		}
	}
}
