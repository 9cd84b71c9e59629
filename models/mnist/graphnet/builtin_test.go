package graphnet

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/models/mnist/internal/numpyrng"
	"outgrad/ops"
	"outgrad/ops/blas"
)

// Activations made here with the formulas of their definitions, so that the
// built-in forms of swish, mish and softsign are checked whether or not the
// ops package registers them.
var (
	builtinTestSwish = ops.NewPointwiseInput("swish",
		func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(x float64) float64 { s := 1 / (1 + math.Exp(-x)); return s * (1 + x*(1-s)) })
	builtinTestMish = ops.NewPointwiseInput("mish",
		func(x float64) float64 { return x * math.Tanh(math.Log1p(math.Exp(x))) },
		func(x float64) float64 {
			t, s := math.Tanh(math.Log1p(math.Exp(x))), 1/(1+math.Exp(-x))
			return t + x*(1-t*t)*s
		})
	builtinTestSoftsign = ops.NewPointwise("softsign",
		func(x float64) float64 { return x / (1 + math.Abs(x)) },
		func(y float64) float64 { d := 1 - math.Abs(y); return d * d })
	builtinTestGELU = ops.NewPointwiseInput("gelu",
		func(x float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) },
		func(x float64) float64 {
			return 0.5*math.Erfc(-x/math.Sqrt2) + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi)
		})
)

// builtinExamples are synthetic examples as floats: X is N×Pixels, Y N×Classes
// one-hot at Labels.
type builtinExamples struct {
	X, Y   []float64
	Labels []uint8
	N      int
}

// builtinTestData returns n synthetic examples: pixels uniform in [0, 1) and
// one-hot targets, drawn from a seeded RNG.
func builtinTestData(n int, seed uint32) builtinExamples {
	rng := numpyrng.New(seed)
	d := builtinExamples{X: make([]float64, n*idx.Pixels), Y: make([]float64, n*idx.Classes), Labels: make([]uint8, n), N: n}
	rng.Uniform(d.X, 1, 0)
	for i := range d.Labels {
		l := int(rng.Uint32() % idx.Classes)
		d.Labels[i] = uint8(l)
		d.Y[i*idx.Classes+l] = 1
	}
	return d
}

// builtinTestConfig is a small network with dropout, weights large enough to
// reach the activations' curved parts.
func builtinTestConfig(hidden []int, out ops.Output, acts ...ops.Activation) mnist.Config {
	c := mnist.DefaultConfig()
	c.Hidden, c.HiddenAct, c.Output = hidden, acts, out
	c.TrainImages, c.Batch, c.Iterations = 40, 20, 1
	c.W01Range, c.W12Range = 0.1, 0.5
	return c
}

// builtinTestMasks draws one 0/1 mask per hidden layer, or nil without dropout.
func builtinTestMasks(c mnist.Config, seed uint32) [][]float64 {
	if !c.Dropout {
		return nil
	}
	rng := numpyrng.New(seed)
	var ms [][]float64
	for _, h := range c.Hidden {
		m := make([]float64, c.Batch*h)
		rng.Mask(m)
		ms = append(ms, m)
	}
	return ms
}

// builtinNormDiff returns ‖a − b‖∞ / ‖b‖∞.
func builtinNormDiff(a, b []float64) float64 {
	var d, n float64
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		n = math.Max(n, math.Abs(b[i]))
	}
	if n == 0 {
		return d
	}
	return d / n
}

// TestBuiltinMatchesGraph compares the gradients, outputs and losses of the
// built-in network with the custom-op graph on the first batch.
func TestBuiltinMatchesGraph(t *testing.T) {
	type tc struct {
		hidden []int
		acts   []ops.Activation
		out    ops.Output
		drop   bool
	}
	var cases []tc
	for _, a := range []ops.Activation{ops.Tanh, ops.ReLU, ops.Sigmoid, ops.Softplus, ops.LeakyReLU, ops.ELU, ops.Softmax, ops.Identity} {
		for _, o := range []ops.Output{ops.SoftmaxCrossEntropy, ops.SigmoidSquared, ops.IdentitySquared} {
			cases = append(cases, tc{[]int{32}, []ops.Activation{a}, o, true})
		}
	}
	cases = append(cases,
		tc{[]int{32, 16}, []ops.Activation{ops.Tanh, ops.ReLU}, ops.SoftmaxCrossEntropy, true},
		tc{[]int{32, 16}, []ops.Activation{ops.Tanh, ops.ReLU}, ops.SigmoidSquared, true},
		tc{[]int{32, 16}, []ops.Activation{ops.Tanh, ops.ReLU}, ops.SoftmaxCrossEntropy, false},
	)
	d := builtinTestData(40, 7)
	for _, k := range cases {
		c := builtinTestConfig(k.hidden, k.out, k.acts...)
		c.Dropout = k.drop
		name := c.ActNames() + "/" + k.out.Name
		if !k.drop {
			name += "/nodrop"
		}
		t.Run(name, func(t *testing.T) {
			ws := mnisttest.InitWeights(t, c, 3)
			b, err := NewBuiltin(c, ws)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			g, err := NewGraph(c, ws)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			x, y := d.X[:c.Batch*idx.Pixels], d.Y[:c.Batch*idx.Classes]
			masks := builtinTestMasks(c, 11)
			if err := b.Gradient(x, y, masks); err != nil {
				t.Fatal(err)
			}
			if err := g.Gradient(x, y, masks); err != nil {
				t.Fatal(err)
			}
			for i, name := range c.MatrixNames() {
				r := builtinNormDiff(b.Grads()[i], g.Grads()[i])
				if !(r <= 1e-12) {
					t.Errorf("∂L/∂%s: builtin differs from graph by %.3g (normwise relative)", name, r)
				}
				t.Logf("∂L/∂%s: ‖Δ‖∞/‖g‖∞ = %.3g", name, r)
			}
			if r := builtinNormDiff(b.Output(), g.Output()); !(r <= 1e-13) {
				t.Errorf("output: builtin differs from graph by %.3g", r)
			}
			lb, err := b.Loss(x, y, masks)
			if err != nil {
				t.Fatal(err)
			}
			lg, err := g.Loss(x, y, masks)
			if err != nil {
				t.Fatal(err)
			}
			if r := math.Abs(lb-lg) / math.Abs(lg); !(r <= 1e-13) {
				t.Errorf("loss: builtin %v, graph %v (relative %.3g)", lb, lg, r)
			}
			zb, err := b.Logits(d.X[:7*idx.Pixels], 7)
			if err != nil {
				t.Fatal(err)
			}
			zg, err := g.Logits(d.X[:7*idx.Pixels], 7)
			if err != nil {
				t.Fatal(err)
			}
			if r := builtinNormDiff(zb, zg); !(r <= 1e-13) {
				t.Errorf("logits: builtin differs from graph by %.3g", r)
			}
		})
	}
}

// TestBuiltinFiniteDifferences checks the built-in gradient against central
// differences of the net's own Loss along a random direction, including the
// input-derived activations the custom-op graph cannot build.
func TestBuiltinFiniteDifferences(t *testing.T) {
	d := builtinTestData(40, 5)
	for _, k := range []struct {
		hidden []int
		acts   []ops.Activation
		out    ops.Output
	}{
		{[]int{24}, []ops.Activation{ops.Tanh}, ops.SoftmaxCrossEntropy},
		{[]int{24}, []ops.Activation{ops.Softplus}, ops.SigmoidSquared},
		{[]int{24}, []ops.Activation{ops.ELU}, ops.IdentitySquared},
		{[]int{24}, []ops.Activation{ops.Softmax}, ops.SoftmaxCrossEntropy},
		{[]int{24}, []ops.Activation{builtinTestSwish}, ops.SoftmaxCrossEntropy},
		{[]int{24}, []ops.Activation{builtinTestMish}, ops.SoftmaxCrossEntropy},
		{[]int{24}, []ops.Activation{builtinTestSoftsign}, ops.SoftmaxCrossEntropy},
		{[]int{24, 12}, []ops.Activation{ops.Tanh, ops.ReLU}, ops.SoftmaxCrossEntropy},
	} {
		c := builtinTestConfig(k.hidden, k.out, k.acts...)
		t.Run(c.ActNames()+"/"+k.out.Name, func(t *testing.T) {
			n, err := NewBuiltin(c, mnisttest.InitWeights(t, c, 9))
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			x, y, masks := d.X[:c.Batch*idx.Pixels], d.Y[:c.Batch*idx.Classes], builtinTestMasks(c, 13)
			if err := n.Gradient(x, y, masks); err != nil {
				t.Fatal(err)
			}
			// Directional derivative g·v, v uniform in ±1 per weight.
			rng := numpyrng.New(17)
			var gv float64
			dirs := make([][]float64, len(n.Weights()))
			for i, w := range n.Weights() {
				dirs[i] = make([]float64, len(w))
				rng.Uniform(dirs[i], 2, -1)
				for j, v := range dirs[i] {
					gv += n.Grads()[i][j] * v
				}
			}
			saved := make([][]float64, len(n.Weights()))
			for i, w := range n.Weights() {
				saved[i] = clone(w)
			}
			lossAt := func(e float64) float64 {
				for i, w := range n.Weights() {
					for j := range w {
						w[j] = saved[i][j] + e*dirs[i][j]
					}
				}
				l, err := n.Loss(x, y, masks)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			// Central differences at h and h/2, extrapolated (Richardson) to
			// cancel the h² term: the error is O(h⁴) plus rounding.
			const h = 1e-5
			cd := func(e float64) float64 { return (lossAt(e) - lossAt(-e)) / (2 * e) }
			fd := (4*cd(h/2) - cd(h)) / 3
			lossAt(0)
			r := math.Abs(fd-gv) / math.Abs(gv)
			if !(r <= 1e-7) {
				t.Errorf("g·v = %.15g, central difference %.15g: relative %.3g", gv, fd, r)
			}
			t.Logf("g·v = %.15g, relative difference from central differences %.3g", gv, r)
		})
	}
}

// TestBuiltinForwardOnGrid builds every activation's built-in form in a
// graph and compares its forward with the ops forward, and its derivative
// (Gorgonia's, from the input) with the ops slope, on a grid.
func TestBuiltinForwardOnGrid(t *testing.T) {
	// Gorgonia's sigmoid is exactly 1 above 19: stay inside, where the forms
	// agree to rounding (the saturated part is checked below).
	var xs []float64
	for x := -18.0; x <= 18; x += 1.0 / 64 {
		xs = append(xs, x)
	}
	acts := append(ops.Activations(), builtinTestSwish, builtinTestMish, builtinTestSoftsign)
	for _, a := range acts {
		if a == ops.GELU || ops.LearnableOf(a) != nil {
			continue // no erf among Gorgonia's ops, no parameters: TestBuiltinSupports checks the refusals
		}
		t.Run(a.Name(), func(t *testing.T) {
			if why := builtinWhyNot(a); why != "" {
				t.Fatal(why)
			}
			xs := xs
			y, dy := builtinTestEval(t, a, xs)
			want := make([]float64, len(xs))
			if a.Name() == "softmax" {
				// Row-wise: one row of 9 columns at a time.
				m := len(xs) / 9 * 9
				a.Forward64(want, xs[:m], 9)
				xs, y, want = xs[:m], y[:m], want[:m]
			} else {
				a.Forward64(want, xs, len(xs))
			}
			var worst float64
			for i := range want {
				d := math.Abs(y[i] - want[i])
				if !(d <= 1e-15*math.Abs(want[i])) && !(d <= 1e-300) {
					t.Errorf("f(%v): builtin %v, ops %v (relative %.3g)", xs[i], y[i], want[i], d/math.Abs(want[i]))
				}
				if want[i] != 0 {
					worst = math.Max(worst, d/math.Abs(want[i]))
				}
			}
			t.Logf("forward: largest relative difference %.3g on %d points", worst, len(want))
			if a.Name() == "softmax" {
				return // a row-wise slope is not elementwise
			}
			ones := make([]float64, len(xs))
			for i := range ones {
				ones[i] = 1
			}
			slope := make([]float64, len(xs))
			a.Backward64(slope, ones, xs, want, len(xs))
			for i := range xs {
				if xs[i] == 0 && (a.Name() == "relu" || a.Name() == "leakyrelu") {
					continue // the kink: Gorgonia takes the right slope, ops the left
				}
				if d := math.Abs(dy[i] - slope[i]); !(d <= 1e-13*math.Max(1, math.Abs(slope[i]))) {
					t.Errorf("f'(%v): builtin %v, ops %v", xs[i], dy[i], slope[i])
				}
			}
		})
	}
	t.Run("sigmoid-saturated", func(t *testing.T) {
		var xs []float64
		for x := -40.0; x <= 40; x += 0.25 {
			xs = append(xs, x)
		}
		y, _ := builtinTestEval(t, ops.Sigmoid, xs)
		want := make([]float64, len(xs))
		ops.Sigmoid.Forward64(want, xs, len(xs))
		for i := range xs {
			if d := math.Abs(y[i] - want[i]); !(d <= 5.7e-9*want[i]) {
				t.Errorf("σ(%v): builtin %v, ops %v", xs[i], y[i], want[i])
			}
		}
	})
}

// builtinTestEval runs a's built-in form on the row xs and returns f(xs) and
// the gradient of Σ f(xs).
func builtinTestEval(t *testing.T, a ops.Activation, xs []float64) (y, dy []float64) {
	t.Helper()
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(1, len(xs)), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(1, len(xs)), tensor.WithBacking(clone(xs)))))
	f, err := builtinActs[a.Name()].build(x)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() == "softmax" {
		// Row-wise over rows of 9: reshape the grid first.
		g = gorgonia.NewGraph()
		m := len(xs) / 9 * 9
		x = gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(m/9, 9), gorgonia.WithName("x"),
			gorgonia.WithValue(tensor.New(tensor.WithShape(m/9, 9), tensor.WithBacking(clone(xs[:m])))))
		if f, err = builtinActs[a.Name()].build(x); err != nil {
			t.Fatal(err)
		}
	}
	s, err := gorgonia.Sum(f)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := gorgonia.Grad(s, x)
	if err != nil {
		t.Fatal(err)
	}
	var fv, gv gorgonia.Value
	gorgonia.Read(f, &fv)
	gorgonia.Read(gs[0], &gv)
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return clone(fv.Data().([]float64)), clone(gv.Data().([]float64))
}

// TestBuiltinSupports checks which configurations are accepted.
func TestBuiltinSupports(t *testing.T) {
	for _, a := range append(ops.Activations(), builtinTestSwish, builtinTestMish, builtinTestSoftsign) {
		if a == ops.GELU {
			continue // refused below
		}
		if ops.LearnableOf(a) != nil {
			err := BuiltinSupports(builtinTestConfig([]int{8}, ops.SoftmaxCrossEntropy, a))
			if !errors.Is(err, ErrNoBuiltin) || !strings.Contains(err.Error(), "learnable parameters") {
				t.Errorf("%s: %v, want ErrNoBuiltin saying it has learnable parameters", a.Name(), err)
			}
			continue
		}
		for _, o := range ops.Outputs() {
			c := builtinTestConfig([]int{8}, o, a)
			if o.Loss != nil {
				if err := BuiltinSupports(c); !errors.Is(err, ErrNoBuiltin) || !strings.Contains(err.Error(), "no built-in form") {
					t.Errorf("%s/%s: %v, want ErrNoBuiltin: the loss has no built-in form", a.Name(), o.Name, err)
				}
				continue
			}
			if err := BuiltinSupports(c); err != nil {
				t.Errorf("%s/%s: %v", a.Name(), o.Name, err)
			}
		}
	}
	base2, err := ops.NewSoftmax(2)
	if err != nil {
		t.Fatal(err)
	}
	cube := ops.NewPointwise("cube", func(x float64) float64 { return x * x * x }, func(y float64) float64 { return 3 * math.Cbrt(y*y) })
	fakeTanh := ops.NewPointwise("tanh", func(x float64) float64 { return x / (1 + math.Abs(x)) }, func(y float64) float64 { return (1 - math.Abs(y)) * (1 - math.Abs(y)) })
	for _, k := range []struct {
		c    mnist.Config
		want string
	}{
		{builtinTestConfig([]int{8}, ops.SoftmaxCrossEntropy, builtinTestGELU), "gorgonia has no built-in op for gelu"},
		{builtinTestConfig([]int{8, 8}, ops.SoftmaxCrossEntropy, ops.Tanh, cube), `hidden layer 2: activation "cube"`},
		{builtinTestConfig([]int{8}, ops.SoftmaxCrossEntropy, fakeTanh), "not the function of that name"},
		{builtinTestConfig([]int{8}, ops.Output{Name: "softmax2", Act: base2, CrossEntropy: true}, ops.Tanh), "softmax of base e only"},
		{builtinTestConfig([]int{8}, ops.Output{Name: "cube", Act: cube}, ops.Tanh), `output "cube"`},
	} {
		err := BuiltinSupports(k.c)
		if err == nil || !errors.Is(err, ErrNoBuiltin) || !strings.Contains(err.Error(), k.want) {
			t.Errorf("%s/%s: got %v, want an ErrNoBuiltin saying %q", k.c.ActNames(), k.c.Output.Name, err, k.want)
		}
		if _, err := NewBuiltin(k.c, mnisttest.InitWeights(t, k.c, 1)); !errors.Is(err, ErrNoBuiltin) {
			t.Errorf("NewBuiltin %s/%s: got %v, want ErrNoBuiltin", k.c.ActNames(), k.c.Output.Name, err)
		}
	}
}

// TestBuiltinStableLoss drives the logits to about ±1e4: the stable
// cross-entropy stays finite and agrees with the custom-op graph's.
func TestBuiltinStableLoss(t *testing.T) {
	c := builtinTestConfig([]int{32}, ops.SoftmaxCrossEntropy, ops.Tanh)
	c.W01Range, c.W12Range = 1, 1500
	ws := mnisttest.InitWeights(t, c, 4)
	b, err := NewBuiltin(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	g, err := NewGraph(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	d := builtinTestData(c.Batch, 2)
	z, err := b.Logits(d.X, c.Batch)
	if err != nil {
		t.Fatal(err)
	}
	var zmax float64
	for _, v := range z {
		zmax = math.Max(zmax, math.Abs(v))
	}
	if zmax < 5e3 {
		t.Fatalf("largest |logit| %v: the test needs logits of about 1e4", zmax)
	}
	masks := builtinTestMasks(c, 3)
	lb, err := b.Loss(d.X, d.Y, masks)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := g.Loss(d.X, d.Y, masks)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(lb) || math.IsInf(lb, 0) || math.Abs(lb-lg) > 1e-12*math.Abs(lg) {
		t.Errorf("loss with |logits| up to %.3g: builtin %v, graph %v", zmax, lb, lg)
	}
	if err := b.Gradient(d.X, d.Y, masks); err != nil {
		t.Fatal(err)
	}
	for i, gr := range b.Grads() {
		if j := blas.FirstNonFinite(gr); j >= 0 {
			cols := c.Sizes()[i+1]
			t.Errorf("∂L/∂%s[%d,%d] = %v", c.MatrixNames()[i], j/cols, j%cols, gr[j])
		}
	}
	if j := blas.FirstNonFinite(b.Output()); j >= 0 {
		t.Errorf("output[%d,%d] = %v", j/idx.Classes, j%idx.Classes, b.Output()[j])
	}
}

// TestBuiltinStepAndWeights checks that Step is Gradient plus the update,
// that Weights are the net's own, and the float32 net.
func TestBuiltinStepAndWeights(t *testing.T) {
	c := builtinTestConfig([]int{16}, ops.SoftmaxCrossEntropy, ops.Tanh)
	d := builtinTestData(c.Batch, 8)
	masks := builtinTestMasks(c, 6)
	n, err := NewBuiltin(c, mnisttest.InitWeights(t, c, 2))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	before := make([][]float64, len(n.Weights()))
	for i, w := range n.Weights() {
		before[i] = clone(w)
	}
	if err := n.Gradient(d.X, d.Y, masks); err != nil {
		t.Fatal(err)
	}
	grads := make([][]float64, len(n.Grads()))
	for i, g := range n.Grads() {
		grads[i] = clone(g)
	}
	if err := n.Step(d.X, d.Y, masks); err != nil {
		t.Fatal(err)
	}
	for i, w := range n.Weights() {
		for j := range w {
			if want := before[i][j] - c.Alpha*grads[i][j]; w[j] != want {
				t.Fatalf("%s[%d] = %v after the step, want %v", c.MatrixNames()[i], j, w[j], want)
			}
		}
	}
	// Writing the weights changes the net: zero weights give zero logits.
	for _, w := range n.Weights() {
		clear(w)
	}
	z, err := n.Logits(d.X[:3*idx.Pixels], 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range z {
		if v != 0 {
			t.Fatalf("logit %d = %v with zero weights", i, v)
		}
	}

	// float32: the same gradient to float32 precision.
	ws := mnisttest.InitWeights(t, c, 2)
	ws32 := make([][]float32, len(ws))
	for i, w := range ws {
		for _, v := range w {
			ws32[i] = append(ws32[i], float32(v))
		}
	}
	n64, err := NewBuiltin(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer n64.Close()
	n32, err := NewBuiltin(c, ws32)
	if err != nil {
		t.Fatal(err)
	}
	defer n32.Close()
	x32, y32 := make([]float32, len(d.X)), make([]float32, len(d.Y))
	for i, v := range d.X {
		x32[i] = float32(v)
	}
	for i, v := range d.Y {
		y32[i] = float32(v)
	}
	m32 := make([][]float32, len(masks))
	for l, m := range masks {
		for _, v := range m {
			m32[l] = append(m32[l], float32(v))
		}
	}
	if err := n64.Gradient(d.X, d.Y, masks); err != nil {
		t.Fatal(err)
	}
	if err := n32.Gradient(x32, y32, m32); err != nil {
		t.Fatal(err)
	}
	for i := range ws {
		g32 := make([]float64, len(n32.Grads()[i]))
		for j, v := range n32.Grads()[i] {
			g32[j] = float64(v)
		}
		if r := builtinNormDiff(g32, n64.Grads()[i]); !(r <= 1e-4) {
			t.Errorf("float32 ∂L/∂%s differs from float64 by %.3g", c.MatrixNames()[i], r)
		}
	}
	if n32.Name() != "builtin" {
		t.Errorf("Name() = %q", n32.Name())
	}
}
