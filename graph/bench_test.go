package graph_test

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// sink keeps benchmark results alive.
var sink gorgonia.Value

// benchShapes are the input shapes: a batch of 100 and of 10000 rows of 100.
var benchShapes = []struct {
	name       string
	rows, cols int
}{
	{"100x100", 100, 100},
	{"10000x100", 10000, 100},
}

// builtins are Gorgonia's own equivalents of registered activations.
var builtins = map[string]func(*gorgonia.Node) (*gorgonia.Node, error){
	"tanh":    gorgonia.Tanh,
	"sigmoid": gorgonia.Sigmoid,
	"relu":    gorgonia.Rectify,
	"softmax": func(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.SoftMax(x) },
}

// benchImpl is one implementation of an activation as a graph node.
type benchImpl struct {
	name  string
	build func(*gorgonia.Node) (*gorgonia.Node, error)
}

// BenchmarkActivation times each registered activation as a Gorgonia op
// (custom) and, where Gorgonia has one, its built-in equivalent (builtin),
// in a compiled TapeMachine: the forward alone (fwd), and the forward, the
// cost Σy and the gradient with respect to the input (fwd+bwd). Names are
// activation/implementation/shape/pass, for benchstat.
func BenchmarkActivation(b *testing.B) {
	for _, act := range ops.Activations() {
		impls := []benchImpl{{"custom", func(x *gorgonia.Node) (*gorgonia.Node, error) { return graph.Apply(x, act) }}}
		if f, ok := builtins[act.Name()]; ok {
			impls = append(impls, benchImpl{"builtin", f})
		}
		for _, impl := range impls {
			for _, s := range benchShapes {
				for _, backward := range []bool{false, true} {
					pass := "fwd"
					if backward {
						pass = "fwd+bwd"
					}
					b.Run(act.Name()+"/"+impl.name+"/"+s.name+"/"+pass, func(b *testing.B) {
						benchGraph(b, impl.build, s.rows, s.cols, backward)
					})
				}
			}
		}
	}
}

// benchGraph compiles y = build(x) (and, with backward, the gradient of Σy)
// for a rows×cols float64 input uniform in [−2, 2] with a fixed seed, and
// times one run of the machine.
func benchGraph(b *testing.B, build func(*gorgonia.Node) (*gorgonia.Node, error), rows, cols int, backward bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = 4*rng.Float64() - 2
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, cols), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))))
	y, err := build(x)
	if err != nil {
		b.Fatal(err)
	}
	out := y
	if backward {
		cost, err := gorgonia.Sum(y)
		if err != nil {
			b.Fatal(err)
		}
		grads, err := gorgonia.Grad(cost, x)
		if err != nil {
			b.Fatal(err)
		}
		out = grads[0]
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
	sink = out.Value()
}
