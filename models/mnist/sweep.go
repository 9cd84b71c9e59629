package mnist

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"outgrad/ops"
)

// SweepRun is one hidden activation × output configuration of a Sweep.
type SweepRun struct {
	HiddenAct string `json:"hidden_act"`
	Output    string `json:"output"`
	// FinalTestAcc and FinalTrainAcc are the accuracies at the last evaluated
	// point, after iteration FinalIteration (the last multiple of EvalEvery
	// below Iterations; for a diverged run, the last point before divergence).
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
	// Best marks the run with the highest FinalTestAcc among those that did
	// not diverge (the first one on a tie).
	Best       bool    `json:"best"`
	Trajectory []Point `json:"trajectory"`
}

// SweepReport is the outcome of Sweep: one run per hidden activation × output,
// in the order hidden activation first, then output.
type SweepReport struct {
	// Config is the base configuration; its hidden_act and output are empty.
	Config ConfigReport `json:"config"`
	// Impl is the implementation trained: always ImplHandRolled.
	Impl string     `json:"impl"`
	Runs []SweepRun `json:"runs"`
	// Best is the index in Runs of the best run, −1 when every run diverged.
	Best int `json:"best"`
	// ClaimResults is Claims() at the end of the sweep.
	ClaimResults []Claim `json:"claims"`
	WallSeconds  float64 `json:"wall_seconds"`
}

// The verdicts of a Claim.
const (
	Supported    = "supported"
	NotSupported = "not supported"
	NotTested    = "not tested"
)

// Claim is one claim of the chapter judged against a sweep's numbers: run A
// (the one claimed better) against run B, by final test accuracy.
type Claim struct {
	Claim   string `json:"claim"`
	Verdict string `json:"verdict"` // Supported, NotSupported or NotTested
	// A and B name the two runs compared as "hidden/output"; empty when not tested.
	A    string  `json:"a,omitempty"`
	B    string  `json:"b,omitempty"`
	AccA float64 `json:"acc_a"`
	AccB float64 `json:"acc_b"`
	// Detail gives the numbers, or why the claim was not tested.
	Detail string `json:"detail"`
}

// String is the claim on one line: `"tanh beats sigmoid …": supported (…)`.
func (c Claim) String() string {
	return fmt.Sprintf("%q: %s (%s)", c.Claim, c.Verdict, c.Detail)
}

// Sweep trains the network once for every hidden activation in acts × every
// output in outs, each from base with only HiddenAct and Output changed, so
// every run starts from the same seed: the same initial weights and the same
// dropout masks. It trains the hand-rolled implementation only: it is the
// faster of the two, and Compare shows that the graph gives the same
// gradients, so a sweep needs only one of them.
//
// A run that diverges (NaN or ±Inf) is recorded as diverged with the
// message and the sweep goes on; any other error stops it. progress, when
// not nil, is called before and after each run with a one-line description.
// The report's Claims are computed from the runs.
func Sweep[T ops.Float](base Config, acts []ops.Activation, outs []ops.Output, train, test Data[T], progress func(string)) (*SweepReport, error) {
	if len(acts) == 0 || len(outs) == 0 {
		return nil, fmt.Errorf("mnist: sweep: %d hidden activations × %d outputs: want at least one of each", len(acts), len(outs))
	}
	start := time.Now()
	if base.Pool == nil {
		base.Pool = ops.NewPool(0)
		defer base.Pool.Close()
	}
	rep := &SweepReport{Impl: ImplHandRolled, Best: -1}
	rep.Config = configReport[T](base, 0, false)
	rep.Config.HiddenAct, rep.Config.Output, rep.Config.Tolerance = "", "", 0
	total := len(acts) * len(outs)
	for _, act := range acts {
		for _, out := range outs {
			c := base
			c.HiddenAct, c.Output = []ops.Activation{act}, out
			if act == nil {
				return nil, fmt.Errorf("mnist: sweep: nil hidden activation")
			}
			k := len(rep.Runs) + 1
			if progress != nil {
				progress(fmt.Sprintf("sweep %d/%d: %s hidden, %s output: training", k, total, act.Name(), out.Name))
			}
			run, err := sweepRun(c, train, test)
			if err != nil {
				return nil, fmt.Errorf("mnist: sweep %s hidden, %s output: %w", act.Name(), out.Name, err)
			}
			if progress != nil {
				res := fmt.Sprintf("final test acc %.4f", run.FinalTestAcc)
				if run.Diverged {
					res = "diverged"
				}
				progress(fmt.Sprintf("sweep %d/%d: %s hidden, %s output: %s in %s", k, total, act.Name(), out.Name, res,
					time.Duration(run.WallSeconds*1e9).Round(time.Millisecond)))
			}
			rep.Runs = append(rep.Runs, run)
		}
	}
	for i, r := range rep.Runs {
		if !r.Diverged && (rep.Best < 0 || r.FinalTestAcc > rep.Runs[rep.Best].FinalTestAcc) {
			rep.Best = i
		}
	}
	if rep.Best >= 0 {
		rep.Runs[rep.Best].Best = true
	}
	rep.ClaimResults = rep.Claims()
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}

// sweepRun trains the hand-rolled net on c and summarises its trajectory.
func sweepRun[T ops.Float](c Config, train, test Data[T]) (SweepRun, error) {
	run := SweepRun{HiddenAct: c.ActNames(), Output: c.Output.Name}
	start := time.Now()
	tr, ws, err := NewTrainer(c, train, test)
	if err != nil {
		return run, err
	}
	h, err := NewHandRolled(c, ws)
	if err != nil {
		return run, err
	}
	traj, err := tr.Run([]Net[T]{h}, Hooks[T]{})
	run.WallSeconds = time.Since(start).Seconds()
	if err != nil {
		if !errors.Is(err, ErrDiverged) {
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

// Find returns the run with the given hidden activation and output names.
func (r *SweepReport) Find(hidden, output string) (SweepRun, bool) {
	for _, run := range r.Runs {
		if run.HiddenAct == hidden && run.Output == output {
			return run, true
		}
	}
	return SweepRun{}, false
}

// Claims returns the chapter's claims judged against the runs, computed from
// their final test accuracies:
//
//	(a) "tanh beats sigmoid in the hidden layer": tanh vs sigmoid hidden,
//	    both with the softmax output;
//	(b) "softmax beats sigmoid at the output": softmax vs sigmoid output,
//	    both with the tanh hidden layer (or, without tanh, the first hidden
//	    activation of the sweep).
//
// A claim is supported when A's final test accuracy is strictly higher than
// B's, or B diverged and A did not; not tested when either run is missing or
// both diverged.
func (r *SweepReport) Claims() []Claim {
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

// judge compares run hA/oA (claimed better) with run hB/oB.
func (r *SweepReport) judge(claim, hA, oA, hB, oB string) Claim {
	c := Claim{Claim: claim, Verdict: NotTested}
	a, okA := r.Find(hA, oA)
	b, okB := r.Find(hB, oB)
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
	case a.Diverged && b.Diverged:
		c.Detail = fmt.Sprintf("both %s and %s diverged", nameA, nameB)
		return c
	}
	c.A, c.B, c.AccA, c.AccB = hA+"/"+oA, hB+"/"+oB, a.FinalTestAcc, b.FinalTestAcc
	show := func(name string, run SweepRun) string {
		if run.Diverged {
			return name + " diverged"
		}
		return fmt.Sprintf("%s final test acc %.4f", name, run.FinalTestAcc)
	}
	c.Detail = show(nameA, a) + " vs " + show(nameB, b)
	if !a.Diverged && (b.Diverged || a.FinalTestAcc > b.FinalTestAcc) {
		c.Verdict = Supported
	} else {
		c.Verdict = NotSupported
	}
	return c
}
