package graph_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// TestApplyParamsGradients compiles cost = Σ c ⊙ act(x; θ) for every
// registered Learnable, with x and θ learnables, and checks the program's
// gradients against central differences of the cost computed in plain Go
// from the activation's forward, in float64 and float32.
func TestApplyParamsGradients(t *testing.T) {
	for _, a := range ops.Activations() {
		l := ops.LearnableOf(a)
		if l == nil {
			continue
		}
		t.Run(l.Name()+"/float64", func(t *testing.T) { testApplyParams[float64](t, l, 1e-6) })
		t.Run(l.Name()+"/float32", func(t *testing.T) { testApplyParams[float32](t, l, 2e-3) })
	}
}

func testApplyParams[T ops.Float](t *testing.T, l ops.Learnable, tol float64) {
	const rows, cols = 6, 4
	rng := rand.New(rand.NewPCG(5, 6))
	x, c := make([]T, rows*cols), make([]T, rows*cols)
	for i := range x {
		x[i] = T(6*rng.Float64() - 3)
		c[i] = T(rng.Float64() - 0.5)
	}
	theta := make([]T, l.Params().Count(cols))
	for i := range theta {
		theta[i] = T(1.5*rng.Float64() - 0.25)
	}
	dt := tensor.Float64
	if _, ok := any(T(0)).(float32); ok {
		dt = tensor.Float32
	}
	g := gorgonia.NewGraph()
	xn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, cols), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(append([]T(nil), x...)))))
	tn := gorgonia.NewVector(g, dt, gorgonia.WithShape(len(theta)), gorgonia.WithName("theta"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(len(theta)), tensor.WithBacking(append([]T(nil), theta...)))))
	cn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, cols), gorgonia.WithName("c"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(c))))
	y, err := graph.ApplyParams(xn, tn, l)
	if err != nil {
		t.Fatal(err)
	}
	cost := gorgonia.Must(gorgonia.Sum(gorgonia.Must(gorgonia.HadamardProd(y, cn))))
	prog, err := graph.Compile(cost, gorgonia.Nodes{xn, tn}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	gx, err := prog.Grad(0)
	if err != nil {
		t.Fatal(err)
	}
	gth, err := prog.Grad(1)
	if err != nil {
		t.Fatal(err)
	}

	// The cost in float64 from the activation's own forward.
	f := func(x, theta []float64) float64 {
		y := make([]float64, len(x))
		l.ParamsForward64(y, x, theta, cols)
		var s float64
		for i, v := range y {
			s += float64(c[i]) * v
		}
		return s
	}
	x64, th64 := widen(x), widen(theta)
	fd := func(v []float64, i int, cost func([]float64) float64) float64 {
		const h = 1e-6
		w := append([]float64(nil), v...)
		w[i] = v[i] + h
		up := cost(w)
		w[i] = v[i] - h
		return (up - cost(w)) / (2 * h)
	}
	for i, got := range gth.Data().([]T) {
		want := fd(th64, i, func(th []float64) float64 { return f(x64, th) })
		if math.Abs(float64(got)-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("∂cost/∂θ[%d] = %.8g, central difference %.8g", i, got, want)
		}
	}
	for i, got := range gx.Data().([]T) {
		want := fd(x64, i, func(x []float64) float64 { return f(x, th64) })
		if math.Abs(float64(got)-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("∂cost/∂x[%d] = %.8g at x=%g, central difference %.8g", i, got, x[i], want)
		}
	}
}

func widen[T ops.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestApplyParamsRefuses checks the shapes ApplyParams refuses.
func TestApplyParamsRefuses(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"))
	wrong := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(2), gorgonia.WithName("theta"))
	if _, err := graph.ApplyParams(x, wrong, ops.PReLU); err == nil {
		t.Error("2 parameters for 3 units of a per-unit PReLU: no error")
	}
	th32 := gorgonia.NewVector(g, tensor.Float32, gorgonia.WithShape(3), gorgonia.WithName("theta32"))
	if _, err := graph.ApplyParams(x, th32, ops.PReLU); err == nil {
		t.Error("float32 parameters for float64 input: no error")
	}
	if _, err := graph.ApplyParams(x, nil, ops.PReLU); err == nil {
		t.Error("nil parameters: no error")
	}
}
