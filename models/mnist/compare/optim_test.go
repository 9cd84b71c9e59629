package compare

import (
	"math"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// TestOptimizersLockStep trains the graph and the hand-rolled network in
// lock step with momentum and with Adam, under each schedule: their
// gradients must be bit-identical at every step and their weights at every
// evaluation and at the end, and the run must differ from SGD's (the rule
// is applied at all).
func TestOptimizersLockStep(t *testing.T) {
	base := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, base.TrainImages)
	sgd, err := Compare(base, train, test, CompareOptions{FirstStepChecksOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	momentum, adam := optim.Default(), optim.Default()
	momentum.Name, adam.Name = optim.Momentum, optim.Adam
	for _, tc := range []struct {
		name  string
		opt   optim.Optimizer
		alpha float64
		sched optim.Schedule
	}{
		{"momentum", momentum, 1, optim.Schedule{}},
		{"adam", adam, 0.001, optim.Schedule{}},
		{"adam-step", adam, 0.001, optim.Schedule{Kind: optim.Step, Every: 1, Gamma: 0.5}},
		{"momentum-cosine", momentum, 1, optim.Schedule{Kind: optim.Cosine}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.Optimizer, c.Alpha, c.Schedule = tc.opt, tc.alpha, tc.sched
			rep, err := Compare(c, train, test, CompareOptions{FirstStepChecksOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			ag := rep.Agreement
			if !rep.OK || ag.GradMaxAbsDiff != 0 || ag.WeightsMaxAbsDiff != 0 || !ag.TrajectoriesEqual {
				t.Fatalf("not bit-identical: ok %v, grad abs %g at %+v, weights abs %g, trajectories equal %v (%s)",
					rep.OK, ag.GradMaxAbsDiff, ag.GradMaxAbsAt, ag.WeightsMaxAbsDiff, ag.TrajectoriesEqual, ag.Summary)
			}
			g, h := rep.Runs[mnist.ImplGraph].Final, rep.Runs[mnist.ImplHandRolled].Final
			s := sgd.Runs[mnist.ImplHandRolled].Final
			same := true
			for m := range g {
				for i := range g[m] {
					if math.Float64bits(g[m][i]) != math.Float64bits(h[m][i]) {
						t.Fatalf("final %s[%d]: graph %v, hand-rolled %v", c.MatrixNames()[m], i, g[m][i], h[m][i])
					}
					same = same && h[m][i] == s[m][i]
				}
			}
			if same {
				t.Errorf("final weights equal SGD's: the rule was not applied")
			}
			if want := c.Optimizer.String(); rep.Config.Optimizer != want || rep.Config.Schedule != c.Schedule.String() {
				t.Errorf("config reports %q, %q; want %q, %q", rep.Config.Optimizer, rep.Config.Schedule, want, c.Schedule.String())
			}
		})
	}
}

// TestReportedLossIndependent checks the losses of every evaluation point
// against a computation of their own: a fresh hand-rolled net from the
// final weights, its logits through ops.CrossEntropy (softmax of base e and
// of base 2) or ops.Forward and ops.SquaredError (sigmoid), divided by the
// number of images. Both implementations must report the same losses.
func TestReportedLossIndependent(t *testing.T) {
	base := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, base.TrainImages)
	soft2, err := ops.SoftmaxOutput(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []ops.Output{ops.SoftmaxCrossEntropy, soft2, ops.SigmoidSquared} {
		t.Run(out.Name, func(t *testing.T) {
			c := base
			c.Output = out
			rep, err := Compare(c, train, test, CompareOptions{FirstStepChecksOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			gt, ht := rep.Runs[mnist.ImplGraph].Trajectory, rep.Runs[mnist.ImplHandRolled].Trajectory
			for i := range gt {
				if math.Float64bits(gt[i].TestLoss) != math.Float64bits(ht[i].TestLoss) || math.Float64bits(gt[i].TrainLoss) != math.Float64bits(ht[i].TrainLoss) {
					t.Errorf("iteration %d: graph losses %v, %v; hand-rolled %v, %v", gt[i].Iteration, gt[i].TestLoss, gt[i].TrainLoss, ht[i].TestLoss, ht[i].TrainLoss)
				}
			}
			last := ht[len(ht)-1]
			net, err := mnist.NewHandRolled(c, rep.Runs[mnist.ImplHandRolled].Final)
			if err != nil {
				t.Fatal(err)
			}
			trained := mnist.Data[float64]{Images: train.Images, Labels: train.Labels, N: c.Steps() * c.Batch}
			for _, s := range []struct {
				what string
				d    mnist.Data[float64]
				got  float64
			}{{"test", test, last.TestLoss}, {"train", trained, last.TrainLoss}} {
				x, y := s.d.X(nil, 0, s.d.N), s.d.Y(nil, 0, s.d.N)
				z, err := net.Logits(x, s.d.N)
				if err != nil {
					t.Fatal(err)
				}
				var sum float64
				if k, softmax := out.LogitScale(); softmax {
					if sum, err = ops.CrossEntropy(z, y, idx.Classes, k); err != nil {
						t.Fatal(err)
					}
				} else {
					p := make([]float64, len(z))
					ops.Forward(out.Act, p, z, idx.Classes)
					sum = ops.SquaredError(p, y)
				}
				want := sum / float64(s.d.N)
				if !mnisttest.Near(s.got, want, 1e-12*want) || !(want > 0) {
					t.Errorf("%s loss after iteration %d: reported %.15g, computed %.15g", s.what, last.Iteration, s.got, want)
				}
			}
		})
	}
}
