package graph

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/ops"
)

// TestProgramLinearRegression checks Compile, Run, Grad and Update against the
// closed form of squared error on a linear layer: L = s·½‖xw − t‖²,
// ∂L/∂w = s·xᵀ(xw − t), and w ← w − α·∂L/∂w.
func TestProgramLinearRegression(t *testing.T) {
	const s, alpha = 0.5, 0.1
	xv := []float64{1, 2, 3, 4, 5, 6} // 2×3
	wv := []float64{0.1, -0.2, 0.3, 0.4, -0.5, 0.6}
	tv := []float64{1, 0, 0, 1} // 2×2
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 3), tensor.WithBacking(xv))))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithName("w"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(3, 2), tensor.WithBacking(append([]float64(nil), wv...)))))
	tn := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("t"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 2), tensor.WithBacking(tv))))
	z, err := Dense(x, w, ops.Identity)
	if err != nil {
		t.Fatal(err)
	}
	loss, _, err := Loss(ops.IdentitySquared, z, tn, s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(loss, gorgonia.Nodes{w}, alpha)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	// r = xw − t; want = s·xᵀr
	var r [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			for k := 0; k < 3; k++ {
				r[i][j] += xv[i*3+k] * wv[k*2+j]
			}
			r[i][j] -= tv[i*2+j]
		}
	}
	gw, err := p.Grad(0)
	if err != nil {
		t.Fatal(err)
	}
	got := append([]float64(nil), gw.Float64s()...)
	for k := 0; k < 3; k++ {
		for j := 0; j < 2; j++ {
			want := s * (xv[k]*r[0][j] + xv[3+k]*r[1][j])
			if d := math.Abs(got[k*2+j] - want); d > 1e-12 {
				t.Errorf("grad w[%d,%d] = %v, want %v", k, j, got[k*2+j], want)
			}
		}
	}
	if err := p.Update(); err != nil {
		t.Fatal(err)
	}
	nw := w.Value().Data().([]float64)
	for i := range nw {
		if want := wv[i] - alpha*got[i]; math.Abs(nw[i]-want) > 1e-15 {
			t.Errorf("updated w[%d] = %v, want %v", i, nw[i], want)
		}
	}
	if _, err := p.Grad(1); err == nil {
		t.Error("Grad(1) with one learnable: want an error")
	}
}

func TestShapeErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 2), gorgonia.WithName("w"))
	m := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 2), gorgonia.WithName("m"))
	if _, err := Dense(x, w, ops.Tanh); err == nil || !strings.Contains(err.Error(), "cannot multiply x (2, 3) by w (4, 2)") {
		t.Errorf("Dense with mismatched shapes: %v", err)
	}
	if _, err := Dense(nil, w, ops.Tanh); err == nil {
		t.Error("Dense with a nil node: want an error")
	}
	if _, err := Dropout(x, m); err == nil || !strings.Contains(err.Error(), "mask (2, 2) does not match") {
		t.Errorf("Dropout with a mismatched mask: %v", err)
	}
	if _, err := Compile(x, gorgonia.Nodes{w}, 1); err == nil || !strings.Contains(err.Error(), "want a scalar") {
		t.Errorf("Compile with a matrix cost: %v", err)
	}
	if _, err := Compile(nil, nil, 1); err == nil {
		t.Error("Compile with nothing: want an error")
	}
}
