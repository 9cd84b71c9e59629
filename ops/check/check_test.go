package check

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// TestNumDeriv checks the numerical derivative itself on functions with known
// derivatives: it must be far more accurate (1e-9) than the 1e-6 it judges by.
func TestNumDeriv(t *testing.T) {
	elu := func(x float64) float64 {
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	}
	cases := []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}{
		{"exp", math.Exp, -5, math.Exp(-5)},
		{"exp", math.Exp, 0, 1},
		{"exp", math.Exp, 3, math.Exp(3)},
		{"exp", math.Exp, 10, math.Exp(10)},
		{"sin", math.Sin, 0, 1},
		{"sin", math.Sin, 1, math.Cos(1)},
		{"sin", math.Sin, 100, math.Cos(100)},
		{"cube", func(x float64) float64 { return x * x * x }, -7, 147},
		{"cube", func(x float64) float64 { return x * x * x }, 1e3, 3e6},
		{"recip", func(x float64) float64 { return 1 / x }, 0.5, -4},
		{"tanh", math.Tanh, 0.3, 1 - math.Tanh(0.3)*math.Tanh(0.3)},
		// f'' jumps at 0 (elu): the central difference is O(h) there.
		{"elu", elu, 0, 1},
		{"elu", elu, -1e-7, math.Exp(-1e-7)},
		// Near a kink, but not at it: the step must shrink below 1e-12.
		{"abs", math.Abs, 1e-12, 1},
		{"abs", math.Abs, -3e-9, -1},
	}
	for _, c := range cases {
		d := numDeriv(c.f, c.x, 1e-9)
		if d.kink {
			t.Errorf("%s'(%g): kink (left %g, right %g), want %g", c.name, c.x, d.left, d.right, c.want)
			continue
		}
		if e := relErr(d.d, c.want); e > 1e-9 {
			t.Errorf("%s'(%g) = %.17g, want %.17g (error %.2g, estimated %.2g)", c.name, c.x, d.d, c.want, e, d.err)
		}
		if d.err > 1e-6*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s'(%g): estimated error %.2g, want ≤ 1e-6 relative", c.name, c.x, d.err)
		}
	}
}

func TestNumDerivKinks(t *testing.T) {
	d := numDeriv(math.Abs, 0, 1e-9)
	if !d.kink || d.left != -1 || d.right != 1 {
		t.Errorf("|x| at 0: %+v, want a kink with slopes -1 and 1", d)
	}
	// A jump is not differentiable either.
	d = numDeriv(math.Floor, 1, 1e-9)
	if !d.kink {
		t.Errorf("floor at 1: %+v, want a kink", d)
	}
	// Where f is NaN nearby the estimate is NaN, not a kink.
	d = numDeriv(math.Log, 0, 1e-9)
	if d.kink || !math.IsNaN(d.d) {
		t.Errorf("log at 0: %+v, want a NaN estimate", d)
	}
}

// badTanh is tanh with the slope 1 − y instead of 1 − y².
var badTanh = ops.NewPointwise("badtanh", math.Tanh, func(y float64) float64 { return 1 - y })

func TestSlopeWrongSlope(t *testing.T) {
	rep, err := Slope(badTanh, SlopeOptions{})
	if err == nil {
		t.Fatalf("Slope(badtanh) passed: %v", rep)
	}
	msg := err.Error()
	for _, want := range []string{"check: slope badtanh: ", "badtanh", "FAILED", "x=-6 ", "at x=-6 (y=-0.99998", "slope 1.99998", "given, finite difference 2.4576"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	// 1 − y vs 1 − y² is worst where y is most negative: at x = −6, the grid's
	// first point, with error ≈ 2.
	if rep.OK() || rep.Worst.X != -6 || rep.Worst.Row != nil || math.Abs(rep.Worst.Err-2) > 1e-3 {
		t.Errorf("worst point %+v, want x=-6 with error ≈ 2", rep.Worst)
	}
	if rep.Err() == nil || rep.Err().Error() != msg {
		t.Errorf("report Err() = %v, want the returned error", rep.Err())
	}
}

func TestSlopeKinks(t *testing.T) {
	rep, err := Slope(ops.ReLU, SlopeOptions{At: []float64{0, 1e-12, -1e-12, 1e-7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Kinks) != 1 {
		t.Fatalf("kinks %v, want one at 0 (the points near 0 are differentiable)", rep.Kinks)
	}
	k := rep.Kinks[0]
	if k.X != 0 || k.Y != 0 || k.Left != 0 || k.Right != 1 || k.Backward != 0 {
		t.Errorf("kink %+v, want x=0 y=0 left 0 right 1 backward 0", k)
	}
	want := "not differentiable at x=0 (slope 0 from the left, 1 from the right); the output y=0 does not determine the slope, backward gives 0 (the left slope)"
	if got := k.String(); got != want {
		t.Errorf("kink text\n%q, want\n%q", got, want)
	}
	if !strings.Contains(rep.String(), want) {
		t.Errorf("report %q does not list the kink", rep)
	}
	// 2001 grid points with 0 on it, plus the three other points.
	if rep.Points != 2001-1+3 {
		t.Errorf("%d points compared, want 2003", rep.Points)
	}
}

// badSoftmax is softmax with the backward y⊙dy: it forgets −Σ dy⊙y.
type badSoftmax struct{ ops.Activation }

func (badSoftmax) Name() string { return "badsoftmax" }
func (badSoftmax) Backward64(dx, dy, _, y []float64, _ int) {
	for i := range y {
		dx[i] = y[i] * dy[i]
	}
}

func TestSlopeRowwise(t *testing.T) {
	rep, err := Slope(badSoftmax{ops.Softmax}, SlopeOptions{})
	if err == nil {
		t.Fatalf("Slope(badsoftmax) passed: %v", rep)
	}
	if rep.Elementwise || rep.Points != 0 || rep.Entries == 0 || rep.Worst.Row == nil {
		t.Errorf("report %+v: want a row-wise check only", rep)
	}
	for _, want := range []string{"badsoftmax", "of row [", "dy ["} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	// A caller's point becomes the first entry of an extra row.
	rep, err = Slope(ops.Softmax, SlopeOptions{Rows: -1, At: []float64{2.5}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 3 || rep.Worst.Row[0] != 2.5 {
		t.Errorf("report %+v: want one row of 3 starting with 2.5", rep)
	}
}

// bad32 is tanh whose float32 forward is off by 1e-4.
type bad32 struct{ *ops.Pointwise }

func (bad32) Forward32(y, x []float32, _ int) {
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v))) + 1e-4
	}
}

func TestSlopeFloat32(t *testing.T) {
	rep, err := Slope(bad32{ops.Tanh}, SlopeOptions{})
	if err == nil {
		t.Fatalf("Slope(bad32) passed: %v", rep)
	}
	// The backward, computed from the shifted output, is off too (by up to
	// 2|y|·1e-4).
	if rep.Worst.Err > 1e-6 || rep.Worst32.Err < 1e-4 {
		t.Errorf("report %+v: want float64 fine, float32 off by ≥ 1e-4", rep)
	}
	if !strings.Contains(err.Error(), "> 1e-05 at x=") {
		t.Errorf("error %q does not name the float32 failure", err)
	}
}

func TestSlopeRange(t *testing.T) {
	// ln x has slope 1/x = e^(−y), but is NaN below 0: the default range fails.
	log := ops.NewPointwise("log", math.Log, func(y float64) float64 { return math.Exp(-y) })
	if rep, err := Slope(log, SlopeOptions{}); err == nil {
		t.Errorf("log over [-6, 6] passed: %v", rep)
	}
	if _, err := Slope(log, SlopeOptions{Lo: 0.1, Hi: 6}); err != nil {
		t.Error(err)
	}
	// Huge points work: the step scales with |x|.
	if _, err := Slope(ops.Tanh, SlopeOptions{Points: -1, Rows: -1, At: []float64{1e300, -1e300, 1e-300}}); err != nil {
		t.Error(err)
	}
}

// panicky panics in its forward.
type panicky struct{ *ops.Pointwise }

func (panicky) Forward64(y, x []float64, cols int) { panic("boom") }

func TestSlopeInvalid(t *testing.T) {
	for _, c := range []struct {
		name string
		act  ops.Activation
		opts SlopeOptions
		want string
	}{
		{"nil", nil, SlopeOptions{}, "nil activation"},
		{"range", ops.Tanh, SlopeOptions{Lo: 1, Hi: -1}, "not a finite interval"},
		{"nan range", ops.Tanh, SlopeOptions{Lo: math.NaN(), Hi: 1}, "not a finite interval"},
		{"point", ops.Tanh, SlopeOptions{At: []float64{math.Inf(1)}}, "point +Inf is not finite"},
		{"tol", ops.Tanh, SlopeOptions{Tol: -1}, "must be positive"},
		{"nothing", ops.Tanh, SlopeOptions{Points: -1, Rows: -1}, "no differentiable point to check (0 kinks)"},
		{"only kinks", ops.ReLU, SlopeOptions{Points: -1, Rows: -1, At: []float64{0}}, "(1 kinks)"},
		{"panic", panicky{ops.Tanh}, SlopeOptions{}, "panicked: boom"},
	} {
		_, err := Slope(c.act, c.opts)
		if err == nil || !strings.HasPrefix(err.Error(), "check: slope") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// sumOf builds Σ w⊙act(x).
func sumOf(act ops.Activation, w *tensor.Dense) func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) {
	return func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
		y, err := graph.Apply(in[0], act)
		if err != nil {
			return nil, err
		}
		wn := gorgonia.NewConstant(w.Clone(), gorgonia.WithName("w"))
		p, err := gorgonia.HadamardProd(y, wn)
		if err != nil {
			return nil, err
		}
		return gorgonia.Sum(p)
	}
}

func TestGraphGradientWrong(t *testing.T) {
	x := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{-2, -1, 0.5, 1, 2, 3}))
	w := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 1, 1, 1, 1, 1}))
	rep, err := GraphGradient(sumOf(badTanh, w), []*tensor.Dense{x}, GradientOptions{})
	if err == nil {
		t.Fatalf("badtanh's graph gradient passed: %v", rep)
	}
	// 1 − y vs 1 − y² is worst at the most negative x: element [0 0].
	if rep.Worst.Input != 0 || !slices.Equal(rep.Worst.Index, []int{0, 0}) || rep.Worst.X != -2 {
		t.Errorf("worst %+v, want input 0 element [0 0] (x=-2)", rep.Worst)
	}
	if !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), "input 0 element [0 0] (x=-2)") {
		t.Errorf("error %q does not locate the worst element", err)
	}
	if got := x.Float64s(); !slices.Equal(got, []float64{-2, -1, 0.5, 1, 2, 3}) {
		t.Errorf("the check modified its input: %v", got)
	}
}

// TestGraphGradientInputs checks several inputs of several ranks,
// through Gorgonia's own ops.
func TestGraphGradientInputs(t *testing.T) {
	a := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0.1, -0.4, 0.7, 0.3, 0.9, -1.2}))
	b := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float64{0.5, -0.6, 0.2, 0.8, -0.3, 0.4}))
	v := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1.5, -0.5}))
	rep, err := GraphGradient(func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
		// Σ tanh(a·b)·v
		ab, err := gorgonia.Mul(in[0], in[1])
		if err != nil {
			return nil, err
		}
		h, err := graph.Apply(ab, ops.Tanh)
		if err != nil {
			return nil, err
		}
		hv, err := gorgonia.Mul(h, in[2])
		if err != nil {
			return nil, err
		}
		return gorgonia.Sum(hv)
	}, []*tensor.Dense{a, b, v}, GradientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Elements != 6+6+2 || len(rep.Kinks) != 0 {
		t.Errorf("%d elements and %d kinks, want 14 and 0: %v", rep.Elements, len(rep.Kinks), rep)
	}
	if len(rep.Worst.Index) == 0 || rep.Worst.Err < 0 {
		t.Errorf("worst point %+v not recorded", rep.Worst)
	}
}

func TestGraphGradientInvalid(t *testing.T) {
	x := tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 2, 3, 4}))
	ok := sumOf(ops.Tanh, tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float64{1, 1, 1, 1})))
	buildErr := errors.New("no cost today")
	type build = func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error)
	for _, c := range []struct {
		name   string
		build  build
		inputs []*tensor.Dense
		want   string
	}{
		{"nil build", nil, []*tensor.Dense{x}, "nil build function"},
		{"no inputs", ok, nil, "no inputs"},
		{"nil input", ok, []*tensor.Dense{nil}, "input 0 is nil"},
		{"int input", ok, []*tensor.Dense{tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]int{1, 2, 3, 4}))}, "dtype int"},
		{"float32 input", ok, []*tensor.Dense{tensor.New(tensor.WithShape(2, 2), tensor.WithBacking([]float32{1, 2, 3, 4}))}, "want float64"},
		{"build error", func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) { return nil, buildErr }, []*tensor.Dense{x}, "no cost today"},
		{"nil cost", func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) { return nil, nil }, []*tensor.Dense{x}, "nil cost"},
		{"tensor cost", func(_ *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
			return graph.Apply(in[0], ops.Tanh)
		}, []*tensor.Dense{x}, "want a float64 scalar"},
		{"other graph", func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) {
			return gorgonia.NewScalar(gorgonia.NewGraph(), tensor.Float64), nil
		}, []*tensor.Dense{x}, "another graph"},
		{"unused input", func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
			return ok(g, in[:1])
		}, []*tensor.Dense{x, x}, "grad"},
		{"panic", func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) { panic("boom") }, []*tensor.Dense{x}, "panic: boom"},
	} {
		_, err := GraphGradient(c.build, c.inputs, GradientOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), "check: graph gradient") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
