package compare

import (
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// TestLearnableLockStep trains networks whose hidden activations have
// learnable parameters (PReLU's α per unit, swish's β shared) in the graph
// and the hand-rolled implementation in lock step: the gradients must be
// bit-identical at every step, the final weights and parameters too; the
// network finite-difference check must have compared every tensor, the
// parameters among them, and passed; and the parameters must have moved
// from their initial values (they are trained at all).
func TestLearnableLockStep(t *testing.T) {
	base := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, base.TrainImages)
	adam := optim.Default()
	adam.Name = optim.Adam
	momentum := optim.Default()
	momentum.Name = optim.Momentum
	for _, tc := range []struct {
		name   string
		acts   []ops.Activation
		hidden []int
		opt    optim.Optimizer
		alpha  float64
	}{
		{"prelu-sgd", []ops.Activation{ops.PReLU}, []int{100}, optim.Default(), 2},
		{"swish-beta-adam", []ops.Activation{ops.SwishBeta}, []int{100}, adam, 0.001},
		{"prelu,tanh,swish-beta-momentum", []ops.Activation{ops.PReLU, ops.Tanh, ops.SwishBeta}, []int{32, 24, 16}, momentum, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.HiddenAct, c.Hidden, c.Optimizer, c.Alpha = tc.acts, tc.hidden, tc.opt, tc.alpha
			rep, err := Compare(c, train, test, CompareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Checks.OK {
				t.Fatalf("checks failed: %s", strings.Join(rep.Checks.Failures, "\n"))
			}
			names := c.WeightNames()
			for _, f := range rep.Checks.NetworkFD {
				// Two directions per tensor at every check point.
				if f.Directions != 2*len(names)*f.Checks || !f.OK {
					t.Errorf("%s: %d directions over %d checks for %d tensors (%v), ok %v", f.Impl, f.Directions, f.Checks, len(names), names, f.OK)
				}
			}
			ag := rep.Agreement
			if !rep.OK || ag.GradMaxAbsDiff != 0 || ag.WeightsMaxAbsDiff != 0 || !ag.TrajectoriesEqual {
				t.Fatalf("not bit-identical: ok %v, grad abs %g at %+v, weights abs %g, trajectories equal %v (%s)",
					rep.OK, ag.GradMaxAbsDiff, ag.GradMaxAbsAt, ag.WeightsMaxAbsDiff, ag.TrajectoriesEqual, ag.Summary)
			}
			g, h := rep.Runs[mnist.ImplGraph].Final, rep.Runs[mnist.ImplHandRolled].Final
			if len(g) != len(names) || len(h) != len(names) {
				t.Fatalf("final tensors: graph %d, hand-rolled %d, want %d (%v)", len(g), len(h), len(names), names)
			}
			for m := range g {
				for i := range g[m] {
					if math.Float64bits(g[m][i]) != math.Float64bits(h[m][i]) {
						t.Fatalf("final %s[%d]: graph %v, hand-rolled %v", names[m], i, g[m][i], h[m][i])
					}
				}
			}
			for l, p := range c.ParamIndex() {
				if p < 0 {
					continue
				}
				init := ops.LearnableOf(c.Acts()[l]).Params().Init[0]
				moved := 0
				for _, v := range h[p] {
					if v != init {
						moved++
					}
				}
				var sum float64
				for _, v := range h[p] {
					sum += v
				}
				found := false
				for _, lp := range rep.Runs[mnist.ImplHandRolled].Learned {
					if lp.Tensor == names[p] {
						found = true
						if lp.Layer != l+1 || lp.Units != len(h[p]) || math.Abs(lp.Mean-sum/float64(len(h[p]))) > 1e-12 || lp.Init != init {
							t.Errorf("learned %+v: want layer %d, %d values, mean %v, init %v", lp, l+1, len(h[p]), sum/float64(len(h[p])), init)
						}
					}
				}
				if !found {
					t.Errorf("no learned summary of %s: %+v", names[p], rep.Runs[mnist.ImplHandRolled].Learned)
				}
				if moved == 0 {
					t.Errorf("%s: every parameter still at its initial %g: not trained", names[p], init)
				}
				t.Logf("%s: %d of %d moved from %g; first %v", names[p], moved, len(h[p]), init, h[p][:min(4, len(h[p]))])
			}
		})
	}
}
