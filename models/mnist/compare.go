package mnist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"outgrad/graph/blas"
	"outgrad/models/mnist/handrolled"
	"outgrad/ops"
)

// The implementation names Compare accepts in CompareOptions.Impl.
const (
	ImplGraph      = "graph"
	ImplHandRolled = "handrolled"
	ImplBuiltin    = "builtin"
	ImplBoth       = "both" // graph and hand-rolled, the default
	ImplAll        = "all"  // graph, hand-rolled and built-in (where Gorgonia's ops can express the configuration)
)

// CompareOptions says what Compare runs and how strictly it judges.
type CompareOptions struct {
	// Impl is ImplGraph, ImplHandRolled, ImplBuiltin, ImplBoth or ImplAll
	// ("" means both).
	Impl string
	// Tol is the largest normwise relative gradient difference ‖Δ‖∞/‖g‖∞
	// allowed between the implementations trained in lock step; 0 means
	// DefaultTolerance for the element type.
	Tol float64
	// Init, when not nil, replaces the RNG's initial draw, one matrix per
	// layer (the RNG still makes that draw, so the dropout masks are unchanged).
	Init [][]float64
	// FirstStepChecksOnly runs the network finite-difference and built-in
	// checks at the first step only, not again at every evaluation. The slope
	// checks always run.
	FirstStepChecksOnly bool
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
	Checks      *Checks               `json:"checks"`
	Book        *BookReport           `json:"book,omitempty"`
	WallSeconds float64               `json:"wall_seconds"`
	// BLAS is the BLAS the implementations ran on (blas.Describe).
	BLAS string `json:"blas"`
	// OK is false when the implementations disagree beyond the tolerance
	// outside book mode, or when any independent check fails.
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
	Tolerance   float64 `json:"tolerance"`
	LoadedInit  bool    `json:"loaded_initial_weights"`
}

// RunReport is one implementation's run.
type RunReport struct {
	Trajectory []Point                `json:"trajectory"`
	Weights    map[string]WeightsStat `json:"weights"`
	// GradNorms holds, per evaluation, the Frobenius norm of the last step's
	// gradient of every weight matrix (w01 first): where the gradient goes.
	GradNorms         []GradNorms `json:"grad_norms"`
	TrainStepNsMedian int64       `json:"train_step_ns_median"`
	EvalNsMedian      int64       `json:"eval_ns_median"`
	// WallSeconds is the time spent in this implementation's steps and evaluations.
	WallSeconds float64 `json:"wall_seconds"`
	// Final holds the final weights as float64, one matrix per layer.
	Final [][]float64 `json:"-"`
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

// Where names a step and a matrix, and the implementation compared with the
// first one when more than two run.
type Where struct {
	Iteration int    `json:"iteration"`
	Step      int    `json:"step"`
	Matrix    string `json:"matrix"`
	Impl      string `json:"impl,omitempty"`
}

// Agreement compares the implementations trained in lock step with the
// first (the graph's gradient g).
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

// timedNet is a Net that records how long each Step and each Logits call
// took, in constant memory.
type timedNet[T ops.Float] struct {
	Net[T]
	steps, evals durations
}

func (n *timedNet[T]) Step(x, t []T, masks [][]T) error {
	start := time.Now()
	err := n.Net.Step(x, t, masks)
	n.steps.add(time.Since(start))
	return err
}

func (n *timedNet[T]) Logits(x []T, rows int) ([]T, error) {
	start := time.Now()
	out, err := n.Net.Logits(x, rows)
	n.evals.add(time.Since(start))
	return out, err
}

// elemSize is the size of T in bytes.
func elemSize[T ops.Float]() int {
	if dtypeName[T]() == "float32" {
		return 4
	}
	return 8
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
// A NaN anywhere makes both NaN. It runs after every step over every
// gradient, so it compares with plain comparisons, not math.Max and
// math.Abs, and looks for NaN only when a difference is not larger.
func relDiff[T, U ops.Float](a []T, g []U) (rel, abs float64) {
	var m float64
	a = a[:len(g)]
	for i, gv := range g {
		gi := float64(gv)
		d := float64(a[i]) - gi
		if d < 0 {
			d = -d
		}
		if d > abs {
			abs = d
		} else if d != d {
			return math.NaN(), math.NaN()
		}
		if gi < 0 {
			gi = -gi
		}
		if gi > m {
			m = gi
		}
	}
	if m == 0 {
		return abs, abs
	}
	return abs / m, abs
}

// worse reports whether x should replace the worst so far: larger, or NaN.
func worse(x, worst float64) bool { return x > worst || (x != x && worst == worst) }

// toT converts float64 values to T.
func toT[T ops.Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// toF64 converts values to float64.
func toF64[T ops.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// allF64 converts every matrix to float64.
func allF64[T ops.Float](vs [][]T) [][]float64 {
	out := make([][]float64, len(vs))
	for i, v := range vs {
		out[i] = toF64(v)
	}
	return out
}

// Validate reports an unknown Impl or a bad tolerance.
func (o CompareOptions) Validate() error {
	switch o.Impl {
	case "", ImplBoth, ImplGraph, ImplHandRolled, ImplBuiltin, ImplAll:
	default:
		return fmt.Errorf("mnist: unknown implementation %q (known: graph, handrolled, builtin, both, all)", o.Impl)
	}
	if !(o.Tol >= 0) || math.IsInf(o.Tol, 0) {
		return fmt.Errorf("mnist: tolerance %v: want a finite number ≥ 0", o.Tol)
	}
	return nil
}

// impls returns the implementations an Impl value trains, in order.
func (o CompareOptions) impls() []string {
	switch o.Impl {
	case ImplGraph, ImplHandRolled, ImplBuiltin:
		return []string{o.Impl}
	case ImplAll:
		return []string{ImplGraph, ImplHandRolled, ImplBuiltin}
	}
	return []string{ImplGraph, ImplHandRolled}
}

// Spec is c as the hand-rolled implementation's specification.
func (c Config) Spec() handrolled.Spec {
	return handrolled.Spec{
		Sizes: c.Sizes(), Acts: c.Acts(), Output: c.Output, Batch: c.Batch,
		Alpha: c.Alpha, Scale: c.LossScale(), Dropout: c.Dropout, Book: c.Book, Pool: c.Pool,
	}
}

// NewHandRolled returns the hand-rolled implementation of c starting from
// copies of ws.
func NewHandRolled[T ops.Float](c Config, ws [][]T) (*handrolled.Net[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkWeights(c, ws); err != nil {
		return nil, err
	}
	return handrolled.New(c.Spec(), ws)
}

// newNet builds the implementation called name.
func newNet[T ops.Float](name string, c Config, ws [][]T) (Net[T], func(), error) {
	switch name {
	case ImplGraph:
		g, err := NewGraph(c, ws)
		if err != nil {
			return nil, nil, err
		}
		return g, func() { g.Close() }, nil
	case ImplBuiltin:
		b, err := NewBuiltin(c, ws)
		if err != nil {
			return nil, nil, err
		}
		return b, func() { b.Close() }, nil
	}
	h, err := NewHandRolled(c, ws)
	if err != nil {
		return nil, nil, err
	}
	return h, func() {}, nil
}

// Compare trains the chosen implementations (graph and hand-rolled by
// default, in that order) in lock step from the same initial weights, batches
// and masks, and checks them against references that share no code with them.
//
// Between the implementations: after every step it compares their gradients
// with the first's (normwise relative ‖Δ‖∞/‖g‖∞ and max absolute); at every
// evaluation their weights and accuracies. This catches wiring; it cannot
// catch what they share (the activations' slopes).
//
// Independent references (Report.Checks), each able to fail the run:
//   - every activation's slope against central differences of its forward,
//     before training on [−6, 6] and after on the range of pre-activations the
//     run produced (tracked at the check points);
//   - each implementation's gradient against central differences of its own
//     loss along random directions, every matrix, with the step's dropout
//     masks held fixed (float32 gradients against the float64 loss), at the
//     first step and at the first step after every evaluation;
//   - at the same points, the gradient of the network built from Gorgonia's
//     built-in ops (derivatives from inputs, Gorgonia's own differentiation),
//     where Gorgonia has the activations.
//
// In book mode the hand-rolled side follows the book's slope, which is not a
// gradient: its difference from the graph is reported, not judged, and it is
// not checked against finite differences; the references check the graph.
func Compare[T ops.Float](c Config, train, test Data[T], opts CompareOptions) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	tol := opts.Tol
	if tol == 0 {
		tol = DefaultTolerance[T]()
	}
	start := time.Now()
	if c.Pool == nil {
		c.Pool = ops.NewPool(0)
		defer c.Pool.Close()
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if opts.Impl == ImplAll && BuiltinSupports(c) != nil {
		// All that can run: the built-in network cannot be built for this
		// configuration, and its check says "not run" with the reason.
		opts.Impl = ImplBoth
	}
	if err := CheckMemory(c, elemSize[T](), len(opts.impls())+2, test.N); err != nil {
		return nil, err
	}
	tr, ws, err := NewTrainer(c, train, test)
	if err != nil {
		return nil, err
	}
	if opts.Init != nil {
		if err := checkWeights(c, opts.Init); err != nil {
			return nil, err
		}
		for i := range ws {
			ws[i] = toT[T](opts.Init[i])
		}
	}
	var nets []*timedNet[T]
	for _, name := range opts.impls() {
		n, closeNet, err := newNet(name, c, ws)
		if err != nil {
			return nil, err
		}
		defer closeNet()
		nets = append(nets, &timedNet[T]{Net: n})
	}
	names := make([]string, len(nets))
	plain := make([]Net[T], len(nets))
	for i, n := range nets {
		names[i], plain[i] = n.Name(), n
	}
	built := time.Now()
	k, err := newChecker(c, ws, opts)
	if err != nil {
		return nil, err
	}
	k.spent += time.Since(built) // building the built-in network counts as checking
	defer k.close()
	k.slopesBefore()

	matrices := c.MatrixNames()
	gradNorms := make([][]GradNorms, len(nets))
	var ag *Agreement
	if len(nets) > 1 {
		first := Where{Matrix: matrices[0]}
		ag = &Agreement{Tolerance: tol, TrajectoriesEqual: true, BookSlopeIsExpected: c.Book && c.Dropout,
			GradMaxRelAt: first, GradMaxAbsAt: first, WeightsMaxAbsAt: Where{Step: c.Steps() - 1, Matrix: matrices[0]}}
	}
	hooks := Hooks[T]{
		BeforeStep: func(b Batch[T]) error {
			if b.Step == 0 && (b.Iteration == 0 || (!opts.FirstStepChecksOnly && c.Evaluated(b.Iteration-1))) {
				return k.at(b, plain)
			}
			return nil
		},
		AfterStep: func(b Batch[T]) error {
			if ag != nil {
				ref := nets[0].Grads()
				for j := 1; j < len(nets); j++ {
					for i, g := range nets[j].Grads() {
						rel, abs := relDiff(g, ref[i])
						at := Where{Iteration: b.Iteration, Step: b.Step, Matrix: matrices[i]}
						if len(nets) > 2 {
							at.Impl = names[j]
						}
						if b.Iteration == 0 && b.Step == 0 && worse(rel, ag.GradFirstStepRel) {
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
			}
			if opts.Progress != nil {
				opts.Progress(b.Iteration, b.Step)
			}
			return nil
		},
		AfterEval: func(points []Point) error {
			for j, n := range nets {
				gn := GradNorms{Iteration: points[0].Iteration}
				for _, g := range n.Grads() {
					var s float64
					for _, v := range g {
						s += float64(v) * float64(v)
					}
					gn.Norms = append(gn.Norms, math.Sqrt(s))
				}
				gradNorms[j] = append(gradNorms[j], gn)
			}
			if ag != nil {
				ref := nets[0].Weights()
				for j := 1; j < len(nets); j++ {
					for i, w := range nets[j].Weights() {
						_, abs := relDiff(w, ref[i])
						if worse(abs, ag.WeightsMaxAbsDiff) {
							ag.WeightsMaxAbsDiff = abs
							ag.WeightsMaxAbsAt = Where{Iteration: points[0].Iteration, Step: c.Steps() - 1, Matrix: matrices[i]}
						}
					}
					ag.TestAccMaxDiff = math.Max(ag.TestAccMaxDiff, math.Abs(points[0].TestAcc-points[j].TestAcc))
					ag.TrainAccMaxDiff = math.Max(ag.TrainAccMaxDiff, math.Abs(points[0].TrainAcc-points[j].TrainAcc))
					if points[0].TestAcc != points[j].TestAcc || points[0].TrainAcc != points[j].TrainAcc {
						ag.TrajectoriesEqual = false
					}
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
	k.slopesAfter()

	rep := &Report{
		Config: configReport[T](c, tol, opts.Init != nil),
		Impls:  names,
		Runs:   map[string]*RunReport{},
		Checks: k.finish(),
		BLAS:   blas.Describe(),
	}
	for i, n := range nets {
		final := allF64(n.Weights())
		stats := map[string]WeightsStat{}
		for m, w := range final {
			s, q := Checksum(w)
			stats[matrices[m]] = WeightsStat{Sum: s, SumSq: q}
		}
		rep.Runs[names[i]] = &RunReport{
			Trajectory:        traj[i],
			Weights:           stats,
			GradNorms:         gradNorms[i],
			TrainStepNsMedian: int64(n.steps.median()),
			EvalNsMedian:      int64(n.evals.median()),
			WallSeconds:       (n.steps.total + n.evals.total).Seconds(),
			Final:             final,
		}
	}
	rep.OK = rep.Checks.OK
	if ag != nil {
		finishAgreement(ag, c.Book && c.Dropout, len(nets) > 2)
		rep.Agreement = ag
		rep.OK = rep.OK && ag.OK
	}
	if h, ok := rep.Runs[ImplHandRolled]; ok && c.Book {
		rep.Book = bookMatches(h.Trajectory)
	}
	rep.WallSeconds = time.Since(start).Seconds()
	return rep, nil
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
	return ConfigReport{
		Dtype: dtypeName[T](), Seed: c.Seed, TrainImages: c.TrainImages, Hidden: c.Hidden,
		Batch: c.Batch, Alpha: c.Alpha, Iterations: c.Iterations, HiddenAct: c.ActNames(),
		Output: c.Output.Name, Dropout: c.Dropout, Book: c.Book, EvalEvery: c.EvalEvery,
		W01Range: c.W01Range, W12Range: c.W12Range, LossScale: c.LossScale(), Tolerance: tol,
		LoadedInit: loaded,
	}
}

// newPCG returns the generator of the checks' random directions: seeded from
// the run's seed, separate from the numpy stream, so that checking changes
// no weight and no mask.
func newPCG(seed uint32) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x6f7574677261640a)) }
