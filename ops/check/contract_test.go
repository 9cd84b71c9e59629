package check

import (
	"errors"
	"math"
	"runtime"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil, NaN, an inverted interval, absurd counts; each
// must return an error (or a report saying what failed), never panic.
func TestContract(t *testing.T) {
	nan := math.NaN()
	noSlope := ops.NewPointwise("noslope", math.Tanh, nil)
	sum := func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) { return gorgonia.Sum(in[0]) }
	vec := tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{1, 2, 3}))
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Slope nil", func() error { _, err := Slope(nil, SlopeOptions{}); return err }},
		{"Slope NaN bounds", func() error { _, err := Slope(ops.Tanh, SlopeOptions{Lo: nan, Hi: 1}); return err }},
		{"Slope inverted bounds", func() error { _, err := Slope(ops.Tanh, SlopeOptions{Lo: 1, Hi: -1}); return err }},
		{"Slope infinite bounds", func() error { _, err := Slope(ops.Tanh, SlopeOptions{Lo: math.Inf(-1), Hi: 1}); return err }},
		{"Slope NaN tol", func() error { _, err := Slope(ops.Tanh, SlopeOptions{Tol: nan}); return err }},
		{"Slope absurd points", func() error { _, err := Slope(ops.Tanh, SlopeOptions{Points: math.MaxInt}); return err }},
		{"Slope absurd rows", func() error { _, err := Slope(ops.Softmax, SlopeOptions{Rows: math.MaxInt}); return err }},
		{"Slope NaN At", func() error { _, err := Slope(ops.Tanh, SlopeOptions{At: []float64{nan}}); return err }},
		{"Slope of an activation whose slope is nil", func() error { _, err := Slope(noSlope, SlopeOptions{}); return err }},
		{"Constraints nil", func() error { _, err := Constraints(nil); return err }},
		{"GraphGradient nil build", func() error { _, err := GraphGradient(nil, []*tensor.Dense{vec}, GradientOptions{}); return err }},
		{"GraphGradient no inputs", func() error { _, err := GraphGradient(sum, nil, GradientOptions{}); return err }},
		{"GraphGradient nil input", func() error { _, err := GraphGradient(sum, []*tensor.Dense{nil}, GradientOptions{}); return err }},
		{"GraphGradient NaN tol", func() error {
			_, err := GraphGradient(sum, []*tensor.Dense{vec}, GradientOptions{Tol: nan})
			return err
		}},
		{"GraphGradient build fails", func() error {
			_, err := GraphGradient(func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) { return nil, errors.New("no") },
				[]*tensor.Dense{vec}, GradientOptions{})
			return err
		}},
		{"GraphGradient build returns nil", func() error {
			_, err := GraphGradient(func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) { return nil, nil },
				[]*tensor.Dense{vec}, GradientOptions{})
			return err
		}},
		{"zero reports", func() error {
			_ = SlopeReport{}.String() + GradientReport{}.String() + ConstraintReport{}.String() + Kink{}.String()
			if (SlopeReport{}).Err() == nil && (GradientReport{}).Err() == nil {
				return errors.New("zero reports say nothing failed; fine, but say so")
			}
			_, _, _ = SlopePoint{}.Slope(true)
			return nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(runtime.Error); ok {
						t.Fatalf("runtime panic: %v", r)
					}
					t.Fatalf("panic: %v", r)
				}
			}()
			if err := c.call(); err == nil && c.name != "zero reports" {
				t.Fatal("no error")
			}
		})
	}
}
