package graph_test

import (
	"errors"
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// smallNet builds x (4×5, given) · w (5×3) → tanh → softmax cross-entropy
// against fixed targets, with ∂L/∂w read into gw, and returns its graph,
// the output node and the gradient value.
func smallNet(t *testing.T, act ops.Activation) (*gorgonia.ExprGraph, *gorgonia.Value, *gorgonia.Value) {
	t.Helper()
	g := gorgonia.NewGraph()
	seq := func(n int, s float64) *tensor.Dense {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Sin(float64(i)*s + 0.3)
		}
		return tensor.New(tensor.WithBacking(v))
	}
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 5), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(4, 5), tensor.WithBacking(seq(20, 0.7).Float64s()))))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(5, 3), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(5, 3), tensor.WithBacking(seq(15, 1.3).Float64s()))))
	z, err := graph.MatMul(x, w)
	if err != nil {
		t.Fatal(err)
	}
	y, err := graph.Apply(z, act)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := gorgonia.Sum(y)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(cost, w)
	if err != nil {
		t.Fatal(err)
	}
	var yv, gv gorgonia.Value
	gorgonia.Read(y, &yv)
	gorgonia.Read(grads[0], &gv)
	return g, &yv, &gv
}

// TestRunnerDirect checks that in this module a Runner calls the machine's
// loop directly (the version check holds), or, built with the tag
// outgrad_runall, never does; that it gives RunAll's values bit for bit,
// run after run; and that it leaves no goroutine behind.
func TestRunnerDirect(t *testing.T) {
	g, yv, gv := smallNet(t, ops.Tanh)
	r := graph.NewRunner(g)
	defer r.Close()
	switch {
	case graph.HaveDirect && !r.Direct():
		t.Fatal("the runner falls back to RunAll: the Gorgonia version check failed")
	case !graph.HaveDirect && r.Direct():
		t.Fatal("built with outgrad_runall, the runner still calls the loop directly")
	}
	g2, yv2, gv2 := smallNet(t, ops.Tanh)
	m := gorgonia.NewTapeMachine(g2)
	defer m.Close()
	for run := range 3 {
		if err := r.Run(); err != nil {
			t.Fatal(err)
		}
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
		for _, c := range []struct {
			name      string
			got, want []float64
		}{{"output", (*yv).Data().([]float64), (*yv2).Data().([]float64)}, {"gradient", (*gv).Data().([]float64), (*gv2).Data().([]float64)}} {
			for i := range c.want {
				if math.Float64bits(c.got[i]) != math.Float64bits(c.want[i]) {
					t.Fatalf("run %d: %s[%d] = %v, RunAll gives %v", run, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}

// TestRunnerErrors checks that an op's panic is an error of Run wrapping
// ErrPanic, on the direct path, and that the runner runs again after it.
func TestRunnerErrors(t *testing.T) {
	boom := true
	act := ops.NewPointwise("boom", func(x float64) float64 {
		if boom {
			panic("boom")
		}
		return x
	}, func(float64) float64 { return 1 })
	g, _, _ := smallNet(t, act)
	r := graph.NewRunner(g)
	defer r.Close()
	if err := r.Run(); !errors.Is(err, ops.ErrPanic) {
		t.Fatalf("Run = %v, want an error wrapping ErrPanic", err)
	}
	boom = false
	if err := r.Run(); err != nil {
		t.Fatalf("Run after the panic: %v", err)
	}
}

// BenchmarkRunner times one run of a one-op program, through a Runner and
// through Gorgonia's RunAll: the fixed cost of running a machine.
func BenchmarkRunner(b *testing.B) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))))
	if _, err := graph.Apply(x, ops.Tanh); err != nil {
		b.Fatal(err)
	}
	r := graph.NewRunner(g)
	defer r.Close()
	b.Run("runner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := r.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	b.Run("runall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := m.RunAll(); err != nil {
				b.Fatal(err)
			}
			m.Reset()
		}
	})
}
