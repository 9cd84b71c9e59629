package sweep

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

func TestSweepSmall(t *testing.T) {
	c := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, c.TrainImages)
	acts := []ops.Activation{ops.Tanh, ops.Sigmoid}
	outs := []ops.Output{ops.SoftmaxCrossEntropy, ops.SigmoidSquared}
	var lines []string
	rep, err := Sweep(c, acts, outs, train, test, func(s string) { lines = append(lines, s) })
	if err != nil {
		t.Fatal(err)
	}
	// A line for each configuration's checks, two for each run.
	if len(rep.Runs) != 4 || len(lines) != 12 || rep.Impl != mnist.ImplHandRolled {
		t.Fatalf("%d runs, %d progress lines, impl %q", len(rep.Runs), len(lines), rep.Impl)
	}
	if !rep.OK || len(rep.Checks) != 4 || len(rep.Failures) != 0 {
		t.Fatalf("checks: ok %v, %d configurations checked, failures %q", rep.OK, len(rep.Checks), rep.Failures)
	}
	for _, cc := range rep.Checks {
		// Slopes of the hidden activation and the output's (one when they
		// are the same), the network check of the hand-rolled net and
		// the built-in reference, each of which ran.
		slopes := 2
		if cc.HiddenAct == cc.Output {
			slopes = 1
		}
		if len(cc.Checks.Slopes) != slopes || !cc.Checks.Builtin.Ran || len(cc.Checks.NetworkFD) != 1 || !cc.Checks.NetworkFD[0].Ran || !cc.Checks.OK {
			t.Errorf("%s/%s: checks %+v", cc.HiddenAct, cc.Output, cc.Checks)
		}
	}
	want := [][2]string{{"tanh", "softmax"}, {"tanh", "sigmoid"}, {"sigmoid", "softmax"}, {"sigmoid", "sigmoid"}}
	best := 0
	for i, r := range rep.Runs {
		if r.HiddenAct != want[i][0] || r.Output != want[i][1] {
			t.Errorf("run %d is %s/%s, want %s/%s", i, r.HiddenAct, r.Output, want[i][0], want[i][1])
		}
		if r.Diverged || len(r.Trajectory) != 2 || r.FinalIteration != 1 || r.WallSeconds <= 0 {
			t.Errorf("run %d: %+v", i, r)
		}
		if r.BestTestAcc < r.FinalTestAcc {
			t.Errorf("run %d: best %g < final %g", i, r.BestTestAcc, r.FinalTestAcc)
		}
		if r.Best {
			best++
		}
	}
	if best != 1 || !rep.Runs[rep.Best].Best {
		t.Errorf("%d runs marked best, Best = %d", best, rep.Best)
	}
	for _, r := range rep.Runs {
		if r.FinalTestAcc > rep.Runs[rep.Best].FinalTestAcc {
			t.Errorf("%s/%s beats the best run", r.HiddenAct, r.Output)
		}
	}
	// The same seed gives the tanh/softmax run the same numbers as Compare.
	cmp, err := compare.Compare(c, train, test, compare.CompareOptions{Impl: mnist.ImplHandRolled})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Runs[0].Trajectory, cmp.Runs[mnist.ImplHandRolled].Trajectory; got[1] != want[1] {
		t.Errorf("sweep tanh/softmax %v, Compare %v", got, want)
	}
	claims := rep.Claims()
	if len(claims) != 2 || claims[0].Verdict == NotTested || claims[1].Verdict == NotTested {
		t.Fatalf("claims %v", claims)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
}

func TestSweepDivergedIsRecorded(t *testing.T) {
	c := mnisttest.SmallConfig()
	c.TrainImages, c.Alpha = 1000, 1e6
	train, test := mnisttest.LoadData(t, c.TrainImages)
	rep, err := Sweep(c, []ops.Activation{ops.Identity}, []ops.Output{ops.IdentitySquared}, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Runs[0]
	if !r.Diverged || !strings.Contains(r.Error, "diverged") || r.Best || rep.Best != -1 {
		t.Errorf("run %+v, best %d: want diverged and not best", r, rep.Best)
	}
}

func TestSweepRejects(t *testing.T) {
	train, test := mnist.Data[float64]{}, mnist.Data[float64]{}
	if _, err := Sweep(mnisttest.SmallConfig(), nil, ops.Outputs(), train, test, nil); err == nil {
		t.Error("no activations: no error")
	}
	if _, err := Sweep(mnisttest.SmallConfig(), ops.Activations(), nil, train, test, nil); err == nil {
		t.Error("no outputs: no error")
	}
	// A configuration error is not a divergence: it stops the sweep.
	if _, err := Sweep(mnisttest.SmallConfig(), ops.Activations(), ops.Outputs(), train, test, nil); err == nil {
		t.Error("no data: no error")
	}
}

func TestClaims(t *testing.T) {
	run := func(h, o string, acc float64, diverged bool) SweepRun {
		return SweepRun{HiddenAct: h, Output: o, FinalTestAcc: acc, Diverged: diverged}
	}
	runs := func(h, o string, accs ...float64) []SweepRun {
		var rs []SweepRun
		for _, a := range accs {
			rs = append(rs, run(h, o, a, false))
		}
		return rs
	}
	cat := func(rs ...[]SweepRun) []SweepRun {
		var out []SweepRun
		for _, r := range rs {
			out = append(out, r...)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		runs   []SweepRun
		a, b   string // verdicts
		detail string // in claim (b)'s detail
	}{
		{"supported", cat(runs("tanh", "softmax", 0.87, 0.88, 0.86), runs("tanh", "sigmoid", 0.80, 0.82, 0.81), runs("sigmoid", "softmax", 0.80, 0.79, 0.81)),
			Supported, Supported, "tanh hidden/softmax output 0.8700 ± 0.0100 (n=3) vs tanh hidden/sigmoid output 0.8100 ± 0.0100 (n=3)"},
		{"within the spread", cat(runs("tanh", "softmax", 0.87, 0.80, 0.83), runs("tanh", "sigmoid", 0.85, 0.82, 0.81), runs("sigmoid", "softmax", 0.85, 0.86, 0.84)),
			NotShown, NotShown, "one-sided p = 0.397"},
		{"one seed never shows", []SweepRun{run("tanh", "softmax", 0.87, false), run("tanh", "sigmoid", 0.80, false), run("sigmoid", "softmax", 0.85, false)},
			NotShown, NotShown, "no spread to test"},
		{"missing", []SweepRun{run("tanh", "softmax", 0.87, false)}, NotTested, NotTested, "no tanh hidden/sigmoid output run"},
		{"no tanh: first hidden", cat(runs("relu", "softmax", 0.9, 0.91), runs("relu", "sigmoid", 0.8, 0.79)),
			NotTested, Supported, "relu hidden/softmax output"},
		{"diverged loses", cat(runs("tanh", "softmax", 0.87, 0.86), []SweepRun{run("tanh", "sigmoid", 0, true), run("tanh", "sigmoid", 0, true), run("sigmoid", "softmax", 0.9, true)}),
			Supported, Supported, "tanh hidden/sigmoid output diverged"},
		{"one seed against divergence", []SweepRun{run("tanh", "softmax", 0.87, false), run("tanh", "sigmoid", 0, true), run("sigmoid", "softmax", 0.9, true)},
			NotShown, NotShown, "no spread to test"},
		{"no spread", cat(runs("tanh", "softmax", 0.0982, 0.0982), runs("tanh", "sigmoid", 0.098, 0.098), runs("sigmoid", "softmax", 0.09, 0.09)),
			NotShown, NotShown, "no spread on either side"},
		{"both diverged", []SweepRun{run("tanh", "softmax", 0, true), run("tanh", "sigmoid", 0, true)},
			NotTested, NotTested, "every run"},
	} {
		rep := &SweepReport{Runs: tc.runs}
		rep.Cells = cells(rep.Runs)
		c := rep.Claims()
		if c[0].Verdict != tc.a || c[1].Verdict != tc.b || !strings.Contains(c[1].Detail, tc.detail) {
			t.Errorf("%s: claims\n%v\n%v", tc.name, c[0], c[1])
		}
	}
}

// TestWelch checks Welch's t-test against values computed with mpmath at 30
// digits (p = ½·I_{df/(df+t²)}(df/2, ½), the regularized incomplete beta).
func TestWelch(t *testing.T) {
	for _, tc := range []struct {
		a, b     []float64
		t, df, p float64
	}{
		{[]float64{0.87, 0.88, 0.86}, []float64{0.80, 0.82, 0.81}, 7.348469228349541, 4, 0.000913130334129987815933041629388},
		{[]float64{0.87, 0.80, 0.83}, []float64{0.85, 0.82, 0.81}, 0.28284271247462106, 3.2509752925877753, 0.397181440266637107556452058117},
	} {
		var runs []SweepRun
		for _, v := range tc.a {
			runs = append(runs, SweepRun{HiddenAct: "a", Output: "o", FinalTestAcc: v})
		}
		for _, v := range tc.b {
			runs = append(runs, SweepRun{HiddenAct: "b", Output: "o", FinalTestAcc: v})
		}
		cs := cells(runs)
		gt, gdf, gp := welch(cs[0], cs[1])
		if !mnisttest.Near(gt, tc.t, 1e-9) || !mnisttest.Near(gdf, tc.df, 1e-9) || !mnisttest.Near(gp, tc.p, 1e-9) {
			t.Errorf("welch %v vs %v = t %v df %v p %v, want %v %v %v", tc.a, tc.b, gt, gdf, gp, tc.t, tc.df, tc.p)
		}
	}
}

// TestSeedsRefusesWrongSlope checks the library's Seeds and Sweep with an
// activation whose slope is off by 1e-4: the configuration fails its
// checks, is not trained, ranked or averaged, and no claim uses it.
func TestSeedsRefusesWrongSlope(t *testing.T) {
	c := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, c.TrainImages)
	off := ops.NewPointwise("tanh-off", math.Tanh, func(y float64) float64 { return (1 - y*y) * 1.0001 })
	c.HiddenAct = []ops.Activation{off}
	rep, err := Seeds(c, []uint32{1, 2}, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Failures) == 0 || !strings.Contains(rep.Failures[0], "tanh-off") || rep.Best != -1 {
		t.Fatalf("ok %v, best %d, failures %q", rep.OK, rep.Best, rep.Failures)
	}
	for _, r := range rep.Runs {
		if !r.Failed || len(r.Trajectory) != 0 || r.Best {
			t.Errorf("seed %d: failed %v, %d points, best %v", r.Seed, r.Failed, len(r.Trajectory), r.Best)
		}
	}
	if len(rep.Cells) != 1 || !rep.Cells[0].Failed || rep.Cells[0].N != 0 {
		t.Errorf("cells %+v", rep.Cells)
	}
	rep, err = Sweep(mnisttest.SmallConfig(), []ops.Activation{ops.Tanh, off}, []ops.Output{ops.SoftmaxCrossEntropy}, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK || rep.Runs[0].Failed || !rep.Runs[1].Failed || !rep.Runs[0].Best {
		t.Errorf("sweep: ok %v, runs %+v", rep.OK, rep.Runs)
	}
}

// cells gives hand-made runs the cells a sweep would: one per hidden
// activation × output, in the order first seen (every other axis at one
// value), each run's Cell set to its own; then the summaries.
func cells(runs []SweepRun) []SweepCell {
	var out []SweepCell
	index := map[[2]string]int{}
	for i, r := range runs {
		key := [2]string{r.HiddenAct, r.Output}
		k, ok := index[key]
		if !ok {
			k = len(out)
			index[key] = k
			out = append(out, SweepCell{HiddenAct: r.HiddenAct, Output: r.Output,
				Values: map[string]string{AxisHiddenAct: r.HiddenAct, AxisOutput: r.Output, AxisAlpha: "2", AxisHidden: "100", AxisOptimizer: "sgd"}})
		}
		runs[i].Cell = k
	}
	summarise(out, runs)
	return out
}
