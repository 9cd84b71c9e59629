package graph

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil nodes, nil activations, mismatched shapes, NaN.
// Each returns an error, or, where documented (NewRunner of a nil graph),
// panics with a message starting "graph: "; never a runtime panic.
func TestContract(t *testing.T) {
	g := gorgonia.NewGraph()
	m := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("m"), gorgonia.WithInit(gorgonia.Zeroes()))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 5), gorgonia.WithName("w"), gorgonia.WithInit(gorgonia.Zeroes()))
	v := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(3), gorgonia.WithName("v"), gorgonia.WithInit(gorgonia.Zeroes()))
	f32 := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(2, 3), gorgonia.WithName("f"), gorgonia.WithInit(gorgonia.Zeroes()))
	other := gorgonia.NewMatrix(gorgonia.NewGraph(), tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithName("o"), gorgonia.WithInit(gorgonia.Zeroes()))
	var closed *Program
	{
		g2 := gorgonia.NewGraph()
		x := gorgonia.NewMatrix(g2, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("x"), gorgonia.WithInit(gorgonia.Ones()))
		cost, err := gorgonia.Sum(x)
		if err != nil {
			t.Fatal(err)
		}
		if closed, err = Compile(cost, gorgonia.Nodes{x}, 0.1); err != nil {
			t.Fatal(err)
		}
		closed.Close()
	}
	for _, c := range []struct {
		name   string
		panics bool
		call   func() error
	}{
		{"Apply nil node", false, func() error { _, err := Apply(nil, ops.Tanh); return err }},
		{"Apply nil activation", false, func() error { _, err := Apply(m, nil); return err }},
		{"Apply a vector to an unknown activation", false, func() error { _, err := Apply(v, nil); return err }},
		{"Dense nil w", false, func() error { _, err := Dense(m, nil, ops.Tanh); return err }},
		{"Dense mismatched", false, func() error { _, err := Dense(m, w, ops.Tanh); return err }},
		{"Dense mixed types", false, func() error { _, err := Dense(f32, other, ops.Tanh); return err }},
		{"Dropout nil mask", false, func() error { _, err := Dropout(m, nil); return err }},
		{"Dropout mismatched", false, func() error { _, err := Dropout(m, w); return err }},
		{"MatMul nil", false, func() error { _, err := MatMul(nil, m); return err }},
		{"MatMul mismatched", false, func() error { _, err := MatMul(m, w); return err }},
		{"MatMul two graphs", false, func() error { _, err := MatMul(m, other); return err }},
		{"Loss nil logits", false, func() error { _, _, err := Loss(ops.SoftmaxCrossEntropy, nil, m, 1); return err }},
		{"Loss mismatched targets", false, func() error { _, _, err := Loss(ops.SoftmaxCrossEntropy, m, w, 1); return err }},
		{"Loss zero Output", false, func() error { _, _, err := Loss(ops.Output{}, m, m, 1); return err }},
		{"Loss NaN scale", false, func() error { _, _, err := Loss(ops.SoftmaxCrossEntropy, m, m, math.NaN()); return err }},
		{"Compile nil cost", false, func() error { _, err := Compile(nil, gorgonia.Nodes{m}, 1); return err }},
		{"Compile NaN alpha", false, func() error {
			cost, err := gorgonia.Sum(m)
			if err != nil {
				return nil
			}
			_, err = Compile(cost, gorgonia.Nodes{m}, math.NaN())
			return err
		}},
		{"Compile nothing to learn", false, func() error {
			cost, err := gorgonia.Sum(m)
			if err != nil {
				return nil
			}
			_, err = Compile(cost, nil, 1)
			return err
		}},
		{"Program.Grad negative", false, func() error { _, err := closed.Grad(-1); return err }},
		{"Program.Grad beyond", false, func() error { _, err := closed.Grad(5); return err }},
		{"Program.Run after Close", false, func() error { return closed.Run() }},
		{"Program.Update after Close", false, func() error { return closed.Update() }},
		{"Program.Close twice", false, func() error { closed.Close(); return errReturned }},
		{"nil Program.Run", false, func() error { return (*Program)(nil).Run() }},
		{"NewRunner nil", true, func() error { NewRunner(nil); return nil }},
		{"nil Runner.Run", false, func() error { return (*Runner)(nil).Run() }},
		{"MachineError nil graph", false, func() error { return MachineError(nil, errors.New("x")) }},
		{"WithPool nil", false, func() error { WithPool(nil); return errReturned }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			r := func() (r any) {
				defer func() { r = recover() }()
				err = c.call()
				return nil
			}()
			switch {
			case r != nil:
				if _, ok := r.(runtime.Error); ok {
					t.Fatalf("runtime panic: %v", r)
				}
				if !c.panics {
					t.Fatalf("panic %v, want an error", r)
				}
				if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "graph: ") {
					t.Fatalf("panic %q, want a message starting %q", msg, "graph: ")
				}
			case c.panics:
				t.Fatalf("no panic (error %v), want a panic with a message", err)
			case err == nil:
				t.Fatalf("no error")
			}
		})
	}
}

// errReturned is what a case returns for a call with nothing to report.
var errReturned = errors.New("returned")
