package graph

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/ops"
	"outgrad/ops/check"
)

// TestRunReusesResults runs one Program on two different inputs. The second
// run must give the closed-form gradient of its own input (nothing left over
// from the first run) and write into the same result tensors: a step
// allocates no new tensors in steady state.
func TestRunReusesResults(t *testing.T) {
	const rows, in, out = 3, 4, 2
	xt := tensor.New(tensor.WithShape(rows, in), tensor.Of(tensor.Float64))
	wv := []float64{0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8}
	tv := []float64{1, 0, 0, 1, 1, 1}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, in), gorgonia.WithName("x"), gorgonia.WithValue(xt))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(in, out), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(in, out), tensor.WithBacking(append([]float64(nil), wv...)))))
	tn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, out), gorgonia.WithName("t"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, out), tensor.WithBacking(tv))))
	z, err := MatMul(x, w)
	if err != nil {
		t.Fatal(err)
	}
	loss, _, err := Loss(ops.IdentitySquared, z, tn, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(loss, gorgonia.Nodes{w}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	var first *tensor.Dense
	for run, xv := range [][]float64{
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
		{-1, 0.5, 2, -3, 0, 1, -2, 4, 0.25, -0.5, 3, 1},
	} {
		copy(xt.Float64s(), xv)
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		zt, ok := z.Value().(*tensor.Dense)
		if !ok {
			t.Fatalf("run %d: x·w is %T", run, z.Value())
		}
		if run == 0 {
			first = zt
		} else if zt != first {
			t.Errorf("run %d: x·w was written to a new tensor", run)
		}
		gw, err := p.Grad(0)
		if err != nil {
			t.Fatal(err)
		}
		// ∂L/∂w = xᵀ(xw − t)
		for k := 0; k < in; k++ {
			for j := 0; j < out; j++ {
				var want float64
				for i := 0; i < rows; i++ {
					var r float64
					for l := 0; l < in; l++ {
						r += xv[i*in+l] * wv[l*out+j]
					}
					want += xv[i*in+k] * (r - tv[i*out+j])
				}
				if got := gw.Float64s()[k*out+j]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
					t.Errorf("run %d: ∂L/∂w[%d,%d] = %v, want %v", run, k, j, got, want)
				}
			}
		}
		if err := p.Update(); err != nil { // α = 0 keeps w
			t.Fatal(err)
		}
	}
}

// TestDropoutGradient checks the gradient through Dropout (a mask that is
// data, with dropped and doubled units) against central differences.
func TestDropoutGradient(t *testing.T) {
	xv := []float64{0.3, -0.7, 1.1, 0.2, -0.4, 0.9} // 2×3
	wv := []float64{0.5, -0.3, 0.8, 0.1, -0.6, 0.4} // 3×2
	mv := []float64{2, 0, 0, 2}                     // 2×2
	tv := []float64{0.1, 0.9, 0.6, 0.4}             // 2×2
	build := func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
		z, err := MatMul(in[0], in[1])
		if err != nil {
			return nil, err
		}
		h, err := Apply(z, ops.Tanh)
		if err != nil {
			return nil, err
		}
		m := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("mask"),
			gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking(mv))))
		hd, err := Dropout(h, m)
		if err != nil {
			return nil, err
		}
		tn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("t"),
			gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking(tv))))
		loss, _, err := Loss(ops.IdentitySquared, hd, tn, 1)
		return loss, err
	}
	rep, err := check.GraphGradient(build, []*tensor.Dense{
		tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(xv)),
		tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(wv)),
	}, check.GradientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
}
