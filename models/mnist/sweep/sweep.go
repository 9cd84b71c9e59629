package sweep

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/reference"
	"outgrad/ops"

	gonumfloats "gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// SweepRun is one run of a sweep: one configuration with one seed.
type SweepRun struct {
	// Cell is the index of the run's configuration in the report's Cells
	// (and Checks), where its full configuration is.
	Cell      int    `json:"cell"`
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

// SweepReport is the outcome of a sweep: one run per configuration × seed,
// in that order (the configurations in the order given, seed last).
type SweepReport struct {
	// Config is the base configuration: the first configuration's, with
	// the fields of the axes the sweep varies left empty (zero).
	Config compare.ConfigReport `json:"config"`
	// Varied names the axes on which the configurations differ (AxisNames
	// order).
	Varied []string `json:"varied"`
	// Impl is the implementation trained: always ImplHandRolled.
	Impl  string     `json:"impl"`
	Seeds []uint32   `json:"seeds"`
	Runs  []SweepRun `json:"runs"`
	// Cells holds one entry per configuration, in the order given: its full
	// configuration and the summary of its runs over the seeds.
	Cells []SweepCell `json:"cells"`
	// Best is the index in Runs of the best run, −1 when every run diverged.
	Best int `json:"best"`
	// ClaimResults holds the verdicts of the claims: the chapter's
	// (Claims) at the end of the sweep; a caller judging claims of its own
	// (Judge) may replace them.
	ClaimResults []Claim `json:"claims"`
	// Checks holds, per configuration (in the order of Cells), the
	// independent checks made before it was trained; OK is false when any
	// configuration failed them, and Failures then names each failed
	// check, prefixed with its configuration.
	Checks       []ConfigChecks `json:"checks"`
	CheckSeconds float64        `json:"check_seconds"`
	OK           bool           `json:"ok"`
	Failures     []string       `json:"failures,omitempty"`
	WallSeconds  float64        `json:"wall_seconds"`
	// Beside is true when every run made its evaluations beside its steps,
	// on a second net (with more than one core and memory for the second
	// net: mnist.Trainer.Background).
	Beside bool `json:"beside"`
}

// ConfigChecks is the outcome of Preflight for one configuration of a sweep.
type ConfigChecks struct {
	HiddenAct string `json:"hidden_act"`
	Output    string `json:"output"`
	// Label names the configuration by its hidden activation, output and
	// every other axis the sweep varies.
	Label  string           `json:"label"`
	Checks reference.Checks `json:"checks"`
}

// SweepCell is one configuration over every seed: the configuration, and
// the mean and the sample standard deviation of the final test accuracy of
// its runs that did not diverge.
type SweepCell struct {
	HiddenAct string `json:"hidden_act"`
	Output    string `json:"output"`
	// Values holds the configuration's value of every axis, as Value
	// writes it; Label names it by the axes the sweep varies, e.g.
	// "tanh hidden, softmax output, alpha=2".
	Values map[string]string `json:"values"`
	Label  string            `json:"label"`
	// Config is the full configuration (its seed the sweep's first).
	Config   compare.ConfigReport `json:"config"`
	N        int                  `json:"n"` // runs that did not diverge
	Diverged int                  `json:"diverged"`
	// Failed reports that the configuration failed its checks: none of its
	// runs was trained, and it has no mean (see SweepRun.Failed).
	Failed bool    `json:"failed"`
	Mean   float64 `json:"mean_final_test_acc"`
	Std    float64 `json:"std_final_test_acc"` // 0 when N < 2
	Min    float64 `json:"min_final_test_acc"`
	Max    float64 `json:"max_final_test_acc"`
}

// Sweep trains the network once for every hidden activation in acts × every
// output in outs, each from base with only HiddenAct and Output changed, so
// every run starts from base.Seed: the same initial weights and the same
// dropout masks. It is SweepSeeds with that one seed.
func Sweep[T ops.Float](base mnist.Config, acts []ops.Activation, outs []ops.Output, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	return SweepSeeds(base, []uint32{base.Seed}, acts, outs, train, test, progress)
}

// SweepSeeds trains every hidden activation in acts × every output in outs ×
// every seed in seeds (a hidden activation applies to every hidden layer):
// SweepConfigs of the Grid of acts and outs applied to base.
func SweepSeeds[T ops.Float](base mnist.Config, seeds []uint32, acts []ops.Activation, outs []ops.Output, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	if len(acts) == 0 || len(outs) == 0 {
		return nil, fmt.Errorf("sweep: %d hidden activations × %d outputs: want at least one of each", len(acts), len(outs))
	}
	g := Grid{Outputs: outs}
	for _, act := range acts {
		g.HiddenActs = append(g.HiddenActs, []ops.Activation{act})
	}
	configs, err := g.Configs(base)
	if err != nil {
		return nil, err
	}
	return SweepConfigs(configs, seeds, train, test, progress)
}

// Seeds trains the one configuration c with every seed in seeds (the
// hand-rolled implementation), for the mean and spread of its accuracy: a
// sweep of one cell.
func Seeds[T ops.Float](c mnist.Config, seeds []uint32, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	return SweepConfigs([]mnist.Config{c}, seeds, train, test, progress)
}

// SweepConfigs trains every configuration of configs (Grid.Configs makes
// them) with every seed of seeds, in that order; each run takes its seed
// from seeds, not from its configuration. The configurations may differ in
// the axes only (AxisNames: hidden activations, output, α, hidden sizes,
// optimizer), and no two in all of them: a configuration given twice would
// count its runs twice. At most MaxRuns runs (ErrTooMany).
//
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
// The report's cells and the chapter's claims are computed from the runs.
func SweepConfigs[T ops.Float](configs []mnist.Config, seeds []uint32, train, test mnist.Data[T], progress func(string)) (*SweepReport, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("sweep: no seeds")
	}
	if len(configs) == 0 {
		return nil, fmt.Errorf("sweep: no configurations")
	}
	if len(configs) > MaxRuns/len(seeds) || len(configs)*len(seeds) > MaxRuns {
		return nil, fmt.Errorf("%w: %d configurations × %d seeds is more than %d runs", ErrTooMany, len(configs), len(seeds), MaxRuns)
	}
	start := time.Now()
	// With a second core, and memory for it, each run evaluates beside
	// its steps, on a second net.
	beside, nets := runtime.GOMAXPROCS(0) > 1, 1
	if beside {
		nets = 2
	}
	rep := &SweepReport{Impl: mnist.ImplHandRolled, Best: -1, Seeds: seeds, OK: true, Beside: beside}
	rest := ""
	seen := map[string]bool{}
	for i, c := range configs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("sweep: configuration %d: %w", i+1, err)
		}
		if err := mnist.CheckMemory(c, floats.ElemSize[T](), nets, test.N); err != nil {
			// Without room for the second net, the runs evaluate between
			// their steps.
			if mnist.CheckMemory(c, floats.ElemSize[T](), 1, test.N) != nil {
				return nil, err
			}
			beside, nets, rep.Beside = false, 1, false
		}
		cell := SweepCell{HiddenAct: c.ActNames(), Output: c.Output.Name, Values: values(c),
			Config: compare.NewConfigReport[T](c, 0, false)}
		cell.Config.Seed = seeds[0]
		key := describe(cell.Values, AxisNames(), "/")
		// Everything but the axes must be the same in every configuration.
		r := cell.Config
		r.HiddenAct, r.Output, r.Alpha, r.Hidden, r.Optimizer = "", "", 0, nil, ""
		r.Weights = nil // the tensors trained follow from the layers and their activations
		if s := fmt.Sprintf("%+v", r); i == 0 {
			rest = s
		} else if s != rest {
			return nil, fmt.Errorf("sweep: configuration %s differs from the first in more than the axes (%s)", key, strings.Join(AxisNames(), ", "))
		}
		if seen[key] {
			return nil, fmt.Errorf("sweep: configuration %s is given twice (its runs would count twice)", key)
		}
		seen[key] = true
		rep.Cells = append(rep.Cells, cell)
	}
	rep.Varied = varied(rep.Cells)
	rep.Config = rep.Cells[0].Config
	for _, ax := range rep.Varied {
		switch ax {
		case AxisHiddenAct:
			rep.Config.HiddenAct = ""
		case AxisOutput:
			rep.Config.Output = ""
		case AxisAlpha:
			rep.Config.Alpha = 0
		case AxisHidden:
			rep.Config.Hidden = nil
		case AxisOptimizer:
			rep.Config.Optimizer = ""
		}
	}
	pool := configs[0].Pool
	if pool == nil {
		pool = ops.NewPool(0)
		defer pool.Close()
	}
	total := len(configs) * len(seeds)
	for k, c := range configs {
		c.Seed, c.Pool = seeds[0], pool
		cell := &rep.Cells[k]
		cell.Label = describe(cell.Values, rep.Varied, ", ")
		name := cell.Label
		if progress != nil {
			progress(fmt.Sprintf("checks: %s: slopes and the first step's gradient", name))
		}
		chk, err := reference.Preflight(c, train, test)
		if err != nil {
			return nil, fmt.Errorf("sweep: checks of %s: %w", name, err)
		}
		rep.CheckSeconds += chk.Seconds
		rep.Checks = append(rep.Checks, ConfigChecks{HiddenAct: cell.HiddenAct, Output: cell.Output, Label: name, Checks: *chk})
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
			what := fmt.Sprintf("sweep %d/%d: %s", len(rep.Runs)+1, total, name)
			if len(seeds) > 1 {
				what += fmt.Sprintf(", seed %d", seed)
			}
			if !chk.OK {
				rep.Runs = append(rep.Runs, SweepRun{Cell: k, HiddenAct: cell.HiddenAct, Output: cell.Output, Seed: seed, Failed: true, Failures: chk.Failures})
				continue
			}
			if progress != nil {
				progress(what + ": training")
			}
			run, err := sweepRun(c, train, test, beside)
			if err != nil {
				return nil, fmt.Errorf("sweep: %s: %w", what, err)
			}
			run.Cell = k
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
	summarise(rep.Cells, rep.Runs)
	rep.ClaimResults = rep.Claims()
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}

// summarise fills every cell's counts and statistics from the runs of it
// (SweepRun.Cell).
func summarise(cells []SweepCell, runs []SweepRun) {
	accs := make([][]float64, len(cells))
	for _, r := range runs {
		if r.Cell < 0 || r.Cell >= len(cells) {
			continue
		}
		switch {
		case r.Failed:
			cells[r.Cell].Failed = true
		case r.Diverged:
			cells[r.Cell].Diverged++
		default:
			accs[r.Cell] = append(accs[r.Cell], r.FinalTestAcc)
		}
	}
	for i := range cells {
		a := accs[i]
		cells[i].N = len(a)
		if len(a) == 0 {
			continue
		}
		cells[i].Mean, cells[i].Std = stat.MeanStdDev(a, nil)
		if len(a) < 2 {
			cells[i].Std = 0
		}
		cells[i].Min, cells[i].Max = gonumfloats.Min(a), gonumfloats.Max(a)
	}
}

// sweepRun trains the hand-rolled net on c and summarises its trajectory;
// with beside, it evaluates beside the steps.
func sweepRun[T ops.Float](c mnist.Config, train, test mnist.Data[T], beside bool) (SweepRun, error) {
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
	if beside {
		// The evaluations beside the steps, on a second net: the same
		// points (mnist.Trainer.Background).
		e, err := mnist.NewHandRolled(c, ws)
		if err != nil {
			return run, err
		}
		tr.Background([]mnist.Net[T]{e})
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

// Cell returns the first cell of the given hidden activation and output
// names (none of a nil report).
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
