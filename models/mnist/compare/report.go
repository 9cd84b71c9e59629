package compare

import (
	"fmt"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/reference"
	"outgrad/ops"
)

// Report is the outcome of Compare; it marshals to the JSON the compare
// command writes.
type Report struct {
	Config      ConfigReport          `json:"config"`
	Impls       []string              `json:"impls"`
	Runs        map[string]*RunReport `json:"runs"`
	Agreement   *Agreement            `json:"agreement,omitempty"`
	Checks      *reference.Checks     `json:"checks"`
	Book        *BookReport           `json:"book,omitempty"`
	WallSeconds float64               `json:"wall_seconds"`
	// BLAS is the BLAS the implementations ran on (blas.Describe).
	BLAS string `json:"blas"`
	// Beside is true when the evaluations and the network checks ran beside
	// the steps, on evaluators of their own (CompareOptions.Serial): the
	// run's wall time is then less than the sum of its parts.
	Beside bool `json:"beside"`
	// Diverged is the error that stopped a training whose values stopped
	// being finite (it wraps mnist.ErrDiverged), or "": the report then
	// holds the run up to that step, and OK is false.
	Diverged string `json:"diverged,omitempty"`
	// OK is false when the implementations disagree beyond the tolerance
	// outside book mode, when any independent check fails, or when training
	// diverged.
	OK bool `json:"ok"`
}

// ConfigReport is a Config in printable form.
type ConfigReport struct {
	Dtype       string  `json:"dtype"`
	Seed        uint32  `json:"seed"`
	TrainImages int     `json:"train_images"`
	Hidden      []int   `json:"hidden"`
	Batch       int     `json:"batch"`
	Alpha       float64 `json:"alpha"`
	Iterations  int     `json:"iterations"`
	HiddenAct   string  `json:"hidden_act"`
	Output      string  `json:"output"`
	Dropout     bool    `json:"dropout"`
	Book        bool    `json:"book"`
	EvalEvery   int     `json:"eval_every"`
	W01Range    float64 `json:"w01_range"`
	W12Range    float64 `json:"w12_range"`
	LossScale   float64 `json:"loss_scale"`
	// Optimizer is the update rule with its parameters, e.g. "sgd" or
	// "adam(β1=0.9, β2=0.999, ε=1e-08)"; Schedule the learning rate's, as
	// -lr-schedule takes it ("const", "step:N:γ", "cosine").
	Optimizer  string  `json:"optimizer"`
	Schedule   string  `json:"lr_schedule"`
	Tolerance  float64 `json:"tolerance"`
	LoadedInit bool    `json:"loaded_initial_weights"`
	// Weights names every tensor trained, in the order of the gradient
	// norms and of Final (Config.WeightNames): w01, w12, …, then the
	// learnable activations' parameters (prelu1, …).
	Weights []string `json:"weights"`
}

// RunReport is one implementation's run.
type RunReport struct {
	Trajectory []mnist.Point          `json:"trajectory"`
	Weights    map[string]WeightsStat `json:"weights"`
	// GradNorms holds, per evaluation, the Frobenius norm of the last step's
	// gradient of every weight tensor (w01 first, then the parameters of
	// learnable activations, as Config.WeightNames orders them): where the
	// gradient goes.
	GradNorms         []GradNorms `json:"grad_norms"`
	TrainStepNsMedian int64       `json:"train_step_ns_median"`
	EvalNsMedian      int64       `json:"eval_ns_median"`
	// WallSeconds is the time spent in this implementation's steps and
	// evaluations, added (evaluations beside the steps overlap them: Beside).
	WallSeconds float64 `json:"wall_seconds"`
	// Learned summarises the final parameters of each learnable activation,
	// in the order of Config.WeightNames; empty without one.
	Learned []LearnedParam `json:"learned_params,omitempty"`
	// Final holds the final weights as float64: one matrix per layer, then
	// the parameters of learnable activations (Config.WeightNames).
	Final [][]float64 `json:"-"`
}

// LearnedParam is one learnable activation parameter of one hidden layer
// at the end of a run: its initial value and the mean, least and greatest
// of its final values (one per unit, or one shared by the layer).
type LearnedParam struct {
	Tensor string  `json:"tensor"` // Config.WeightNames: "prelu1"
	Name   string  `json:"name"`   // the parameter: "alpha"
	Layer  int     `json:"layer"`  // the hidden layer, from 1
	Units  int     `json:"values"` // how many values it has
	Init   float64 `json:"init"`
	Mean   float64 `json:"mean"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// learned summarises the parameters of c's learnable activations in final
// (Net.Weights as float64).
func learned(c mnist.Config, final [][]float64) []LearnedParam {
	var out []LearnedParam
	names := c.WeightNames()
	for l, i := range c.ParamIndex() {
		if i < 0 || i >= len(final) {
			continue
		}
		p := ops.LearnableOf(c.Acts()[l]).Params()
		n := len(final[i]) / len(p.Names)
		for j, name := range p.Names {
			v := final[i][j*n : (j+1)*n]
			lp := LearnedParam{Tensor: names[i], Name: name, Layer: l + 1, Units: n, Init: p.Init[j], Min: v[0], Max: v[0]}
			for _, x := range v {
				lp.Mean += x / float64(n)
				lp.Min, lp.Max = min(lp.Min, x), max(lp.Max, x)
			}
			out = append(out, lp)
		}
	}
	return out
}

// GradNorms is ‖∂L/∂w‖ of every matrix after the last step of an evaluated
// iteration.
type GradNorms struct {
	Iteration int       `json:"iteration"`
	Norms     []float64 `json:"norms"`
}

// WeightsStat is Checksum of one weight matrix.
type WeightsStat struct {
	Sum   float64 `json:"sum"`
	SumSq float64 `json:"sumsq"`
}

// Agreement compares the implementations trained in lock step with the
// first (the graph's gradient g).
type Agreement struct {
	GradMaxRelDiff    float64         `json:"grad_max_rel_diff"`
	GradMaxRelAt      reference.Where `json:"grad_max_rel_at"`
	GradMaxAbsDiff    float64         `json:"grad_max_abs_diff"`
	GradMaxAbsAt      reference.Where `json:"grad_max_abs_at"`
	GradFirstStepRel  float64         `json:"grad_first_step_rel_diff"`
	WeightsMaxAbsDiff float64         `json:"weights_max_abs_diff"`
	WeightsMaxAbsAt   reference.Where `json:"weights_max_abs_at"`
	TestAccMaxDiff    float64         `json:"test_acc_max_diff"`
	TrainAccMaxDiff   float64         `json:"train_acc_max_diff"`
	TestLossMaxDiff   float64         `json:"test_loss_max_diff"`
	TrainLossMaxDiff  float64         `json:"train_loss_max_diff"`
	// TrajectoriesEqual is true when every evaluation's accuracies and
	// losses are the same numbers for every implementation.
	TrajectoriesEqual   bool    `json:"trajectories_equal"`
	Tolerance           float64 `json:"tolerance"`
	BookSlopeIsExpected bool    `json:"book_slope_expected_difference"`
	OK                  bool    `json:"ok"`
	Summary             string  `json:"summary"`
}

// BookReport counts the hand-rolled rows that print as the book's.
type BookReport struct {
	RowsMatching int `json:"rows_matching"`
	Rows         int `json:"rows"`
}

// Checksum returns Σw and Σw² in float64.
func Checksum[T ops.Float](w []T) (sum, sumsq float64) {
	for _, v := range w {
		f := float64(v)
		sum += f
		sumsq += f * f
	}
	return sum, sumsq
}

// finishAgreement judges the agreement and writes its one-line summary.
// "bit-identical" is said only of the gradients compared at every step.
func finishAgreement(ag *Agreement, book, several bool) {
	w := ag.GradMaxRelAt
	what := "graph and hand-rolled gradients"
	if several {
		what = "the implementations' gradients"
	}
	switch {
	case book:
		ag.OK = true
		ag.Summary = fmt.Sprintf("book mode: the book's update differs from the true gradient by %.3g at step 1 (iteration 0 step 0), worst %.3g at iteration %d step %d (%s); this is the expected finding",
			ag.GradFirstStepRel, ag.GradMaxRelDiff, w.Iteration, w.Step, w.Matrix)
	case ag.GradMaxAbsDiff == 0:
		ag.OK = true
		ag.Summary = what + " bit-identical at every step"
	case ag.GradMaxRelDiff <= ag.Tolerance:
		ag.OK = true
		ag.Summary = fmt.Sprintf("%s agree: worst relative difference %.3g ≤ %.3g (iteration %d step %d, %s)",
			what, ag.GradMaxRelDiff, ag.Tolerance, w.Iteration, w.Step, w.Matrix)
	default:
		ag.OK = false
		ag.Summary = fmt.Sprintf("%s disagree: relative difference %.3g > %.3g at iteration %d step %d, grad %s",
			what, ag.GradMaxRelDiff, ag.Tolerance, w.Iteration, w.Step, w.Matrix)
	}
}

// bookMatches counts the points of traj that print as the book's row of the
// same iteration.
func bookMatches(traj []mnist.Point) *BookReport {
	rows := mnist.BookTable()
	b := &BookReport{Rows: len(rows)}
	for _, p := range traj {
		for _, r := range rows {
			if mnist.MatchesBook(p, r) {
				b.RowsMatching++
			}
		}
	}
	return b
}

// NewConfigReport describes c for a report of a run in T: tol is the
// gradient tolerance the run judges by (0 for none), loaded says that the
// initial weights were given rather than drawn.
func NewConfigReport[T ops.Float](c mnist.Config, tol float64, loaded bool) ConfigReport {
	return ConfigReport{
		Dtype: floats.DtypeName[T](), Seed: c.Seed, TrainImages: c.TrainImages, Hidden: c.Hidden,
		Batch: c.Batch, Alpha: c.Alpha, Iterations: c.Iterations, HiddenAct: c.ActNames(),
		Output: c.Output.Name, Dropout: c.Dropout, Book: c.Book, EvalEvery: c.EvalEvery,
		W01Range: c.W01Range, W12Range: c.W12Range, LossScale: c.LossScale(), Tolerance: tol,
		LoadedInit: loaded, Optimizer: c.Optimizer.String(), Schedule: c.Schedule.String(),
		Weights: c.WeightNames(),
	}
}

// WeightName returns the name of tensor i of the run (Weights), or, for a
// report that does not name it, the matrix name by position (w01, w12, …).
func (c ConfigReport) WeightName(i int) string {
	if i >= 0 && i < len(c.Weights) {
		return c.Weights[i]
	}
	return fmt.Sprintf("w%d%d", i, i+1)
}
