package sweep

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// The tests in this file hold the parts of a sweep that its end-to-end test
// leaves loose: the progress lines that number the runs, the best run among
// equals, and the count of diverged runs per cell. (The mutants no test can
// tell apart from the code are listed with their reasons in
// testdata/equivalent-mutants.txt.)

// TestSweepProgressAndBest runs one configuration with the same seed twice:
// the progress numbers the runs k/total and names the seed when there are
// several, says how long each run took, and of two equal runs the first is
// the best.
func TestSweepProgressAndBest(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.Hidden = 200, 50, 2, []int{32}
	train, test := mnisttest.SynthData[float64](200, 1), mnisttest.SynthData[float64](100, 2)
	var lines []string
	rep, err := SweepSeeds(c, []uint32{5, 5}, []ops.Activation{ops.Tanh}, []ops.Output{ops.SoftmaxCrossEntropy}, train, test, func(s string) { lines = append(lines, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 2 || rep.Runs[0].FinalTestAcc != rep.Runs[1].FinalTestAcc {
		t.Fatalf("runs %+v: want two equal runs", rep.Runs)
	}
	if rep.Best != 0 || !rep.Runs[0].Best || rep.Runs[1].Best {
		t.Errorf("best %d (marked %v, %v), want the first of two equal runs", rep.Best, rep.Runs[0].Best, rep.Runs[1].Best)
	}
	name := "tanh hidden, softmax output"
	want := []string{
		"checks: " + name + ": slopes and the first step's gradient",
		"sweep 1/2: " + name + ", seed 5: training",
		"sweep 1/2: " + name + ", seed 5: final test acc ",
		"sweep 2/2: " + name + ", seed 5: training",
		"sweep 2/2: " + name + ", seed 5: final test acc ",
	}
	if len(lines) != len(want) {
		t.Fatalf("progress %q, want %d lines", lines, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("progress line %d: %q, want it to begin %q", i, lines[i], w)
		}
	}
	for _, i := range []int{2, 4} {
		_, took, _ := strings.Cut(lines[i], " in ")
		d, err := time.ParseDuration(took)
		wall := time.Duration(rep.Runs[i/2-1].WallSeconds * 1e9)
		if err != nil || d < wall-time.Millisecond || d > wall+time.Millisecond || (wall >= time.Millisecond && d == 0) {
			t.Errorf("progress line %q: duration %q (%v), want the run's %gs", lines[i], took, err, rep.Runs[i/2-1].WallSeconds)
		}
	}

	// One seed: the lines do not name it.
	lines = nil
	if _, err := Sweep(c, []ops.Activation{ops.Tanh}, []ops.Output{ops.SoftmaxCrossEntropy}, train, test, func(s string) { lines = append(lines, s) }); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[1] != "sweep 1/1: "+name+": training" {
		t.Errorf("one seed: progress %q, want %q second", lines, "sweep 1/1: "+name+": training")
	}
}

// TestCellsCountDiverged: a cell counts its diverged runs apart from the
// ones that give its statistics.
func TestCellsCountDiverged(t *testing.T) {
	var runs []SweepRun
	for i, acc := range []float64{0.8, -1, 0.9, -1, -1} {
		runs = append(runs, SweepRun{HiddenAct: "tanh", Output: "softmax", Seed: uint32(i), FinalTestAcc: acc, Diverged: acc < 0})
	}
	cs := cells(runs)
	if len(cs) != 1 || cs[0].Diverged != 3 || cs[0].N != 2 || cs[0].Min != 0.8 || cs[0].Max != 0.9 {
		t.Errorf("cells %s, want one with 3 diverged and 2 runs from 0.8 to 0.9", fmt.Sprint(cs))
	}
}

// TestSweepRunBestIsFirstMaximum: a run's best evaluation is the first one
// with the highest test accuracy of its trajectory. Random labels make the
// accuracy wander: with these data it reaches its highest twice, neither
// time at the last evaluation.
func TestSweepRunBestIsFirstMaximum(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.EvalEvery, c.Hidden = 100, 50, 8, 1, []int{16}
	train, test := mnisttest.SynthData[float64](100, 9), mnisttest.SynthData[float64](100, 10)
	run, err := sweepRun(c, train, test, false)
	if err != nil {
		t.Fatal(err)
	}
	// Evaluated beside the steps, on a second net: the same points.
	if beside, err := sweepRun(c, train, test, true); err != nil || !slices.Equal(beside.Trajectory, run.Trajectory) {
		t.Errorf("evaluated beside the steps: %v, %v; between them %v", beside.Trajectory, err, run.Trajectory)
	}
	best := 0
	for i, p := range run.Trajectory {
		if p.TestAcc > run.Trajectory[best].TestAcc {
			best = i
		}
	}
	if len(run.Trajectory) != 8 || run.BestTestAcc != run.Trajectory[best].TestAcc || run.BestIteration != run.Trajectory[best].Iteration {
		t.Errorf("best %g at iteration %d, want %g at %d: %v", run.BestTestAcc, run.BestIteration, run.Trajectory[best].TestAcc, run.Trajectory[best].Iteration, run.Trajectory)
	}
}

// TestSweepBesideWithTwoCores: a sweep evaluates beside its runs' steps
// when it has a second core, and says so; with one, between them.
func TestSweepBesideWithTwoCores(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.Hidden = 100, 50, 1, []int{8}
	train, test := mnisttest.SynthData[float64](100, 1), mnisttest.SynthData[float64](50, 2)
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		rep, err := SweepConfigs([]mnist.Config{c}, []uint32{1}, train, test, nil)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Beside != (procs > 1) {
			t.Errorf("GOMAXPROCS %d: beside %v", procs, rep.Beside)
		}
	}
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	// With room for one net and not two, the runs evaluate between their
	// steps; with room for none, the sweep is refused.
	one, two := c.MemoryBytes(8, 1, test.N), c.MemoryBytes(8, 2, test.N)
	for _, tc := range []struct {
		limit int64
		ok    bool
	}{{(one + two) / 2, true}, {one - 1, false}} {
		old := debug.SetMemoryLimit(tc.limit)
		rep, err := SweepConfigs([]mnist.Config{c}, []uint32{1}, train, test, nil)
		debug.SetMemoryLimit(old)
		switch {
		case tc.ok && (err != nil || rep.Beside):
			t.Errorf("room for one net: %v; want a sweep evaluating between the steps", err)
		case !tc.ok && !errors.Is(err, mnist.ErrTooLarge):
			t.Errorf("room for no net: %v, want too large", err)
		}
	}
}

// TestClaimsOfAnEmptySweep: with no run, both claims are not tested.
func TestClaimsOfAnEmptySweep(t *testing.T) {
	for _, cl := range (&SweepReport{}).Claims() {
		if cl.Verdict != NotTested {
			t.Errorf("%v, want not tested", cl)
		}
	}
}

// TestSweepConfigsLimits: exactly MaxRuns runs pass the limit (and fail
// later, on the configurations given twice), one more does not; with two
// seeds, MaxRuns/2 configurations pass and one more does not. An invalid
// configuration is named by its number, from 1.
func TestSweepConfigsLimits(t *testing.T) {
	c := mnist.DefaultConfig()
	var data mnist.Data[float64]
	for _, tc := range []struct {
		configs, seeds int
		tooMany        bool
	}{
		{MaxRuns, 1, false}, {MaxRuns + 1, 1, true},
		{MaxRuns / 2, 2, false}, {MaxRuns/2 + 1, 2, true},
	} {
		configs := make([]mnist.Config, tc.configs)
		for i := range configs {
			configs[i] = c
		}
		seeds := make([]uint32, tc.seeds)
		for i := range seeds {
			seeds[i] = uint32(i + 1)
		}
		_, err := SweepConfigs(configs, seeds, data, data, nil)
		if err == nil || errors.Is(err, ErrTooMany) != tc.tooMany {
			t.Errorf("%d configurations × %d seeds: %v, want too many %v", tc.configs, tc.seeds, err, tc.tooMany)
		}
	}
	bad := c
	bad.Batch = 0
	_, err := SweepConfigs([]mnist.Config{c, bad}, []uint32{1}, data, data, nil)
	if err == nil || !strings.Contains(err.Error(), "configuration 2:") {
		t.Errorf("an invalid second configuration: %v, want it named configuration 2", err)
	}
}

// TestSummariseSkipsForeignRuns: a run whose cell is not one of the
// cells (below 0, or at or past their number) is left out, not counted in
// another cell, and does not panic.
func TestSummariseSkipsForeignRuns(t *testing.T) {
	cells := make([]SweepCell, 2)
	runs := []SweepRun{{Cell: 0, FinalTestAcc: 0.5}, {Cell: 2, FinalTestAcc: 0.9}, {Cell: -1, FinalTestAcc: 0.9}, {Cell: 1, FinalTestAcc: 0.25}}
	summarise(cells, runs)
	if cells[0].N != 1 || cells[1].N != 1 {
		t.Errorf("cells count %d and %d runs, want 1 and 1: %+v", cells[0].N, cells[1].N, cells)
	}
}
