package compare

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// TestBackgroundSameReport: the evaluations and checks made beside the
// steps (the default with two cores) give the report made between them
// (Serial), timings aside: the same points, checks, gradient norms,
// agreement and final weights; and a check that fails fails either way.
func TestBackgroundSameReport(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core (GOMAXPROCS=1): Compare evaluates between the steps only")
	}
	c := mnisttest.SmallConfig()
	c.Iterations, c.EvalEvery, c.Hidden = 4, 2, []int{32}
	train, test := mnisttest.SynthData[float64](c.TrainImages, 1), mnisttest.SynthData[float64](400, 2)
	report := func(c mnist.Config, serial bool) (string, *Report) {
		rep, err := Compare(c, train, test, CompareOptions{Impl: ImplAll, Serial: serial})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Beside == serial {
			t.Errorf("serial %v: the report says beside %v", serial, rep.Beside)
		}
		rep.WallSeconds, rep.Checks.Seconds, rep.Beside = 0, 0, false
		for _, r := range rep.Runs {
			r.TrainStepNsMedian, r.EvalNsMedian, r.WallSeconds = 0, 0, 0
		}
		j, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return string(j), rep
	}
	bg, rep := report(c, false)
	serial, _ := report(c, true)
	if bg != serial {
		t.Errorf("reports differ:\nbeside the steps %s\nbetween them     %s", bg, serial)
	}
	if len(rep.Impls) != 3 || !rep.OK || len(rep.Runs[mnist.ImplGraph].Trajectory) != 3 || rep.Checks.NetworkFD[0].Checks != 3 {
		t.Errorf("impls %v, ok %v, points %d, network checks %d: want 3 nets, ok, 3 points and 3 checks",
			rep.Impls, rep.OK, len(rep.Runs[mnist.ImplGraph].Trajectory), rep.Checks.NetworkFD[0].Checks)
	}

	// A hidden tanh whose slope is 0.1% off: the checks fail, beside the
	// steps as between them.
	c.HiddenAct = []ops.Activation{badTanh(1e-3)}
	bg, rep = report(c, false)
	serial, _ = report(c, true)
	network := 0
	for _, f := range rep.Checks.Failures {
		if strings.HasPrefix(f, "network finite differences") {
			network++
		}
	}
	if bg != serial || rep.OK || network != 2 {
		t.Errorf("a wrong slope: ok %v, failures %v, reports equal %v; want both networks' finite-difference checks failed and equal reports", rep.OK, rep.Checks.Failures, bg == serial)
	}
}

// TestOneCoreEvaluatesBetween: with one core (GOMAXPROCS=1) a comparison
// evaluates between the steps, and says so.
func TestOneCoreEvaluatesBetween(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Batch, c.Iterations, c.Hidden = 100, 50, 1, []int{8}
	train, test := mnisttest.SynthData[float64](100, 1), mnisttest.SynthData[float64](50, 2)
	old := runtime.GOMAXPROCS(1)
	rep, err := Compare(c, train, test, CompareOptions{Impl: mnist.ImplHandRolled})
	runtime.GOMAXPROCS(old)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Beside {
		t.Error("one core: the report says the evaluations ran beside the steps")
	}
}
