package compare

import (
	"errors"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/models/mnist/reference"
	"outgrad/ops"
)

// The tests in this file hold the agreement bookkeeping between the
// implementations step by step, where the end-to-end runs agree too well to
// show it: where each largest difference is recorded, and the accuracy
// differences. (The mutants no test can tell apart from the code are listed
// with their reasons in testdata/equivalent-mutants.txt.)

// twoByTwo is a LinearNet with two 2×2 matrices, weights w and gradients g.
func twoByTwo(name string, w, g [][]float64) *mnisttest.LinearNet {
	return &mnisttest.LinearNet{Impl: name, W: w, G: g, C: g}
}

func mats(a, b []float64) [][]float64 { return [][]float64{slices.Clone(a), slices.Clone(b)} }

// TestAgreementBookkeeping drives a run of three nets through a step and an
// evaluation: every difference is taken against the first net, the largest
// is recorded with where it occurred (naming the net when more than two
// run), and the accuracy differences are the largest absolute ones.
func TestAgreementBookkeeping(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden = []int{2}
	w0, w1 := []float64{0.1, 0.2, 0.3, 0.4}, []float64{-1, 1, 0.5, 0.25}
	g0, g1 := []float64{1, -2, 4, 0.5}, []float64{0.25, 1, -1, 2}
	nets := []mnist.Net[float64]{
		twoByTwo(mnist.ImplGraph, mats(w0, w1), mats(g0, g1)),
		twoByTwo(mnist.ImplHandRolled, mats(w0, w1), mats(g0, g1)),
		twoByTwo(mnist.ImplBuiltin, mats(w0, w1), mats(g0, g1)),
	}
	r := newRun(c, CompareOptions{}, 1e-10, nets, nil)
	ag := r.ag
	if ag == nil || !ag.TrajectoriesEqual || ag.WeightsMaxAbsAt != (reference.Where{Step: c.Steps() - 1, Matrix: "w01"}) {
		t.Fatalf("initial agreement %+v: want equal trajectories, weights compared at the last step (%d) of w01", ag, c.Steps()-1)
	}

	// Step 3 of iteration 2: the built-in's w12 gradient is off by 0.5 in
	// its largest entry (2 → 2.5: relative 0.25), the hand-rolled's w01 by
	// 0.1 in an entry of size 1 (relative 0.1/4 = 0.025).
	nets[2].Grads()[1][3] = 2.5
	nets[1].Grads()[0][0] = 1.1
	if err := r.afterStep(mnist.Batch[float64]{Iteration: 2, Step: 3}); err != nil {
		t.Fatal(err)
	}
	wantAt := reference.Where{Iteration: 2, Step: 3, Matrix: "w12", Impl: mnist.ImplBuiltin}
	if ag.GradMaxRelDiff != 0.25 || ag.GradMaxRelAt != wantAt || ag.GradMaxAbsDiff != 0.5 || ag.GradMaxAbsAt != wantAt || ag.GradFirstStepRel != 0 {
		t.Errorf("after a step: %+v; want the largest differences 0.25 and 0.5 at %+v, none at the first step", ag, wantAt)
	}
	if err := r.afterStep(mnist.Batch[float64]{}); err != nil {
		t.Fatal(err)
	}
	if ag.GradFirstStepRel != 0.25 {
		t.Errorf("first step: relative difference %g, want 0.25", ag.GradFirstStepRel)
	}

	// The evaluation after iteration 4: the hand-rolled's w12 has drifted by
	// 0.125, and the accuracies differ.
	nets[1].Weights()[1][2] += 0.125
	if err := r.beforeEval(4); err != nil {
		t.Fatal(err)
	}
	points := []mnist.Point{{Iteration: 4, TestAcc: 0.8, TrainAcc: 0.9}, {Iteration: 4, TestAcc: 0.75, TrainAcc: 0.95}, {Iteration: 4, TestAcc: 0.8, TrainAcc: 0.875}}
	if err := r.afterEval(points); err != nil {
		t.Fatal(err)
	}
	if ag.WeightsMaxAbsDiff != 0.125 || ag.WeightsMaxAbsAt != (reference.Where{Iteration: 4, Step: c.Steps() - 1, Matrix: "w12"}) {
		t.Errorf("weights: largest difference %g at %+v; want 0.125 at iteration 4, step %d, w12", ag.WeightsMaxAbsDiff, ag.WeightsMaxAbsAt, c.Steps()-1)
	}
	if math.Abs(ag.TestAccMaxDiff-0.05) > 1e-15 || math.Abs(ag.TrainAccMaxDiff-0.05) > 1e-15 || ag.TrajectoriesEqual {
		t.Errorf("accuracies: test %g, train %g apart, trajectories equal %v; want 0.05, 0.05, false", ag.TestAccMaxDiff, ag.TrainAccMaxDiff, ag.TrajectoriesEqual)
	}
	for j, want := range []float64{math.Sqrt(1 + 4 + 16 + 0.25), math.Sqrt(1.21 + 4 + 16 + 0.25)} {
		if got := r.gradNorms[j][0].Norms[0]; math.Abs(got-want) > 1e-12 || r.gradNorms[j][0].Iteration != 4 {
			t.Errorf("net %d: gradient norm of w01 %g at iteration %d, want %g at 4", j, got, r.gradNorms[j][0].Iteration, want)
		}
	}
}

// TestCompareAllFallsBackToBoth: asked for every implementation where
// Gorgonia's built-in ops cannot express the network, the comparison runs the
// two others; where they can, all three.
func TestCompareAllFallsBackToBoth(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.Hidden = 100, 50, 1, []int{8}
	train, test := mnisttest.SynthData[float64](100, 1), mnisttest.SynthData[float64](50, 2)
	for _, act := range []ops.Activation{ops.GELU, ops.Tanh} {
		c.HiddenAct = []ops.Activation{act}
		want := []string{mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin}
		if graphnet.BuiltinSupports(c) != nil {
			want = want[:2]
		}
		rep, err := Compare(c, train, test, CompareOptions{Impl: ImplAll})
		if err != nil {
			t.Fatalf("%s: %v", act.Name(), err)
		}
		if !slices.Equal(rep.Impls, want) {
			t.Errorf("%s: implementations %v, want %v", act.Name(), rep.Impls, want)
		}
	}
}

// TestChecksRunAtTheFirstStepAfterEvaluations: the network checks run at the
// first step of the first iteration and, unless FirstStepChecksOnly, at the
// first step of every iteration that follows an evaluation (evaluations
// after iterations 0, 3 and 6 of 7 here: checks at 0, 1 and 4), never at a
// later step.
func TestChecksRunAtTheFirstStepAfterEvaluations(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Iterations, c.EvalEvery, c.Dropout = []int{2}, 2, 4, 7, 3, false
	ws := mnisttest.InitWeights(t, c, 1)
	grads := make([][]float64, len(ws))
	for i, w := range ws {
		grads[i] = make([]float64, len(w))
		for j := range w {
			grads[i][j] = float64(j%5) - 2
		}
	}
	b := mnist.Batch[float64]{X: make([]float64, c.Batch*784), T: make([]float64, c.Batch*10)}
	b.T[3], b.T[15] = 1, 1
	for _, firstOnly := range []bool{false, true} {
		k, err := reference.NewChecker(c, ws, []string{mnist.ImplGraph}, !firstOnly)
		if err != nil {
			t.Fatal(err)
		}
		net := &mnisttest.LinearNet{Impl: mnist.ImplGraph, W: ws, C: grads, G: grads}
		r := newRun(c, CompareOptions{FirstStepChecksOnly: firstOnly}, 1e-10, []mnist.Net[float64]{net}, k)
		var at []int
		checks := 0
		for it := range c.Iterations {
			for step := range c.Steps() {
				b.Iteration, b.Step = it, step
				if err := r.beforeStep(b); err != nil {
					t.Fatal(err)
				}
				if n := k.Finish().NetworkFD[0].Checks; n != checks {
					checks = n
					at = append(at, it*10+step)
				}
			}
		}
		k.Close()
		want := []int{0, 10, 40} // iteration·10 + step
		if firstOnly {
			want = want[:1]
		}
		if !slices.Equal(at, want) {
			t.Errorf("first step checks only %v: checks at %v (iteration·10 + step), want %v", firstOnly, at, want)
		}
	}
}

// TestCompareCountsEveryNetInTheMemoryCheck: the memory check counts the
// implementations run, their evaluators when the evaluations run beside the
// steps, and two more nets' worth (the references): comparing two
// implementations counts six nets beside the steps and four between them.
// With the process's memory limit between the estimates for one net fewer
// and for that many, a serial comparison is refused as too large; one
// beside the steps evaluates between them instead, and says so, unless even
// that does not fit. (The limit is the soft memory limit, restored after.)
func TestCompareCountsEveryNetInTheMemoryCheck(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: the evaluations run between the steps only")
	}
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.Hidden = 100, 50, 1, []int{8}
	train, test := mnisttest.SynthData[float64](100, 1), mnisttest.SynthData[float64](50, 2)
	compareUnder := func(limit int64, opts CompareOptions) (*Report, error) {
		old := debug.SetMemoryLimit(limit)
		defer debug.SetMemoryLimit(old)
		return Compare(c, train, test, opts)
	}
	between := func(n int) int64 { return (c.MemoryBytes(8, n-1, test.N) + c.MemoryBytes(8, n, test.N)) / 2 }
	for _, serial := range []bool{false, true} {
		if n, want := (CompareOptions{Serial: serial}).memoryNets(), map[bool]int{false: 6, true: 4}[serial]; n != want {
			t.Errorf("serial %v: %d nets counted, want %d", serial, n, want)
		}
	}
	if _, err := compareUnder(between(4), CompareOptions{Serial: true}); !errors.Is(err, mnist.ErrTooLarge) {
		t.Errorf("serial, room for 3 nets: %v, want too large", err)
	}
	if _, err := compareUnder(between(4), CompareOptions{}); !errors.Is(err, mnist.ErrTooLarge) {
		t.Errorf("beside, room for 3 nets: %v, want too large", err)
	}
	rep, err := compareUnder(between(6), CompareOptions{})
	if err != nil || rep.Beside {
		t.Errorf("beside, room for 5 nets: %v; want a run between the steps", err)
	}
	if rep, err := compareUnder(c.MemoryBytes(8, 6, test.N)+1<<20, CompareOptions{}); err != nil || !rep.Beside {
		t.Errorf("beside, room for 6 nets: %v; want a run beside the steps", err)
	}
}

// sleepyNet takes at least 2 ms a step and 1 ms an evaluation.
type sleepyNet struct{ *mnisttest.LinearNet }

func (n sleepyNet) Step(x, t []float64, m [][]float64) error {
	time.Sleep(2 * time.Millisecond)
	return nil
}

func (n sleepyNet) Logits(x []float64, k int) ([]float64, error) {
	time.Sleep(time.Millisecond)
	return nil, nil
}

// TestRunTimesAddUp: a net's wall time in the report is the time of its
// steps and its evaluations together, and the medians are those of each.
func TestRunTimesAddUp(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden, c.Dropout = []int{2}, false
	ws := mnisttest.InitWeights(t, c, 1)
	k, err := reference.NewChecker(c, ws, []string{mnist.ImplGraph}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	net := sleepyNet{&mnisttest.LinearNet{Impl: mnist.ImplGraph, W: ws, C: ws, G: ws}}
	r := newRun(c, CompareOptions{}, 1e-10, []mnist.Net[float64]{net}, k)
	for range 3 {
		if err := r.nets[0].Step(nil, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		// One evaluation is the Logits calls up to its AfterEval.
		if _, err := r.nets[0].Logits(nil, 0); err != nil {
			t.Fatal(err)
		}
		r.nets[0].endEval()
	}
	run := r.finish([][]mnist.Point{nil}).Runs[mnist.ImplGraph]
	// The medians come from buckets 1% wide (durations.go): exact to 1%.
	if run.WallSeconds < 0.008 || run.TrainStepNsMedian < 0.99*2e6 || run.EvalNsMedian < 0.99*1e6 {
		t.Errorf("3 steps of ≥ 2 ms and 2 evaluations of ≥ 1 ms: wall %gs, step median %d ns, evaluation median %d ns", run.WallSeconds, run.TrainStepNsMedian, run.EvalNsMedian)
	}
}
