package sweep

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	gonumfloats "gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/reference"
	"outgrad/ops"
)

// SweepRun is one hidden activation × output configuration of a Sweep.
type SweepRun struct {
	HiddenAct string `json:"hidden_act"`
	Output    string `json:"output"`
	// Seed is the run's numpy seed: its initial weights and dropout masks.
	Seed uint32 `json:"seed"`
	// FinalTestAcc and FinalTrainAcc are the accuracies after the last
	// iteration, FinalIteration (for a diverged run, at the last point
	// evaluated before divergence).
	FinalTestAcc   float64 `json:"final_test_acc"`
	FinalTrainAcc  float64 `json:"final_train_acc"`
	FinalIteration int     `json:"final_iteration"`
	// BestTestAcc is the highest test accuracy of any evaluation, first
	// reached after iteration BestIteration.
	BestTestAcc   float64 `json:"best_test_acc"`
	BestIteration int     `json:"best_iteration"`
	// WallSeconds is the wall time of the run: training and evaluations.
	WallSeconds float64 `json:"wall_seconds"`
	// Diverged reports that training stopped on NaN or ±Inf; Error says where.
	Diverged bool   `json:"diverged"`
	Error    string `json:"error,omitempty"`
	// Failed reports that the run's configuration failed the independent
	// checks made before any of its runs was trained (Preflight): the run
	// was not trained, and it is never ranked or averaged. Failures names
	// each failed check and its worst point.
	Failed   bool     `json:"failed"`
	Failures []string `json:"failures,omitempty"`
	// Best marks the run with the highest FinalTestAcc among those that did
	// not diverge and did not fail (the first one on a tie).
	Best       bool          `json:"best"`
	Trajectory []mnist.Point `json:"trajectory"`
}

// SweepReport is the outcome of Sweep: one run per hidden activation × output
// × seed, in that order (hidden activation first, seed last).
type SweepReport struct {
	// Config is the base configuration; its hidden_act and output are empty.
	Config compare.ConfigReport `json:"config"`
	// Impl is the implementation trained: always ImplHandRolled.
	Impl  string     `json:"impl"`
	Seeds []uint32   `json:"seeds"`
	Runs  []SweepRun `json:"runs"`
	// Cells summarise the runs of each hidden activation × output over the seeds.
	Cells []SweepCell `json:"cells"`
	// Best is the index in Runs of the best run, −1 when every run diverged.
	Best int `json:"best"`
	// ClaimResults is Claims() at the end of the sweep.
	ClaimResults []Claim `json:"claims"`
	// Checks holds, per configuration (hidden activation × output, in the
	// order of Cells), the independent checks made before it was trained;
	// OK is false when any configuration failed them, and Failures then
	// names each failed check, prefixed with its configuration.
	Checks       []ConfigChecks `json:"checks"`
	CheckSeconds float64        `json:"check_seconds"`
	OK           bool           `json:"ok"`
	Failures     []string       `json:"failures,omitempty"`
	WallSeconds  float64        `json:"wall_seconds"`
}

// ConfigChecks is the outcome of Preflight for one configuration of a sweep.
type ConfigChecks struct {
	HiddenAct string           `json:"hidden_act"`
	Output    string           `json:"output"`
	Checks    reference.Checks `json:"checks"`
}

// SweepCell is one hidden activation × output over every seed: the mean and
// the sample standard deviation of the final test accuracy of the runs that
// did not diverge.
type SweepCell struct {
	HiddenAct string `json:"hidden_act"`
	Output    string `json:"output"`
	N         int    `json:"n"` // runs that did not diverge
	Diverged  int    `json:"diverged"`
	// Failed reports that the configuration failed its checks: none of its
	// runs was trained, and it has no mean (see SweepRun.Failed).
	Failed bool    `json:"failed"`
	Mean   float64 `json:"mean_final_test_acc"`
	Std    float64 `json:"std_final_test_acc"` // 0 when N < 2
	Min    float64 `json:"min_final_test_acc"`
	Max    float64 `json:"max_final_test_acc"`
}

// The verdicts of a Claim.
const (
	Supported = "supported"
	// NotShown: the numbers do not show the claim at the significance level
	// (including when the other side is better, or one seed cannot tell).
	NotShown  = "not shown"
	NotTested = "not tested"
)

// ClaimLevel is the significance level of the claims: a claim "A beats B" is
// supported when a one-sided Welch's t-test on the final test accuracies over
// the seeds rejects "A's mean ≤ B's mean" at this level.
const ClaimLevel = 0.05

// Claim is one claim of the chapter judged against a sweep's numbers: cell A
// (the one claimed better) against cell B, by final test accuracy over the
// seeds.
type Claim struct {
	Claim   string `json:"claim"`
	Verdict string `json:"verdict"` // Supported, NotShown or NotTested
	// A and B name the two cells compared as "hidden/output"; empty when not tested.
	A     string  `json:"a,omitempty"`
	B     string  `json:"b,omitempty"`
	AccA  float64 `json:"acc_a"` // mean final test accuracy
	AccB  float64 `json:"acc_b"`
	StdA  float64 `json:"std_a"`
	StdB  float64 `json:"std_b"`
	NA    int     `json:"n_a"`
	NB    int     `json:"n_b"`
	T     float64 `json:"t"`
	DF    float64 `json:"df"`
	P     float64 `json:"p"` // one-sided; 1 when it cannot be computed
	Level float64 `json:"level"`
	// Detail gives the numbers, or why the claim was not tested.
	Detail string `json:"detail"`
}

// String is the claim on one line: `"tanh beats sigmoid …": supported (…)`.
func (c Claim) String() string {
	return fmt.Sprintf("%q: %s (%s)", c.Claim, c.Verdict, c.Detail)
}

// Sweep trains the network once for every hidden activation in acts × every
// output in outs, each from base with only HiddenAct and Output changed, so
// every run starts from base.Seed: the same initial weights and the same
// dropout masks. It is SweepSeeds with that one seed.
func Sweep[T ops.Float](base mnist.Config, acts []ops.Activation, outs []ops.Output, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	return SweepSeeds(base, []uint32{base.Seed}, acts, outs, train, test, progress)
}

// SweepSeeds trains every hidden activation in acts × every output in outs ×
// every seed in seeds (a hidden activation applies to every hidden layer).
// It trains the hand-rolled implementation only: it is the faster of the
// two, and Compare shows that the graph gives the same gradients, so a sweep
// needs only one of them.
//
// Before any run of a configuration is trained, Preflight checks it (the
// slopes of its activations and the first step's gradient against finite
// differences): a configuration that fails is not trained, its runs and
// its cell are marked Failed (never ranked, averaged or used by a claim),
// and the report is not OK. The checks cost one gradient and a few dozen
// forward passes per configuration, not per seed.
//
// A run that diverges (NaN or ±Inf) is recorded as diverged with the
// message and the sweep goes on; any other error stops it. progress, when
// not nil, is called before and after each run with a one-line description.
// The report's cells and claims are computed from the runs.
func SweepSeeds[T ops.Float](base mnist.Config, seeds []uint32, acts []ops.Activation, outs []ops.Output, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	if len(acts) == 0 || len(outs) == 0 {
		return nil, fmt.Errorf("sweep: %d hidden activations × %d outputs: want at least one of each", len(acts), len(outs))
	}
	var configs []mnist.Config
	for _, act := range acts {
		if act == nil {
			return nil, fmt.Errorf("sweep: nil hidden activation")
		}
		for _, out := range outs {
			c := base
			c.HiddenAct, c.Output = []ops.Activation{act}, out
			configs = append(configs, c)
		}
	}
	rep, err := sweepConfigs(base, configs, seeds, train, test, progress)
	if rep != nil {
		rep.Config.HiddenAct, rep.Config.Output = "", ""
	}
	return rep, err
}

// Seeds trains the one configuration c with every seed in seeds (the
// hand-rolled implementation), for the mean and spread of its accuracy: a
// sweep of one cell.
func Seeds[T ops.Float](c mnist.Config, seeds []uint32, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	return sweepConfigs(c, []mnist.Config{c}, seeds, train, test, progress)
}

// sweepConfigs trains every configuration with every seed, in that order.
func sweepConfigs[T ops.Float](base mnist.Config, configs []mnist.Config, seeds []uint32, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("sweep: no seeds")
	}
	start := time.Now()
	if err := mnist.CheckMemory(base, floats.ElemSize[T](), 1, test.N); err != nil {
		return nil, err
	}
	pool := base.Pool
	if pool == nil {
		pool = ops.NewPool(0)
		defer pool.Close()
	}
	rep := &SweepReport{Impl: mnist.ImplHandRolled, Best: -1, Seeds: seeds, OK: true}
	rep.Config = compare.NewConfigReport[T](base, 0, false)
	rep.Config.Tolerance = 0
	total := len(configs) * len(seeds)
	for _, c := range configs {
		c.Seed, c.Pool = seeds[0], pool
		name := fmt.Sprintf("%s hidden, %s output", c.ActNames(), c.Output.Name)
		if progress != nil {
			progress(fmt.Sprintf("checks: %s: slopes and the first step's gradient", name))
		}
		chk, err := reference.Preflight(c, train, test)
		if err != nil {
			return nil, fmt.Errorf("sweep: checks of %s: %w", name, err)
		}
		rep.CheckSeconds += chk.Seconds
		rep.Checks = append(rep.Checks, ConfigChecks{HiddenAct: c.ActNames(), Output: c.Output.Name, Checks: *chk})
		if !chk.OK {
			rep.OK = false
			for _, f := range chk.Failures {
				rep.Failures = append(rep.Failures, name+": "+f)
			}
			if progress != nil {
				progress(fmt.Sprintf("checks: %s: FAILED: not trained", name))
			}
		}
		for _, seed := range seeds {
			c.Seed = seed
			k := len(rep.Runs) + 1
			what := fmt.Sprintf("sweep %d/%d: %s", k, total, name)
			if len(seeds) > 1 {
				what += fmt.Sprintf(", seed %d", seed)
			}
			if !chk.OK {
				rep.Runs = append(rep.Runs, SweepRun{HiddenAct: c.ActNames(), Output: c.Output.Name, Seed: seed, Failed: true, Failures: chk.Failures})
				continue
			}
			if progress != nil {
				progress(what + ": training")
			}
			run, err := sweepRun(c, train, test)
			if err != nil {
				return nil, fmt.Errorf("sweep: %s: %w", what, err)
			}
			if progress != nil {
				res := fmt.Sprintf("final test acc %.4f", run.FinalTestAcc)
				if run.Diverged {
					res = "diverged"
				}
				progress(fmt.Sprintf("%s: %s in %s", what, res, time.Duration(run.WallSeconds*1e9).Round(time.Millisecond)))
			}
			rep.Runs = append(rep.Runs, run)
		}
	}
	for i, r := range rep.Runs {
		if !r.Diverged && !r.Failed && (rep.Best < 0 || r.FinalTestAcc > rep.Runs[rep.Best].FinalTestAcc) {
			rep.Best = i
		}
	}
	if rep.Best >= 0 {
		rep.Runs[rep.Best].Best = true
	}
	rep.Cells = cells(rep.Runs)
	rep.ClaimResults = rep.Claims()
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}

// cells groups runs by hidden activation × output, in the order first seen.
func cells(runs []SweepRun) []SweepCell {
	var out []SweepCell
	index := map[[2]string]int{}
	accs := map[[2]string][]float64{}
	for _, r := range runs {
		key := [2]string{r.HiddenAct, r.Output}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, SweepCell{HiddenAct: r.HiddenAct, Output: r.Output})
		}
		switch {
		case r.Failed:
			out[i].Failed = true
			continue
		case r.Diverged:
			out[i].Diverged++
			continue
		}
		accs[key] = append(accs[key], r.FinalTestAcc)
	}
	for i := range out {
		a := accs[[2]string{out[i].HiddenAct, out[i].Output}]
		out[i].N = len(a)
		if len(a) == 0 {
			continue
		}
		out[i].Mean, out[i].Std = stat.MeanStdDev(a, nil)
		if len(a) < 2 {
			out[i].Std = 0
		}
		out[i].Min, out[i].Max = gonumfloats.Min(a), gonumfloats.Max(a)
	}
	return out
}

// sweepRun trains the hand-rolled net on c and summarises its trajectory.
func sweepRun[T ops.Float](c mnist.Config, train, test mnist.Data[T]) (SweepRun, error) {
	run := SweepRun{HiddenAct: c.ActNames(), Output: c.Output.Name, Seed: c.Seed}
	start := time.Now()
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		return run, err
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		return run, err
	}
	traj, err := tr.Run([]mnist.Net[T]{h}, mnist.Hooks[T]{})
	run.WallSeconds = time.Since(start).Seconds()
	if err != nil {
		if !errors.Is(err, mnist.ErrDiverged) {
			return run, err
		}
		run.Diverged, run.Error = true, err.Error()
	}
	if len(traj) > 0 {
		run.Trajectory = traj[0]
	}
	for i, p := range run.Trajectory {
		if i == 0 || p.TestAcc > run.BestTestAcc {
			run.BestTestAcc, run.BestIteration = p.TestAcc, p.Iteration
		}
		run.FinalTestAcc, run.FinalTrainAcc, run.FinalIteration = p.TestAcc, p.TrainAcc, p.Iteration
	}
	if !run.Diverged && len(run.Trajectory) == 0 {
		return run, errors.New("no evaluation")
	}
	return run, nil
}

// Cell returns the cell of the given hidden activation and output names
// (none of a nil report).
func (r *SweepReport) Cell(hidden, output string) (SweepCell, bool) {
	if r == nil {
		return SweepCell{}, false
	}
	for _, c := range r.Cells {
		if c.HiddenAct == hidden && c.Output == output {
			return c, true
		}
	}
	return SweepCell{}, false
}

// Claims returns the chapter's claims judged against the cells:
//
//	(a) "tanh beats sigmoid in the hidden layer": tanh vs sigmoid hidden,
//	    both with the softmax output;
//	(b) "softmax beats sigmoid at the output": softmax vs sigmoid output,
//	    both with the tanh hidden layer (or, without tanh, the first hidden
//	    activation of the sweep).
//
// A claim is supported when a one-sided Welch's t-test of A's final test
// accuracies against B's (runs that diverged left out) gives p < ClaimLevel,
// or every run of B diverged and A has at least two that did not; not shown
// otherwise (one seed per cell, or no spread on either side, never shows a
// claim: there is nothing to test against); not tested when either cell is
// missing, failed its checks, or has no run that finished.
func (r *SweepReport) Claims() []Claim {
	if r == nil {
		r = new(SweepReport) // no cells: every claim untested
	}
	hidden := "tanh"
	if _, ok := r.findHidden(hidden); !ok && len(r.Runs) > 0 {
		hidden = r.Runs[0].HiddenAct
	}
	return []Claim{
		r.judge("tanh beats sigmoid in the hidden layer", "tanh", "softmax", "sigmoid", "softmax"),
		r.judge("softmax beats sigmoid at the output", hidden, "softmax", hidden, "sigmoid"),
	}
}

func (r *SweepReport) findHidden(name string) (SweepRun, bool) {
	for _, run := range r.Runs {
		if run.HiddenAct == name {
			return run, true
		}
	}
	return SweepRun{}, false
}

// judge compares cell hA/oA (claimed better) with cell hB/oB.
func (r *SweepReport) judge(claim, hA, oA, hB, oB string) Claim {
	c := Claim{Claim: claim, Verdict: NotTested, Level: ClaimLevel, P: 1}
	a, okA := r.Cell(hA, oA)
	b, okB := r.Cell(hB, oB)
	nameA, nameB := hA+" hidden/"+oA+" output", hB+" hidden/"+oB+" output"
	switch {
	case !okA || !okB:
		var missing []string
		if !okA {
			missing = append(missing, nameA)
		}
		if !okB {
			missing = append(missing, nameB)
		}
		c.Detail = "the sweep has no " + strings.Join(missing, " and no ") + " run"
		return c
	case a.Failed || b.Failed:
		var failed []string
		if a.Failed {
			failed = append(failed, nameA)
		}
		if b.Failed {
			failed = append(failed, nameB)
		}
		c.Detail = strings.Join(failed, " and ") + " failed the checks and was not trained"
		return c
	case a.N == 0 && b.N == 0:
		c.Detail = fmt.Sprintf("every run of %s and of %s diverged", nameA, nameB)
		return c
	}
	c.A, c.B = hA+"/"+oA, hB+"/"+oB
	c.AccA, c.AccB, c.StdA, c.StdB, c.NA, c.NB = a.Mean, b.Mean, a.Std, b.Std, a.N, b.N
	show := func(name string, cell SweepCell) string {
		if cell.N == 0 {
			return name + " diverged"
		}
		return fmt.Sprintf("%s %.4f ± %.4f (n=%d)", name, cell.Mean, cell.Std, cell.N)
	}
	c.Detail = show(nameA, a) + " vs " + show(nameB, b)
	switch {
	case a.N >= 2 && b.N == 0:
		c.Verdict, c.P = Supported, 0
		c.Detail += "; every run of the second diverged"
	case a.N < 2 || b.N < 2:
		c.Verdict = NotShown
		c.Detail += "; one run per side has no spread to test (use several seeds)"
	case a.Std == 0 && b.Std == 0:
		c.Verdict = NotShown
		c.Detail += "; no spread on either side to test"
	default:
		c.T, c.DF, c.P = welch(a, b)
		c.Verdict = NotShown
		if c.P < ClaimLevel {
			c.Verdict = Supported
		}
		c.Detail += fmt.Sprintf("; Welch's t = %.3g, df = %.3g, one-sided p = %.3g (supported below %g)", c.T, c.DF, c.P, ClaimLevel)
	}
	return c
}

// welch returns Welch's t statistic of a's mean over b's, its degrees of
// freedom (Welch–Satterthwaite) and the one-sided p-value P(T ≥ t) under
// "the means are equal". With no spread on either side the test is not
// defined: t and df are NaN and p is 1 (nothing shown).
func welch(a, b SweepCell) (t, df, p float64) {
	va, vb := a.Std*a.Std/float64(a.N), b.Std*b.Std/float64(b.N)
	diff := a.Mean - b.Mean
	if va+vb == 0 {
		return math.NaN(), math.NaN(), 1
	}
	t = diff / math.Sqrt(va+vb)
	df = (va + vb) * (va + vb) / (va*va/float64(a.N-1) + vb*vb/float64(b.N-1))
	p = 1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(t)
	return t, df, p
}
