package compare

import (
	"errors"
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// checkConfig is a short run: 300 images, 2 iterations, evaluated after each.
func checkConfig(act ops.Activation) mnist.Config {
	c := mnist.DefaultConfig()
	c.TrainImages, c.Iterations, c.EvalEvery = 300, 2, 1
	c.HiddenAct = []ops.Activation{act}
	return c
}

// TestReferencesPassEveryActivation runs Compare with every registered
// hidden activation and every output, and requires every independent check
// to pass in float64.
func TestReferencesPassEveryActivation(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 500 // the checks, not the accuracy, are under test
	for _, act := range ops.Activations() {
		for _, out := range ops.Outputs() {
			t.Run(act.Name()+"/"+out.Name, func(t *testing.T) {
				c := checkConfig(act)
				c.Output = out
				c.Iterations = 1
				rep, err := Compare(c, train, test, CompareOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Checks.OK {
					t.Fatalf("checks failed: %s", strings.Join(rep.Checks.Failures, "\n"))
				}
				for _, f := range rep.Checks.NetworkFD {
					if f.Checks == 0 || f.Directions == 0 {
						t.Errorf("%s: no finite-difference check ran", f.Impl)
					}
					t.Logf("%s", f)
				}
			})
		}
	}
}

// badTanh is tanh whose slope is off by a relative eps.
func badTanh(eps float64) ops.Activation {
	return ops.NewPointwise("tanh-off", math.Tanh, func(y float64) float64 { return (1 - y*y) * (1 + eps) })
}

// TestReferencesCatchWrongSlope: a slope that is badly wrong (softsign with
// 1 − |y| instead of (1 − |y|)²) and one off by 1e-4 must each fail the run,
// the slope check naming the activation, x, y, the slope and the difference.
func TestReferencesCatchWrongSlope(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 500
	softsignBad := ops.NewPointwise("softsign-bad",
		func(x float64) float64 { return x / (1 + math.Abs(x)) },
		func(y float64) float64 { return 1 - math.Abs(y) })
	for _, act := range []ops.Activation{softsignBad, badTanh(1e-4)} {
		t.Run(act.Name(), func(t *testing.T) {
			rep, err := Compare(checkConfig(act), train, test, CompareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Agreement == nil || !rep.Agreement.OK {
				t.Fatalf("graph and hand-rolled should agree with each other: %+v", rep.Agreement)
			}
			if rep.OK || rep.Checks.OK {
				t.Fatalf("a wrong slope passed: %v", rep.Checks.Lines())
			}
			msg := strings.Join(rep.Checks.Failures, "\n")
			for _, want := range []string{"slope of " + act.Name(), "x=", "y=", "slope given", "finite difference"} {
				if !strings.Contains(msg, want) {
					t.Errorf("failure %q does not say %q", msg, want)
				}
			}
			t.Log(msg)
		})
	}
}

// TestNetworkFDCatchesScaledDelta: an output whose delta is scaled by 1.001
// (a sigmoid output whose slope is 1.001·y(1 − y), squared error) makes the
// network finite-difference check of both implementations fail.
func TestNetworkFDCatchesScaledDelta(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 500
	sig := ops.NewPointwise("sigmoid-scaled",
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(y float64) float64 { return 1.001 * y * (1 - y) })
	c := checkConfig(ops.Tanh)
	c.Output = ops.Output{Name: "sigmoid-scaled", Act: sig}
	rep, err := Compare(c, train, test, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Checks.NetworkFD) != 2 {
		t.Fatalf("%d finite-difference checks, want 2", len(rep.Checks.NetworkFD))
	}
	for _, f := range rep.Checks.NetworkFD {
		if f.OK {
			t.Errorf("%s: a delta scaled by 1.001 passed: %s", f.Impl, f)
		} else if f.WorstRelErr < 1e-4 {
			t.Errorf("%s: worst error %g, want about 1e-3", f.Impl, f.WorstRelErr)
		}
		t.Log(f)
	}
}

// TestReferencesFloat32: float32 runs pass with the documented tolerances and
// still catch a slope off by 1e-3.
func TestReferencesFloat32(t *testing.T) {
	train, test := mnisttest.LoadData32(t, 300)
	test.N = 500
	rep, err := Compare(checkConfig(ops.Tanh), train, test, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("float32 run failed: %v", rep.Checks.Lines())
	}
	for _, l := range rep.Checks.Lines() {
		t.Log(l)
	}
	rep, err = Compare(checkConfig(badTanh(1e-3)), train, test, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK {
		t.Fatalf("float32: a slope off by 1e-3 passed: %v", rep.Checks.Lines())
	}
	for _, f := range rep.Checks.NetworkFD {
		if f.OK {
			t.Errorf("float32 %s: the network check missed a slope off by 1e-3: %s", f.Impl, f)
		}
	}
}

// TestPanicBecomesError: an activation that panics (in the graph's machine
// and in the hand-rolled network) makes Compare return an error wrapping
// ErrPanic instead of killing the process.
func TestPanicBecomesError(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 100
	boom := ops.NewPointwise("boom", func(x float64) float64 {
		if x > 0.1 {
			panic("boom")
		}
		return x
	}, func(float64) float64 { return 1 })
	for _, impl := range []string{mnist.ImplGraph, mnist.ImplHandRolled} {
		c := checkConfig(boom)
		_, err := Compare(c, train, test, CompareOptions{Impl: impl})
		if !errors.Is(err, ops.ErrPanic) || !strings.Contains(err.Error(), "boom") {
			t.Errorf("%s: Compare = %v, want an error wrapping ErrPanic", impl, err)
		}
		// The training loop alone, without the checks that run first.
		tr, ws, err := mnist.NewTrainer(c, train, test)
		if err != nil {
			t.Fatal(err)
		}
		n, closeNet, err := newNet(impl, c, ws)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Run([]mnist.Net[float64]{n}, mnist.Hooks[float64]{})
		closeNet()
		if !errors.Is(err, ops.ErrPanic) || !strings.Contains(err.Error(), "boom") {
			t.Errorf("%s: Run = %v, want an error wrapping ErrPanic", impl, err)
		}
	}
}

// TestTooLargeIsRefused: a network that cannot fit is refused before any
// allocation, with the estimate in the message.
func TestTooLargeIsRefused(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	c := checkConfig(ops.Tanh)
	c.Hidden, c.HiddenAct = []int{65536, 65536, 65536}, []ops.Activation{ops.Tanh}
	_, err := Compare(c, train, test, CompareOptions{})
	if !errors.Is(err, mnist.ErrTooLarge) || !strings.Contains(err.Error(), "GB") {
		t.Fatalf("Compare = %v, want ErrTooLarge with the estimate", err)
	}
	t.Log(err)
}

// TestDeeperNetworks trains networks of two and three hidden layers with
// both implementations in lock step: their gradients agree, and the first
// step's gradients of every matrix match central differences of the loss.
func TestDeeperNetworks(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 500
	for _, tc := range []struct {
		hidden []int
		acts   []ops.Activation
	}{
		{[]int{32, 16}, []ops.Activation{ops.Tanh, ops.ReLU}},
		{[]int{20, 20, 20}, []ops.Activation{ops.Sigmoid}},
	} {
		c := checkConfig(ops.Tanh)
		c.Hidden, c.HiddenAct, c.Iterations = tc.hidden, tc.acts, 1
		rep, err := Compare(c, train, test, CompareOptions{FirstStepChecksOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || rep.Agreement == nil || !rep.Agreement.OK {
			t.Fatalf("hidden %v: %v %v", tc.hidden, rep.Agreement, rep.Checks.Lines())
		}
		for _, f := range rep.Checks.NetworkFD {
			if f.Checks != 1 || f.Directions != 2*(len(tc.hidden)+1) {
				t.Errorf("hidden %v: %s: %d checks, %d directions", tc.hidden, f.Impl, f.Checks, f.Directions)
			}
		}
		if g := rep.Runs[mnist.ImplGraph].GradNorms; len(g) == 0 || len(g[0].Norms) != len(tc.hidden)+1 {
			t.Errorf("hidden %v: gradient norms %v", tc.hidden, g)
		}
		w := rep.Runs[mnist.ImplGraph].Weights
		for _, name := range c.MatrixNames() {
			if w[name].SumSq == 0 {
				t.Errorf("hidden %v: no weights %s in %v", tc.hidden, name, w)
			}
		}
	}
}

// unhashable is a valid activation whose type cannot be compared.
type unhashable struct {
	ops.Activation
	scale []float64
}

// TestChecksOfOneImplementation: with the built-in network alone its own
// gradient is checked by finite differences, and the built-in comparison
// says it did not run; an activation of an uncomparable type is fine.
func TestChecksOfOneImplementation(t *testing.T) {
	train, test := mnisttest.LoadData(t, 300)
	test.N = 200
	c := checkConfig(ops.Tanh)
	c.Iterations = 1
	rep, err := Compare(c, train, test, CompareOptions{Impl: mnist.ImplBuiltin})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Checks.NetworkFD) != 1 || !rep.Checks.NetworkFD[0].Ran || rep.Checks.NetworkFD[0].Impl != mnist.ImplBuiltin {
		t.Errorf("network checks %+v, want the built-in one run", rep.Checks.NetworkFD)
	}
	if b := rep.Checks.Builtin; b.Ran || b.OK || b.Reason == "" {
		t.Errorf("built-in comparison %+v, want not run with a reason", b)
	}
	c.HiddenAct = []ops.Activation{unhashable{Activation: ops.Tanh, scale: []float64{1}}}
	if _, err := Compare(c, train, test, CompareOptions{}); err != nil {
		t.Errorf("uncomparable activation: %v", err)
	}
}
