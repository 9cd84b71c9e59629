package mnist

import (
	"fmt"
	"math"
	"slices"
	"time"

	"outgrad/graph"
	"outgrad/ops"
)

// The implementation names Compare accepts in CompareOptions.Impl.
const (
	ImplGraph      = "graph"
	ImplHandRolled = "handrolled"
	ImplBoth       = "both"
)

// CompareOptions says what Compare runs and how strictly it judges.
type CompareOptions struct {
	// Impl is ImplGraph, ImplHandRolled or ImplBoth ("" means both).
	Impl string
	// Tol is the largest normwise relative gradient difference ‖Δ‖∞/‖g‖∞
	// allowed; 0 means DefaultTolerance for the element type.
	Tol float64
	// W01 and W12, when not nil, replace the RNG's initial draw (the RNG still
	// makes that draw, so the dropout masks are unchanged).
	W01, W12 []float64
	// Progress, when not nil, is called after every step.
	Progress func(iter, step int)
	// OnEval, when not nil, is called after every evaluation with the names of
	// the implementations and their points, in the same order.
	OnEval func(names []string, points []Point)
}

// DefaultTolerance is the default gradient tolerance for T: 1e-10 for float64,
// 1e-4 for float32 (relative, normwise ‖Δ‖∞/‖g‖∞).
func DefaultTolerance[T ops.Float]() float64 {
	if dtypeName[T]() == "float32" {
		return 1e-4
	}
	return 1e-10
}

// Report is the outcome of Compare; it marshals to the JSON the compare
// command writes.
type Report struct {
	Config      ConfigReport          `json:"config"`
	Impls       []string              `json:"impls"`
	Runs        map[string]*RunReport `json:"runs"`
	Agreement   *Agreement            `json:"agreement,omitempty"`
	Book        *BookReport           `json:"book,omitempty"`
	WallSeconds float64               `json:"wall_seconds"`
	// BLAS is the BLAS both implementations ran on (graph.BLAS).
	BLAS string `json:"blas"`
	// OK is false only when the gradients disagree beyond the tolerance
	// outside book mode.
	OK bool `json:"ok"`
}

// ConfigReport is a Config in printable form.
type ConfigReport struct {
	Dtype       string  `json:"dtype"`
	Seed        uint32  `json:"seed"`
	TrainImages int     `json:"train_images"`
	Hidden      int     `json:"hidden"`
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
	Tolerance   float64 `json:"tolerance"`
	LoadedInit  bool    `json:"loaded_initial_weights"`
}

// RunReport is one implementation's run.
type RunReport struct {
	Trajectory        []Point                `json:"trajectory"`
	Weights           map[string]WeightsStat `json:"weights"`
	TrainStepNsMedian int64                  `json:"train_step_ns_median"`
	EvalNsMedian      int64                  `json:"eval_ns_median"`
	// WallSeconds is the time spent in this implementation's steps and evaluations.
	WallSeconds float64 `json:"wall_seconds"`
	// W01 and W12 are the final weights as float64.
	W01, W12 []float64 `json:"-"`
}

// WeightsStat is Checksum of one weight matrix.
type WeightsStat struct {
	Sum   float64 `json:"sum"`
	SumSq float64 `json:"sumsq"`
}

// Where names a step and a matrix.
type Where struct {
	Iteration int    `json:"iteration"`
	Step      int    `json:"step"`
	Matrix    string `json:"matrix"`
}

// Agreement compares the graph (reference g) with the hand-rolled net.
type Agreement struct {
	GradMaxRelDiff      float64 `json:"grad_max_rel_diff"`
	GradMaxRelAt        Where   `json:"grad_max_rel_at"`
	GradMaxAbsDiff      float64 `json:"grad_max_abs_diff"`
	GradMaxAbsAt        Where   `json:"grad_max_abs_at"`
	GradFirstStepRel    float64 `json:"grad_first_step_rel_diff"`
	WeightsMaxAbsDiff   float64 `json:"weights_max_abs_diff"`
	WeightsMaxAbsAt     Where   `json:"weights_max_abs_at"`
	TestAccMaxDiff      float64 `json:"test_acc_max_diff"`
	TrainAccMaxDiff     float64 `json:"train_acc_max_diff"`
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

// timedNet is a Net that records how long each Step and each Logits call took.
type timedNet[T ops.Float] struct {
	Net[T]
	steps, evals []time.Duration
}

func (n *timedNet[T]) Step(x, t, mask []T) error {
	start := time.Now()
	err := n.Net.Step(x, t, mask)
	n.steps = append(n.steps, time.Since(start))
	return err
}

func (n *timedNet[T]) Logits(x []T, rows int) ([]T, error) {
	start := time.Now()
	out, err := n.Net.Logits(x, rows)
	n.evals = append(n.evals, time.Since(start))
	return out, err
}

// median returns the median of d (the lower middle for even lengths), or 0.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

func total(d []time.Duration) (t time.Duration) {
	for _, v := range d {
		t += v
	}
	return t
}

// dtypeName is "float32" or "float64".
func dtypeName[T ops.Float]() string {
	var z T
	if _, ok := any(z).(float32); ok {
		return "float32"
	}
	return "float64"
}

// relDiff returns ‖a − g‖∞/‖g‖∞ (‖a − g‖∞ when g is zero) and ‖a − g‖∞.
// A NaN anywhere makes both NaN.
func relDiff[T ops.Float](a, g []T) (rel, abs float64) {
	var m float64
	for i := range g {
		d := math.Abs(float64(a[i]) - float64(g[i]))
		if d != d {
			return math.NaN(), math.NaN()
		}
		abs = math.Max(abs, d)
		m = math.Max(m, math.Abs(float64(g[i])))
	}
	if m == 0 {
		return abs, abs
	}
	return abs / m, abs
}

// worse reports whether x should replace the worst so far: larger, or NaN.
func worse(x, worst float64) bool { return x > worst || (x != x && worst == worst) }

// toT converts float64 weights to T.
func toT[T ops.Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// toF64 converts weights to float64.
func toF64[T ops.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Validate reports an unknown Impl or a bad tolerance.
func (o CompareOptions) Validate() error {
	switch o.Impl {
	case "", ImplBoth, ImplGraph, ImplHandRolled:
	default:
		return fmt.Errorf("mnist: unknown implementation %q (known: graph, handrolled, both)", o.Impl)
	}
	if !(o.Tol >= 0) || math.IsInf(o.Tol, 0) {
		return fmt.Errorf("mnist: tolerance %v: want a finite number ≥ 0", o.Tol)
	}
	return nil
}

// Compare trains the graph and the hand-rolled nets (in that order) in lock
// step from the same initial weights, batches and masks. After every step it
// compares their gradients (normwise relative ‖Δ‖∞/‖g‖∞, g the graph's, and
// max absolute); at every evaluation their weights and accuracies. It times
// every Step and every evaluation of each net. Outside book mode the report
// is OK when the worst relative gradient difference is within the tolerance;
// in book mode the hand-rolled side follows the book's slope and the
// difference is reported, not judged.
func Compare[T ops.Float](c Config, train, test Data[T], opts CompareOptions) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	tol := opts.Tol
	if tol == 0 {
		tol = DefaultTolerance[T]()
	}
	start := time.Now()
	tr, w01, w12, err := NewTrainer(c, train, test)
	if err != nil {
		return nil, err
	}
	if opts.W01 != nil || opts.W12 != nil {
		if err := checkWeights(c, opts.W01, opts.W12); err != nil {
			return nil, err
		}
		w01, w12 = toT[T](opts.W01), toT[T](opts.W12)
	}
	var nets []*timedNet[T]
	if opts.Impl != ImplHandRolled {
		g, err := NewGraph(c, w01, w12)
		if err != nil {
			return nil, err
		}
		defer g.Close()
		nets = append(nets, &timedNet[T]{Net: g})
	}
	if opts.Impl != ImplGraph {
		h, err := NewHandRolled(c, w01, w12)
		if err != nil {
			return nil, err
		}
		nets = append(nets, &timedNet[T]{Net: h})
	}
	names := make([]string, len(nets))
	plain := make([]Net[T], len(nets))
	for i, n := range nets {
		names[i], plain[i] = n.Name(), n
	}

	both := len(nets) == 2
	var ag *Agreement
	if both {
		first := Where{Matrix: "w01"}
		ag = &Agreement{Tolerance: tol, TrajectoriesEqual: true, BookSlopeIsExpected: c.Book,
			GradMaxRelAt: first, GradMaxAbsAt: first, WeightsMaxAbsAt: Where{Step: c.Steps() - 1, Matrix: "w01"}}
	}
	hooks := Hooks{
		AfterStep: func(iter, step int) error {
			if both {
				g01, g12 := nets[0].Grads()
				h01, h12 := nets[1].Grads()
				for _, m := range [...]struct {
					name string
					h, g []T
				}{{"w01", h01, g01}, {"w12", h12, g12}} {
					rel, abs := relDiff(m.h, m.g)
					at := Where{Iteration: iter, Step: step, Matrix: m.name}
					if iter == 0 && step == 0 && worse(rel, ag.GradFirstStepRel) {
						ag.GradFirstStepRel = rel
					}
					if worse(rel, ag.GradMaxRelDiff) {
						ag.GradMaxRelDiff, ag.GradMaxRelAt = rel, at
					}
					if worse(abs, ag.GradMaxAbsDiff) {
						ag.GradMaxAbsDiff, ag.GradMaxAbsAt = abs, at
					}
				}
			}
			if opts.Progress != nil {
				opts.Progress(iter, step)
			}
			return nil
		},
		AfterEval: func(points []Point) error {
			if both {
				gw01, gw12 := nets[0].Weights()
				hw01, hw12 := nets[1].Weights()
				for _, m := range [...]struct {
					name string
					h, g []T
				}{{"w01", hw01, gw01}, {"w12", hw12, gw12}} {
					_, abs := relDiff(m.h, m.g)
					if worse(abs, ag.WeightsMaxAbsDiff) {
						ag.WeightsMaxAbsDiff = abs
						ag.WeightsMaxAbsAt = Where{Iteration: points[0].Iteration, Step: c.Steps() - 1, Matrix: m.name}
					}
				}
				ag.TestAccMaxDiff = math.Max(ag.TestAccMaxDiff, math.Abs(points[0].TestAcc-points[1].TestAcc))
				ag.TrainAccMaxDiff = math.Max(ag.TrainAccMaxDiff, math.Abs(points[0].TrainAcc-points[1].TrainAcc))
				if points[0].TestAcc != points[1].TestAcc || points[0].TrainAcc != points[1].TrainAcc {
					ag.TrajectoriesEqual = false
				}
			}
			if opts.OnEval != nil {
				opts.OnEval(names, points)
			}
			return nil
		},
	}
	traj, err := tr.Run(plain, hooks)
	if err != nil {
		return nil, err
	}

	rep := &Report{
		Config: configReport[T](c, tol, opts.W01 != nil),
		Impls:  names,
		Runs:   map[string]*RunReport{},
		BLAS:   graph.BLAS(),
		OK:     true,
	}
	for i, n := range nets {
		w01, w12 := n.Weights()
		s01, q01 := Checksum(w01)
		s12, q12 := Checksum(w12)
		rep.Runs[names[i]] = &RunReport{
			Trajectory: traj[i],
			Weights: map[string]WeightsStat{
				"w01": {Sum: s01, SumSq: q01},
				"w12": {Sum: s12, SumSq: q12},
			},
			TrainStepNsMedian: int64(median(n.steps)),
			EvalNsMedian:      int64(median(n.evals)),
			WallSeconds:       (total(n.steps) + total(n.evals)).Seconds(),
			W01:               toF64(w01),
			W12:               toF64(w12),
		}
	}
	if ag != nil {
		finishAgreement(ag, c.Book)
		rep.Agreement, rep.OK = ag, ag.OK
	}
	if h, ok := rep.Runs[ImplHandRolled]; ok && c.Book {
		rep.Book = bookMatches(h.Trajectory)
	}
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
}

// finishAgreement judges the agreement and writes its one-line summary.
func finishAgreement(ag *Agreement, book bool) {
	w := ag.GradMaxRelAt
	switch {
	case book:
		ag.OK = true
		ag.Summary = fmt.Sprintf("book mode: the book's update differs from the true gradient by %.3g at step 1 (iteration 0 step 0), worst %.3g at iteration %d step %d (%s); this is the expected finding",
			ag.GradFirstStepRel, ag.GradMaxRelDiff, w.Iteration, w.Step, w.Matrix)
	case ag.GradMaxAbsDiff == 0:
		ag.OK = true
		ag.Summary = "gradients agree: bit-identical at every step"
	case ag.GradMaxRelDiff <= ag.Tolerance:
		ag.OK = true
		ag.Summary = fmt.Sprintf("gradients agree: worst relative difference %.3g ≤ %.3g (iteration %d step %d, %s)",
			ag.GradMaxRelDiff, ag.Tolerance, w.Iteration, w.Step, w.Matrix)
	default:
		ag.OK = false
		ag.Summary = fmt.Sprintf("gradients disagree: relative difference %.3g > %.3g at iteration %d step %d, grad %s",
			ag.GradMaxRelDiff, ag.Tolerance, w.Iteration, w.Step, w.Matrix)
	}
}

// bookMatches counts the points of traj that print as the book's row of the
// same iteration.
func bookMatches(traj []Point) *BookReport {
	rows := BookTable()
	b := &BookReport{Rows: len(rows)}
	for _, p := range traj {
		for _, r := range rows {
			if MatchesBook(p, r) {
				b.RowsMatching++
			}
		}
	}
	return b
}

// configReport describes c for the report.
func configReport[T ops.Float](c Config, tol float64, loaded bool) ConfigReport {
	r := ConfigReport{
		Dtype: dtypeName[T](), Seed: c.Seed, TrainImages: c.TrainImages, Hidden: c.Hidden,
		Batch: c.Batch, Alpha: c.Alpha, Iterations: c.Iterations, Output: c.Output.Name,
		Dropout: c.Dropout, Book: c.Book, EvalEvery: c.EvalEvery, W01Range: c.W01Range,
		W12Range: c.W12Range, LossScale: c.LossScale(), Tolerance: tol, LoadedInit: loaded,
	}
	if c.HiddenAct != nil {
		r.HiddenAct = c.HiddenAct.Name()
	}
	return r
}
