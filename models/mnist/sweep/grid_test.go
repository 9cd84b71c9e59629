package sweep

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// TestGridConfigs: α × hidden sizes gives every pair once, α outside, each
// configuration the base's in everything else.
func TestGridConfigs(t *testing.T) {
	base := mnisttest.SmallConfig()
	base.Batch, base.Optimizer.Beta = 50, 0.5
	g := Grid{Alphas: []float64{0.5, 2}, Hidden: [][]int{{32}, {64, 16}}}
	cs, err := g.Configs(base)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		alpha  float64
		hidden []int
	}{{0.5, []int{32}}, {0.5, []int{64, 16}}, {2, []int{32}}, {2, []int{64, 16}}}
	if len(cs) != len(want) || g.Count() != len(want) {
		t.Fatalf("%d configurations (count %d), want %d", len(cs), g.Count(), len(want))
	}
	for i, w := range want {
		c := cs[i]
		if c.Alpha != w.alpha || !slices.Equal(c.Hidden, w.hidden) {
			t.Errorf("configuration %d: alpha %g hidden %v, want %g %v", i, c.Alpha, c.Hidden, w.alpha, w.hidden)
		}
		if c.Batch != 50 || c.Iterations != base.Iterations || c.ActNames() != "tanh" || c.Output.Name != "softmax" || c.Optimizer != base.Optimizer {
			t.Errorf("configuration %d: %+v: the base's other fields changed", i, c)
		}
	}
	if v := Value(cs[1], AxisHidden); v != "64,16" {
		t.Errorf("Value(hidden) = %q, want 64,16", v)
	}
	// The optimizer axis changes the rule's name and keeps its parameters.
	cs, err = Grid{Optimizers: []string{optim.SGD, optim.Momentum}}.Configs(base)
	if err != nil || len(cs) != 2 || cs[1].Optimizer.Name != optim.Momentum || cs[1].Optimizer.Beta != 0.5 {
		t.Errorf("optimizers: %v, %+v", err, cs)
	}
	// A per-layer mix is one value: two activations for two layers.
	mix := []ops.Activation{ops.Tanh, ops.ReLU}
	cs, err = Grid{HiddenActs: [][]ops.Activation{{ops.Tanh}, mix}, Hidden: [][]int{{8, 8}}}.Configs(base)
	if err != nil || len(cs) != 2 || Value(cs[1], AxisHiddenAct) != "tanh+relu" || Value(cs[0], AxisHiddenAct) != "tanh" {
		t.Errorf("mix: %v, %d configurations", err, len(cs))
	}
	// ... and one too many for a single layer.
	if _, err := (Grid{HiddenActs: [][]ops.Activation{mix}, Hidden: [][]int{{8}}}).Configs(base); err == nil || !strings.Contains(err.Error(), "tanh+relu hidden") {
		t.Errorf("a mix of two for one layer: %v, want an error naming the configuration", err)
	}
	// 11 values on each of three axes: 1331 configurations, refused.
	var big Grid
	for i := range 11 {
		big.Alphas = append(big.Alphas, float64(i+1))
		big.Hidden = append(big.Hidden, []int{i + 1})
		big.Outputs = append(big.Outputs, ops.SoftmaxCrossEntropy)
	}
	if _, err := big.Configs(base); !errors.Is(err, ErrTooMany) {
		t.Errorf("1331 configurations: %v, want ErrTooMany", err)
	}
}

// TestSweepConfigsRefuses: no seeds or configurations, too many runs, a
// configuration given twice, configurations that differ off the axes.
func TestSweepConfigsRefuses(t *testing.T) {
	c := mnisttest.SmallConfig()
	train, test := mnisttest.SynthData[float64](300, 1), mnisttest.SynthData[float64](100, 2)
	other := c
	other.Batch = 50
	seeds := make([]uint32, MaxRuns/2+1)
	for _, tc := range []struct {
		name    string
		configs []mnist.Config
		seeds   []uint32
		want    string
	}{
		{"no configurations", nil, []uint32{1}, "no configurations"},
		{"too many runs", []mnist.Config{c, other}, seeds, "too many runs"},
		{"twice", []mnist.Config{c, c}, []uint32{1}, "given twice"},
		{"off the axes", []mnist.Config{c, other}, []uint32{1}, "more than the axes"},
	} {
		if _, err := SweepConfigs(tc.configs, tc.seeds, train, test, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

func TestParseClaim(t *testing.T) {
	axes := []Axis{
		{AxisHiddenAct, []string{"tanh", "sigmoid", "tanh+relu"}},
		{AxisOutput, []string{"softmax", "sigmoid"}},
		{AxisAlpha, []string{"0.5", "2"}},
		{AxisHidden, []string{"100", "128,64"}},
		{AxisOptimizer, []string{"sgd", "adam"}},
	}
	for _, tc := range []struct {
		in, axis, a, b string
	}{
		{"tanh>sigmoid", AxisHiddenAct, "tanh", "sigmoid"},
		{" tanh+relu > tanh+tanh ", AxisHiddenAct, "tanh+relu", "tanh"},
		{"alpha=2>alpha=0.5", AxisAlpha, "2", "0.5"},
		{"alpha=2.0>0.50", AxisAlpha, "2", "0.5"},
		{"hidden=128, 64>hidden=100", AxisHidden, "128,64", "100"},
		{"adam>sgd", AxisOptimizer, "adam", "sgd"},
		{"output=softmax>sigmoid", AxisOutput, "softmax", "sigmoid"},
		{"softmax>output=sigmoid", AxisOutput, "softmax", "sigmoid"},
	} {
		got, err := ParseClaim(tc.in, axes)
		if err != nil || got.Axis != tc.axis || got.A != tc.a || got.B != tc.b || got.Text != tc.in {
			t.Errorf("ParseClaim(%q) = %+v, %v; want %s: %s > %s", tc.in, got, err, tc.axis, tc.a, tc.b)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"tanh", "want A>B"},
		{"tanh>sigmoid>relu", "want A>B"},
		{">tanh", "a side is empty"},
		{"selu>tanh", "selu is not a value of any axis"},
		{"alpha=3>alpha=2", "3 is not a value of alpha (0.5 2)"},
		{"alpha=x>alpha=2", "x is not a value of alpha"},
		{"beta=1>beta=2", `unknown axis "beta"`},
		{"alpha=2>hidden=100", "compares alpha with hidden"},
		{"tanh>tanh", "with itself"},
		{"alpha=2>alpha=2.0", "with itself"},
		{"sigmoid>sigmoid", "with itself"},
		{"tanh>softmax", "not values of one axis"},
		{"sigmoid>tanh+relu", ""}, // both hidden activations: fine
	} {
		_, err := ParseClaim(tc.in, axes)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ParseClaim(%q): %v", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sweep: ") || strings.Contains(err.Error(), "\n")):
			t.Errorf("ParseClaim(%q): %v, want one line with %q", tc.in, err, tc.want)
		}
	}
	// sigmoid and softmax are both hidden activations and outputs here.
	both := append([]Axis{{AxisHiddenAct, []string{"sigmoid", "softmax"}}}, axes[1:]...)
	if _, err := ParseClaim("softmax>sigmoid", both); err == nil || !strings.Contains(err.Error(), "write hidden-act=softmax>sigmoid or output=softmax>sigmoid") {
		t.Errorf("ambiguous: %v", err)
	}
}

// TestJudgeOnASmallSweep sweeps α × hidden sizes over two seeds on real
// MNIST and judges "hidden=32>hidden=16": once per α, each verdict from the
// two cells that differ in the size only, with the numbers of their runs.
func TestJudgeOnASmallSweep(t *testing.T) {
	base := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, base.TrainImages)
	configs, err := Grid{Alphas: []float64{0.5, 2}, Hidden: [][]int{{16}, {32}}}.Configs(base)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := SweepConfigs(configs, []uint32{1, 2}, train, test, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Runs) != 8 || !slices.Equal(rep.Varied, []string{AxisAlpha, AxisHidden}) || rep.Config.Alpha != 0 || rep.Config.Hidden != nil || rep.Config.Batch != base.Batch {
		t.Fatalf("ok %v, %d runs, varied %v, config %+v", rep.OK, len(rep.Runs), rep.Varied, rep.Config)
	}
	spec, err := ParseClaim("hidden=32>hidden=16", AxesOf(configs))
	if err != nil {
		t.Fatal(err)
	}
	claims := rep.Judge(spec)
	if len(claims) != 2 {
		t.Fatalf("%d verdicts, want one per α: %v", len(claims), claims)
	}
	// The accuracies of the runs of one α and one size, by hand.
	accs := func(alpha float64, size int) []float64 {
		var a []float64
		for _, r := range rep.Runs {
			cfg := rep.Cells[r.Cell].Config
			if cfg.Alpha == alpha && cfg.Hidden[0] == size {
				a = append(a, r.FinalTestAcc)
			}
		}
		return a
	}
	for i, alpha := range []float64{0.5, 2} {
		c := claims[i]
		a, b := accs(alpha, 32), accs(alpha, 16)
		ma, sa := stat.MeanStdDev(a, nil)
		mb, sb := stat.MeanStdDev(b, nil)
		where := "alpha=" + []string{"0.5", "2"}[i]
		if c.Where != where || c.NA != 2 || c.NB != 2 || c.AccA != ma || c.AccB != mb || c.StdA != sa || c.StdB != sb {
			t.Errorf("α %g: %+v; want where %q, means %g %g, sds %g %g", alpha, c, where, ma, mb, sa, sb)
		}
		if c.A != "tanh hidden/softmax output, "+where+", hidden=32" || c.B != "tanh hidden/softmax output, "+where+", hidden=16" {
			t.Errorf("α %g: cells %q vs %q", alpha, c.A, c.B)
		}
		if c.Verdict == NotTested || (c.Verdict == Supported) != (c.P < ClaimLevel) {
			t.Errorf("α %g: verdict %s with p %g", alpha, c.Verdict, c.P)
		}
	}
	// The chapter's claims: no sigmoid in this sweep, so not tested.
	for _, c := range rep.ClaimResults {
		if c.Verdict != NotTested || !strings.Contains(c.Detail, "sigmoid") {
			t.Errorf("chapter's claim %v, want not tested for want of sigmoid", c)
		}
	}
}

// TestJudgeFailedAndDiverged: a pair whose cell failed its checks, or
// whose runs all diverged on both sides, is not tested and says why.
func TestJudgeFailedAndDiverged(t *testing.T) {
	mk := func(act string, failed, diverged bool) []SweepRun {
		return []SweepRun{{HiddenAct: act, Output: "softmax", FinalTestAcc: 0.8, Failed: failed, Diverged: diverged},
			{HiddenAct: act, Output: "softmax", FinalTestAcc: 0.7, Failed: failed, Diverged: diverged}}
	}
	spec := ClaimSpec{Text: "relu>tanh", Axis: AxisHiddenAct, A: "relu", B: "tanh"}
	for _, tc := range []struct {
		name string
		runs []SweepRun
		want string
	}{
		{"failed", append(mk("relu", true, false), mk("tanh", false, false)...), "relu hidden/softmax output failed the checks"},
		{"diverged", append(mk("relu", false, true), mk("tanh", false, true)...), "every run of relu hidden/softmax output and of tanh hidden/softmax output diverged"},
	} {
		r := &SweepReport{Runs: tc.runs}
		r.Cells = cells(r.Runs)
		cs := r.Judge(spec)
		if len(cs) != 1 || cs[0].Verdict != NotTested || !strings.Contains(cs[0].Detail, tc.want) {
			t.Errorf("%s: %v, want not tested: %q", tc.name, cs, tc.want)
		}
	}
}
