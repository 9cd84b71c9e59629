package graph_test

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
	"outgrad/ops/check"
)

// Input-derived activations of the test's own, written with NewPointwiseInput.
var (
	// swish turns (its minimum is near x = −1.28): its output cannot give
	// its slope.
	swishIn = ops.NewPointwiseInput("swish-test",
		func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(x float64) float64 {
			s := 1 / (1 + math.Exp(-x))
			return s + x*s*(1-s)
		})
	// mish is x·tanh(softplus(x)), as Gorgonia's Mish.
	mishIn = ops.NewPointwiseInput("mish-test",
		func(x float64) float64 { return x * math.Tanh(math.Log1p(math.Exp(x))) },
		func(x float64) float64 {
			t := math.Tanh(math.Log1p(math.Exp(x)))
			s := 1 / (1 + math.Exp(-x))
			return t + x*(1-t*t)*s
		})
	// softplus and tanh written from the input, to compare with Gorgonia's
	// own Softplus and Tanh.
	softplusIn = ops.NewPointwiseInput("softplus-test",
		func(x float64) float64 { return math.Log1p(math.Exp(x)) },
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	tanhIn = ops.NewPointwiseInput("tanh-test", math.Tanh,
		func(x float64) float64 { t := math.Tanh(x); return 1 - t*t })
)

// TestInputDerivedGraphGradient checks input-derived activations through a
// whole graph, a layer x·w1, the activation, a layer ·w2 and a loss, against
// finite differences of the cost with respect to the weights and the input.
func TestInputDerivedGraphGradient(t *testing.T) {
	x := tensor.New(tensor.WithShape(3, 4), tensor.WithBacking([]float64{
		-2, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3, -3, 0.1}))
	w1 := tensor.New(tensor.WithShape(4, 5), tensor.WithBacking([]float64{
		0.3, -0.2, 0.7, 0.9, -0.4, 0.1, 0.5, -0.8, 0.6, 0.2,
		-0.3, 0.4, 0.8, -0.6, 0.35, -0.45, 0.15, -0.9, 0.55, 0.05}))
	w2 := tensor.New(tensor.WithShape(5, 2), tensor.WithBacking([]float64{
		0.5, -0.25, 0.75, 0.1, -0.6, 0.3, 0.2, -0.9, 0.45, 0.65}))
	targets := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float64{1, 0, 0, 1, 1, 0}))
	for _, act := range []ops.Activation{swishIn, mishIn, softplusIn, ops.Tanh} {
		rep, err := check.GraphGradient(func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
			z, err := graph.MatMul(in[0], in[1])
			if err != nil {
				return nil, err
			}
			h, err := graph.Apply(z, act)
			if err != nil {
				return nil, err
			}
			logits, err := graph.MatMul(h, in[2])
			if err != nil {
				return nil, err
			}
			tn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithValue(targets.Clone()), gorgonia.WithName("t"))
			loss, _, err := graph.Loss(ops.SoftmaxCrossEntropy, logits, tn, 1)
			return loss, err
		}, []*tensor.Dense{x, w1, w2}, check.GradientOptions{})
		if err != nil {
			t.Errorf("%s: %v", act.Name(), err)
			continue
		}
		if rep.Elements != 12+20+10 {
			t.Errorf("%s: %d elements compared, want 42: %v", act.Name(), rep.Elements, rep)
		}
	}
}

// TestInputDerivedMatchesGorgonia compares the forward and the gradient of
// input-derived activations with Gorgonia's built-in ops and their symbolic
// derivatives.
func TestInputDerivedMatchesGorgonia(t *testing.T) {
	for _, c := range []struct {
		act     ops.Activation
		builtin func(*gorgonia.Node) (*gorgonia.Node, error)
	}{
		{mishIn, gorgonia.Mish},
		{softplusIn, gorgonia.Softplus},
		{tanhIn, gorgonia.Tanh},
	} {
		ours, ourGrad := runWeighted(t, func(x *gorgonia.Node) (*gorgonia.Node, error) { return graph.Apply(x, c.act) })
		theirs, theirGrad := runWeighted(t, c.builtin)
		for i := range ours {
			if !close(ours[i], theirs[i], 1e-14) || !close(ourGrad[i], theirGrad[i], 1e-13) {
				t.Errorf("%s: element %d: y %v, gradient %v; Gorgonia gives %v, %v",
					c.act.Name(), i, ours[i], ourGrad[i], theirs[i], theirGrad[i])
			}
		}
	}
}

// close reports whether a and b agree to rel, relative to max(1, |b|).
func close(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(1, math.Abs(b)) }

// runWeighted runs y = build(x) and the gradient of Σ w⊙y with respect to x
// on graphInputs, and returns y and the gradient.
func runWeighted(t *testing.T, build func(*gorgonia.Node) (*gorgonia.Node, error)) (y, grad []float64) {
	t.Helper()
	x64, w64 := graphInputs()
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 4), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(x64))))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 4), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(w64))))
	yn, err := build(x)
	if err != nil {
		t.Fatal(err)
	}
	cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(yn, w))))
	grads, err := gorgonia.Grad(cost, x)
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
	return yv.Data().([]float64), gv.Data().([]float64)
}

// TestBackwardKeeps checks what each backward op reads: (y, dy) for an
// output-derived activation, (x, y, dy) for an input-derived one, and that
// its result is the activation's own Backward64 of exactly those.
func TestBackwardKeeps(t *testing.T) {
	for _, c := range []struct {
		act   ops.Activation
		arity int
	}{{ops.Tanh, 2}, {tanhIn, 3}, {swishIn, 3}} {
		g := gorgonia.NewGraph()
		x64, w64 := graphInputs()
		x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 4), gorgonia.WithName("x"),
			gorgonia.WithValue(tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(x64))))
		_, cost, err := weightedCost(g, x, c.act, tensor.New(tensor.WithShape(3, 4), tensor.WithBacking(w64)))
		if err != nil {
			t.Fatal(err)
		}
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			t.Fatal(err)
		}
		var back *gorgonia.Node
		for _, n := range g.AllNodes() {
			if n.Op() != nil && n.Op().String() == c.act.Name()+"'" {
				back = n
			}
		}
		if back == nil || back != grads[0] {
			t.Fatalf("%s: the gradient of x is %v, want the backward op %s'", c.act.Name(), grads[0], c.act.Name())
		}
		if got := back.Op().Arity(); got != c.arity {
			t.Errorf("%s: backward op reads %d inputs, want %d", c.act.Name(), got, c.arity)
		}
		var gv gorgonia.Value
		gorgonia.Read(grads[0], &gv)
		m := gorgonia.NewTapeMachine(g)
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Close()
		y, want := make([]float64, 12), make([]float64, 12)
		c.act.Forward64(y, x64, 4)
		c.act.Backward64(want, w64, x64, y, 4)
		equal(t, c.act.Name()+" gradient", gv.Data(), want)
	}
}
