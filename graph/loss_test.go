package graph_test

import (
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
	"outgrad/ops/check"
)

// lossBuild returns a check.GraphGradient build of graph.Loss(o, logits, targets, s)
// with the targets fixed.
func lossBuild(o ops.Output, targets *tensor.Dense, s float64) func(*gorgonia.ExprGraph, gorgonia.Nodes) (*gorgonia.Node, error) {
	return func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
		t := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(targets.Shape()...),
			gorgonia.WithValue(targets.Clone()), gorgonia.WithName("t"))
		loss, _, err := graph.Loss(o, in[0], t, s)
		return loss, err
	}
}

// TestOutputsGraphGradient checks every output configuration's loss against
// finite differences, with one-hot and with soft targets (rows summing to 1).
func TestOutputsGraphGradient(t *testing.T) {
	logits := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float64{
		2, -1, 0.5,
		-3, 0.2, 1.7,
		0, 0, 0,
		4.5, -2.5, 1,
	}))
	oneHot := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float64{
		1, 0, 0,
		0, 0, 1,
		0, 1, 0,
		0, 1, 0,
	}))
	soft := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float64{
		0.25, 0.25, 0.5,
		0.125, 0.375, 0.5,
		1, 0, 0,
		0.5, 0.5, 0,
	}))
	for _, o := range ops.Outputs() {
		for name, targets := range map[string]*tensor.Dense{"onehot": oneHot, "soft": soft} {
			rep, err := check.GraphGradient(lossBuild(o, targets, 0.37), []*tensor.Dense{logits}, check.GradientOptions{})
			if err != nil {
				t.Errorf("%s, %s targets: %v", o, name, err)
				continue
			}
			if rep.Elements != 12 || len(rep.Kinks) != 0 || !(rep.Cost > 0) {
				t.Errorf("%s, %s targets: %v", o, name, rep)
			}
		}
	}
}

// stableSoftmax is the test's own softmax of one row: e^(x−m)/Σe^(x−m).
func stableSoftmax(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	y, s := make([]float64, len(x)), 0.0
	for j, v := range x {
		y[j] = math.Exp(v - m)
		s += y[j]
	}
	for j := range y {
		y[j] /= s
	}
	return y
}

// runLoss evaluates graph.Loss on the given values in a TapeMachine and returns
// the loss, the output and the gradient with respect to the logits.
func runLoss[T float32 | float64](t *testing.T, o ops.Output, x, tg []T, rows, cols int, s float64) (loss float64, out, grad []T) {
	t.Helper()
	dt := tensor.Float64
	if _, ok := any(x).([]float32); ok {
		dt = tensor.Float32
	}
	g := gorgonia.NewGraph()
	xn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, cols), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(x))))
	tn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, cols), gorgonia.WithName("t"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(tg))))
	ln, on, err := graph.Loss(o, xn, tn, s)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(ln, xn)
	if err != nil {
		t.Fatal(err)
	}
	var lv, ov, gv gorgonia.Value
	gorgonia.Read(ln, &lv)
	gorgonia.Read(on, &ov)
	gorgonia.Read(grads[0], &gv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	switch v := lv.Data().(type) {
	case float64:
		loss = v
	case float32:
		loss = float64(v)
	default:
		t.Fatalf("loss is %T", v)
	}
	return loss, ov.Data().([]T), gv.Data().([]T)
}

// TestSoftmaxCrossEntropyExtreme checks the fused loss at logits ±1e4: the
// loss and its gradient are finite, and the gradient is exactly (y − t)·s,
// bit for bit what the hand-rolled side's ops.Delta computes.
func TestSoftmaxCrossEntropyExtreme(t *testing.T) {
	const rows, cols = 4, 3
	x := []float64{
		1e4, -1e4, 0,
		-1e4, -1e4, 1e4,
		1e4, 1e4, -1e4,
		0.5, -0.25, 2,
	}
	tg := []float64{
		0, 1, 0, // the target has probability e^(−2e4) = 0: loss 2e4
		0, 0, 1,
		1, 0, 0,
		0, 0, 1,
	}
	const s = 1.0 / 16 // 1/batch² for a batch of 4
	loss, out, grad := runLoss(t, ops.SoftmaxCrossEntropy, x, tg, rows, cols, s)

	// Loss by hand: −Σ t ln y = Σ_rows lse(x) − x_target, with lse(x) =
	// m + ln Σ e^(x−m). Rows 1–3 give 2e4, 0, ln 2; row 4 from stableSoftmax.
	want := (2e4 + 0 + math.Ln2 - math.Log(stableSoftmax(x[9:12])[2])) * s
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.Abs(loss-want) > 1e-12*want {
		t.Errorf("loss = %v, want %v", loss, want)
	}
	wantOut := make([]float64, rows*cols)
	ops.Softmax.Forward64(wantOut, x, cols)
	wantGrad := make([]float64, rows*cols)
	ops.Delta(ops.SoftmaxCrossEntropy, wantGrad, wantOut, tg, cols, s)
	for i := range grad {
		if math.IsNaN(grad[i]) || math.IsInf(grad[i], 0) || math.IsNaN(out[i]) {
			t.Fatalf("gradient %v or output %v not finite", grad, out)
		}
		if out[i] != wantOut[i] || grad[i] != wantGrad[i] {
			t.Fatalf("output %v gradient %v, want %v and exactly Delta's %v", out, grad, wantOut, wantGrad)
		}
		// And against the test's own softmax: (softmax(x) − t)·s.
		p := stableSoftmax(x[i/cols*cols : i/cols*cols+cols])[i%cols]
		if d := math.Abs(grad[i] - (p-tg[i])*s); d > 1e-16 {
			t.Errorf("gradient[%d] = %v, want (%v − %v)·%v", i, grad[i], p, tg[i], s)
		}
	}
	// Row 1: all mass on x_0 = 1e4, the target at x_1: gradient (1, −1, 0)·s.
	if grad[0] != s || grad[1] != -s || grad[2] != 0 {
		t.Errorf("row 1 gradient %v, want [%v %v 0]", grad[:3], s, -s)
	}
}

// TestLossFloat32 checks the float32 path of every output: finite loss, and
// the gradient equal to ops.Delta's in float32.
func TestLossFloat32(t *testing.T) {
	const rows, cols = 2, 3
	x := []float32{1e4, -1e4, 0, 0.5, -0.25, 2}
	tg := []float32{0, 1, 0, 0, 0, 1}
	for _, o := range ops.Outputs() {
		loss, out, grad := runLoss(t, o, x, tg, rows, cols, 0.5)
		switch {
		case o.Loss != nil:
			// Not fused: sigmoid(1e4) is 1 in float32, so the binary
			// cross-entropy of target 0 there is −ln 0, as math says.
			if !math.IsInf(loss, 1) {
				t.Errorf("%s: loss %v of a saturated output, want +Inf", o, loss)
			}
		case math.IsNaN(loss) || math.IsInf(loss, 0):
			t.Errorf("%s: loss %v", o, loss)
		}
		want := make([]float32, len(grad))
		ops.Delta(o, want, out, tg, cols, 0.5)
		for i := range grad {
			if math.Float32bits(grad[i]) != math.Float32bits(want[i]) {
				t.Errorf("%s: gradient %v, want Delta's %v", o, grad, want)
				break
			}
		}
	}
}

// TestSquaredErrorDelta checks that the squared-error outputs' graph gradient
// is bit for bit ops.Delta: Act's backward of (y − t)·s.
func TestSquaredErrorDelta(t *testing.T) {
	const rows, cols = 2, 3
	x := []float64{-2, 0.5, 3, 0, 1, -0.75}
	tg := []float64{0, 1, 1, 0.5, 0, 1}
	for _, o := range []ops.Output{ops.SigmoidSquared, ops.IdentitySquared} {
		loss, out, grad := runLoss(t, o, x, tg, rows, cols, 0.25)
		want := make([]float64, len(grad))
		ops.Delta(o, want, out, tg, cols, 0.25)
		var half float64
		for i := range out {
			half += (out[i] - tg[i]) * (out[i] - tg[i]) / 2
		}
		if math.Abs(loss-0.25*half) > 1e-15 {
			t.Errorf("%s: loss %v, want %v", o, loss, 0.25*half)
		}
		for i := range grad {
			if grad[i] != want[i] {
				t.Errorf("%s: gradient %v, want Delta's %v", o, grad, want)
				break
			}
		}
	}
}

func TestLossErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	m34 := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 4), gorgonia.WithName("a"))
	m43 := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 3), gorgonia.WithName("b"))
	f32 := gorgonia.NewMatrix(g, tensor.Float32, gorgonia.WithShape(3, 4), gorgonia.WithName("c"))
	i34 := gorgonia.NewMatrix(g, tensor.Int, gorgonia.WithShape(3, 4), gorgonia.WithName("d"))
	sc := gorgonia.NewScalar(g, tensor.Float64, gorgonia.WithName("e"))
	for _, c := range []struct {
		name            string
		o               ops.Output
		logits, targets *gorgonia.Node
		scale           float64
		want            string
	}{
		{"shapes", ops.SoftmaxCrossEntropy, m34, m43, 1, "logits are float64 (3, 4) but targets are float64 (4, 3)"},
		{"shapes squared", ops.SigmoidSquared, m34, m43, 1, "but targets are"},
		{"dtypes", ops.IdentitySquared, m34, f32, 1, "but targets are float32"},
		{"nil logits", ops.SoftmaxCrossEntropy, nil, m34, 1, "nil node"},
		{"nil targets", ops.SoftmaxCrossEntropy, m34, nil, 1, "nil node"},
		{"int targets", ops.SoftmaxCrossEntropy, m34, i34, 1, "dtype int"},
		{"scalar logits", ops.IdentitySquared, sc, m34, 1, "scalar"},
		{"nan scale", ops.SoftmaxCrossEntropy, m34, m34, math.NaN(), "not finite"},
		{"inf scale", ops.SigmoidSquared, m34, m34, math.Inf(1), "not finite"},
		{"no activation", ops.Output{Name: "none"}, m34, m34, 1, "no activation"},
		{"xent without softmax", ops.Output{Name: "odd", Act: ops.Tanh, CrossEntropy: true}, m34, m34, 1, "cross-entropy needs softmax"},
	} {
		loss, out, err := graph.Loss(c.o, c.logits, c.targets, c.scale)
		if err == nil || loss != nil || out != nil || !strings.HasPrefix(err.Error(), "graph: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Loss = %v, %v, %v; want an error containing %q", c.name, loss, out, err, c.want)
		}
	}
}

// TestCrossEntropyRejectsNonDistributionTargets: the fused backward s·(y − t)
// is the gradient only when each target row sums to 1, so a row that does not
// is a run-time error, not a silently wrong gradient.
func TestCrossEntropyRejectsNonDistributionTargets(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{1, 2, 3, 4, 5, 6}))))
	tg := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("t"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0, 1, 0, 0, 0, 0}))))
	loss, _, err := graph.Loss(ops.SoftmaxCrossEntropy, x, tg, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	err = m.RunAll()
	if err == nil || !strings.Contains(err.Error(), "target row 1 sums to 0, want 1") {
		t.Fatalf("RunAll = %v, want an error naming target row 1 (loss %v)", err, loss.Value())
	}
}

// TestSoftmaxBaseLossGradient checks the fused cross-entropy of softmaxes of
// other bases (a gradient of ln(base)·(y − t)·s) against finite differences.
func TestSoftmaxBaseLossGradient(t *testing.T) {
	for _, base := range []float64{0.5, 2, 10} {
		out, err := ops.SoftmaxOutput(base)
		if err != nil {
			t.Fatal(err)
		}
		targets := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0, 1, 0, 1, 0, 0}))
		logits := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0.3, -1.2, 2, 1e-3, 0.7, -0.4}))
		rep, err := check.GraphGradient(lossBuild(out, targets, 0.25), []*tensor.Dense{logits}, check.GradientOptions{})
		if err != nil {
			t.Errorf("base %v loss: %v\n%v", base, err, rep)
		}
	}
}

// TestLossUpstreamGradient checks the loss's backward when the loss is not
// the cost itself: the cost 3·L and the cost L², whose gradients reach the
// loss op as 3 and 2L, against finite differences of the cost. A backward
// that ignored the gradient flowing in would pass with the loss as the cost
// (gradient 1) and fail here.
func TestLossUpstreamGradient(t *testing.T) {
	logits := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0.3, -1.2, 2, 1e-3, 0.7, -0.4}))
	targets := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float64{0, 1, 0, 0.25, 0.25, 0.5}))
	base2, err := ops.SoftmaxOutput(2)
	if err != nil {
		t.Fatal(err)
	}
	costs := map[string]func(l *gorgonia.Node) (*gorgonia.Node, error){
		"3·L": func(l *gorgonia.Node) (*gorgonia.Node, error) {
			return gorgonia.Mul(l, gorgonia.NewConstant(3.0))
		},
		"L²": gorgonia.Square,
	}
	for _, o := range append(ops.Outputs(), base2) {
		for name, cost := range costs {
			build := func(g *gorgonia.ExprGraph, in gorgonia.Nodes) (*gorgonia.Node, error) {
				l, err := lossBuild(o, targets, 0.9)(g, in)
				if err != nil {
					return nil, err
				}
				return cost(l)
			}
			rep, err := check.GraphGradient(build, []*tensor.Dense{logits}, check.GradientOptions{})
			if err != nil {
				t.Errorf("%s, cost %s: %v", o, name, err)
				continue
			}
			if rep.Elements != 6 {
				t.Errorf("%s, cost %s: %v", o, name, rep)
			}
		}
	}
}
