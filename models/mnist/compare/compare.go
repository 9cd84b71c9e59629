package compare

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/reference"
	"outgrad/ops"
	"outgrad/ops/blas"
)

// The selections of several implementations Compare accepts in
// CompareOptions.Impl, besides the name of one (mnist.ImplGraph,
// mnist.ImplHandRolled, mnist.ImplBuiltin).
const (
	ImplBoth = "both" // graph and hand-rolled, the default
	ImplAll  = "all"  // graph, hand-rolled and built-in (where Gorgonia's ops can express the configuration)
)

// CompareOptions says what Compare runs and how strictly it judges.
type CompareOptions struct {
	// Impl is mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin,
	// ImplBoth or ImplAll
	// ("" means both).
	Impl string
	// Tol is the largest normwise relative gradient difference ‖Δ‖∞/‖g‖∞
	// allowed between the implementations trained in lock step; 0 means
	// DefaultTolerance for the element type.
	Tol float64
	// Init, when not nil, replaces the RNG's initial draw, one matrix per
	// layer (the RNG still makes that draw, so the dropout masks are
	// unchanged). Its values must be finite.
	Init [][]float64
	// FirstStepChecksOnly runs the network finite-difference and built-in
	// checks at the first step only, not again at every evaluation. The slope
	// checks always run.
	FirstStepChecksOnly bool
	// Progress, when not nil, is called after every step.
	Progress func(iter, step int)
	// OnEval, when not nil, is called after every evaluation with the names of
	// the implementations and their points, in the same order.
	OnEval func(names []string, points []mnist.Point)
	// Serial makes the evaluations and the network checks between the
	// steps, on the goroutine that trains. By default, with more than one
	// core (GOMAXPROCS > 1) and memory for them, they run beside the steps
	// on a second set of nets given the weights at each evaluation
	// (mnist.Trainer.Background): the same results, the run shorter by most
	// of their time. Report.Beside says which ran.
	Serial bool
}

// DefaultTolerance is the default gradient tolerance for T: 1e-10 for float64,
// 1e-4 for float32 (relative, normwise ‖Δ‖∞/‖g‖∞).
func DefaultTolerance[T ops.Float]() float64 {
	if floats.DtypeName[T]() == "float32" {
		return 1e-4
	}
	return 1e-10
}

// timedNet is a Net that records how long each Step and each Logits call
// took, in constant memory.
type timedNet[T ops.Float] struct {
	mnist.Net[T]
	steps, evals durations
	pending      time.Duration // the Logits calls of the evaluation under way
}

func (n *timedNet[T]) Step(x, t []T, masks [][]T) error {
	start := time.Now()
	err := n.Net.Step(x, t, masks)
	n.steps.add(time.Since(start))
	return err
}

// Logits times the call into the evaluation under way: one evaluation is
// every Logits call between two AfterEval hooks (the test set and the
// training images of the training loss), recorded by endEval.
func (n *timedNet[T]) Logits(x []T, rows int) ([]T, error) {
	start := time.Now()
	out, err := n.Net.Logits(x, rows)
	n.pending += time.Since(start)
	return out, err
}

// evalNet is the evaluator of a timedNet (mnist.Trainer.Background): its
// Logits calls are timed as the evaluation under way of the net it
// evaluates for, which reads the time only once the evaluation is done.
type evalNet[T ops.Float] struct {
	mnist.Net[T]
	of *timedNet[T]
}

func (n *evalNet[T]) Logits(x []T, rows int) ([]T, error) {
	start := time.Now()
	out, err := n.Net.Logits(x, rows)
	n.of.pending += time.Since(start)
	return out, err
}

// endEval records the evaluation that just ended.
func (n *timedNet[T]) endEval() {
	n.evals.add(n.pending)
	n.pending = 0
}

// Validate reports an unknown Impl or a bad tolerance.
func (o CompareOptions) Validate() error {
	switch o.Impl {
	case "", ImplBoth, mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin, ImplAll:
	default:
		return fmt.Errorf("compare: unknown implementation %q (known: graph, handrolled, builtin, both, all)", o.Impl)
	}
	if !(o.Tol >= 0) || math.IsInf(o.Tol, 0) {
		return fmt.Errorf("compare: tolerance %v: want a finite number ≥ 0", o.Tol)
	}
	return nil
}

// ValidateFor reports what Validate reports, then what c's Validate
// reports, then an Impl that cannot be built for c: mnist.ImplBuiltin alone
// for a configuration Gorgonia's built-in ops cannot express (an error
// wrapping graphnet.ErrNoBuiltin). ImplAll is not refused: it trains what
// can run. Compare calls it before anything is allocated; a command can
// call it to refuse such a run before loading the data.
func (o CompareOptions) ValidateFor(c mnist.Config) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if o.Impl == mnist.ImplBuiltin {
		if err := graphnet.BuiltinSupports(c); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
	}
	return nil
}

// beside reports whether the evaluations and the network checks run beside
// the steps: unless Serial, with more than one core.
func (o CompareOptions) beside() bool {
	return !o.Serial && runtime.GOMAXPROCS(0) > 1
}

// memoryNets is the number of networks' worth of memory a comparison holds
// (mnist.CheckMemory): each implementation's, twice when the evaluations
// run beside the steps (the evaluators), and two more for the references.
func (o CompareOptions) memoryNets() int {
	n := len(o.impls())
	if o.beside() {
		n *= 2
	}
	return n + 2
}

// impls returns the implementations an Impl value trains, in order.
func (o CompareOptions) impls() []string {
	switch o.Impl {
	case mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin:
		return []string{o.Impl}
	case ImplAll:
		return []string{mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin}
	}
	return []string{mnist.ImplGraph, mnist.ImplHandRolled}
}

// newNet builds the implementation called name.
func newNet[T ops.Float](name string, c mnist.Config, ws [][]T) (mnist.Net[T], func(), error) {
	switch name {
	case mnist.ImplGraph:
		g, err := graphnet.NewGraph(c, ws)
		if err != nil {
			return nil, nil, err
		}
		return g, func() { g.Close() }, nil
	case mnist.ImplBuiltin:
		b, err := graphnet.NewBuiltin(c, ws)
		if err != nil {
			return nil, nil, err
		}
		return b, func() { b.Close() }, nil
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		return nil, nil, err
	}
	return h, func() {}, nil
}

// newNets builds the implementations called names, adding the function that
// closes each to closers.
func newNets[T ops.Float](names []string, c mnist.Config, ws [][]T, closers *[]func()) ([]mnist.Net[T], error) {
	var nets []mnist.Net[T]
	for _, name := range names {
		n, closeNet, err := newNet(name, c, ws)
		if err != nil {
			return nil, err
		}
		*closers = append(*closers, closeNet)
		nets = append(nets, n)
	}
	return nets, nil
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
//
// A training that diverges (NaN or ±Inf) returns both its report, up to
// the step where it stopped, with Report.Diverged set and OK false, and
// the error wrapping mnist.ErrDiverged; any other error returns no report.
func Compare[T ops.Float](c mnist.Config, train, test mnist.Data[T], opts CompareOptions) (*Report, error) {
	if err := opts.ValidateFor(c); err != nil {
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
	if opts.Impl == ImplAll && graphnet.BuiltinSupports(c) != nil {
		// All that can run: the built-in network cannot be built for this
		// configuration, and its check says "not run" with the reason.
		opts.Impl = ImplBoth
	}
	background := opts.beside()
	if err := mnist.CheckMemory(c, floats.ElemSize[T](), opts.memoryNets(), test.N); err != nil {
		// Without room for the evaluators, the run evaluates between the
		// steps (Report.Beside false), as it would on one core.
		serial := opts
		serial.Serial = true
		if mnist.CheckMemory(c, floats.ElemSize[T](), serial.memoryNets(), test.N) != nil {
			return nil, err
		}
		background = false
	}
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		return nil, err
	}
	if opts.Init != nil {
		if err := mnist.CheckWeights(c, opts.Init); err != nil {
			return nil, err
		}
		for i, w := range opts.Init {
			if k := blas.FirstNonFinite(w); k >= 0 {
				return nil, fmt.Errorf("compare: initial weights %s hold %v at %d", c.WeightNames()[i], w[k], k)
			}
		}
		for i := range ws {
			ws[i] = floats.ToT[T](opts.Init[i])
		}
	}
	var closers []func()
	defer func() {
		for _, f := range closers {
			f()
		}
	}()
	nets, err := newNets(opts.impls(), c, ws, &closers)
	if err != nil {
		return nil, err
	}
	k, err := reference.NewChecker(c, ws, opts.impls(), !opts.FirstStepChecksOnly)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	r := newRun(c, opts, tol, nets, k)
	r.aside = tr.Aside
	if background {
		evals, err := newNets(opts.impls(), c, ws, &closers)
		if err != nil {
			return nil, err
		}
		for i, e := range evals {
			evals[i] = &evalNet[T]{Net: e, of: r.nets[i]}
		}
		tr.Background(evals)
	}
	k.SlopesBefore()
	traj, err := tr.Run(r.plain, mnist.Hooks[T]{BeforeStep: r.beforeStep, AfterStep: r.afterStep, BeforeEval: r.beforeEval, AfterEval: r.afterEval})
	if err != nil && !errors.Is(err, mnist.ErrDiverged) {
		return nil, err
	}
	k.SlopesAfter()
	for len(traj) < len(nets) {
		traj = append(traj, nil)
	}
	rep := r.finish(traj)
	rep.WallSeconds, rep.Beside = time.Since(start).Seconds(), background
	if err != nil {
		// The run so far is a result: its report, with the divergence.
		rep.Diverged, rep.OK = err.Error(), false
		return rep, err
	}
	return rep, nil
}

// run is one Compare between the building of its nets and its report: the
// nets trained in lock step and what is tracked between them. Its methods
// are the trainer's hooks and the report at the end, each a step that can
// be run alone.
type run[T ops.Float] struct {
	c        mnist.Config
	opts     CompareOptions
	tol      float64
	nets     []*timedNet[T]
	plain    []mnist.Net[T] // nets as the trainer takes them
	names    []string
	matrices []string
	checks   *reference.Checker[T]
	// aside runs the checks at a batch (mnist.Trainer.Aside; by default on
	// the nets, at once).
	aside func(mnist.Batch[T], func(mnist.Batch[T], []mnist.Net[T]) error) error
	// gradNorms holds, per net, the gradient norms at every evaluation.
	gradNorms [][]GradNorms
	// ag is the agreement of the nets with the first; nil for one net.
	ag *Agreement
}

// newRun times the nets and starts the agreement of the nets with the first.
func newRun[T ops.Float](c mnist.Config, opts CompareOptions, tol float64, nets []mnist.Net[T], k *reference.Checker[T]) *run[T] {
	r := &run[T]{c: c, opts: opts, tol: tol, matrices: c.WeightNames(), checks: k, gradNorms: make([][]GradNorms, len(nets))}
	r.aside = func(b mnist.Batch[T], f func(mnist.Batch[T], []mnist.Net[T]) error) error { return f(b, r.plain) }
	for _, n := range nets {
		t := &timedNet[T]{Net: n}
		r.nets, r.plain, r.names = append(r.nets, t), append(r.plain, t), append(r.names, n.Name())
	}
	if len(nets) > 1 {
		first := reference.Where{Matrix: r.matrices[0]}
		r.ag = &Agreement{Tolerance: tol, TrajectoriesEqual: true, BookSlopeIsExpected: c.Book && c.Dropout,
			GradMaxRelAt: first, GradMaxAbsAt: first, WeightsMaxAbsAt: reference.Where{Step: c.Steps() - 1, Matrix: r.matrices[0]}}
	}
	return r
}

// beforeStep has the network checks run at the first step, and at the
// first step after every evaluation unless opts.FirstStepChecksOnly: on the
// nets at their weights, or beside the steps on the evaluators given them
// (mnist.Trainer.Aside).
func (r *run[T]) beforeStep(b mnist.Batch[T]) error {
	if b.Step == 0 && (b.Iteration == 0 || (!r.opts.FirstStepChecksOnly && r.c.Evaluated(b.Iteration-1))) {
		return r.aside(b, r.checks.At)
	}
	return nil
}

// afterStep compares every net's gradients of step b with the first net's:
// the worst normwise relative difference ‖Δ‖∞/‖g‖∞ and the worst absolute
// one, each with where it was, and the worst relative one of the first step.
func (r *run[T]) afterStep(b mnist.Batch[T]) error {
	if ag := r.ag; ag != nil {
		ref := r.nets[0].Grads()
		for j := 1; j < len(r.nets); j++ {
			for i, g := range r.nets[j].Grads() {
				rel, abs := floats.RelDiff(g, ref[i])
				at := reference.Where{Iteration: b.Iteration, Step: b.Step, Matrix: r.matrices[i]}
				if len(r.nets) > 2 {
					at.Impl = r.names[j]
				}
				if b.Iteration == 0 && b.Step == 0 && floats.Worse(rel, ag.GradFirstStepRel) {
					ag.GradFirstStepRel = rel
				}
				if floats.Worse(rel, ag.GradMaxRelDiff) {
					ag.GradMaxRelDiff, ag.GradMaxRelAt = rel, at
				}
				if floats.Worse(abs, ag.GradMaxAbsDiff) {
					ag.GradMaxAbsDiff, ag.GradMaxAbsAt = abs, at
				}
			}
		}
	}
	if r.opts.Progress != nil {
		r.opts.Progress(b.Iteration, b.Step)
	}
	return nil
}

// beforeEval records every net's gradient norms and compares the nets'
// weights with the first's, as they are when the evaluation after iter
// starts.
func (r *run[T]) beforeEval(iter int) error {
	for j, n := range r.nets {
		gn := GradNorms{Iteration: iter}
		for _, g := range n.Grads() {
			var s float64
			for _, v := range g {
				s += float64(v) * float64(v)
			}
			gn.Norms = append(gn.Norms, math.Sqrt(s))
		}
		r.gradNorms[j] = append(r.gradNorms[j], gn)
	}
	if ag := r.ag; ag != nil {
		ref := r.nets[0].Weights()
		for j := 1; j < len(r.nets); j++ {
			for i, w := range r.nets[j].Weights() {
				_, abs := floats.RelDiff(w, ref[i])
				if floats.Worse(abs, ag.WeightsMaxAbsDiff) {
					ag.WeightsMaxAbsDiff = abs
					ag.WeightsMaxAbsAt = reference.Where{Iteration: iter, Step: r.c.Steps() - 1, Matrix: r.matrices[i]}
				}
			}
		}
	}
	return nil
}

// afterEval records the evaluation's time and compares the nets'
// accuracies and losses with the first's.
func (r *run[T]) afterEval(points []mnist.Point) error {
	for _, n := range r.nets {
		n.endEval()
	}
	if ag := r.ag; ag != nil {
		for j := 1; j < len(r.nets); j++ {
			ag.TestAccMaxDiff = math.Max(ag.TestAccMaxDiff, math.Abs(points[0].TestAcc-points[j].TestAcc))
			ag.TrainAccMaxDiff = math.Max(ag.TrainAccMaxDiff, math.Abs(points[0].TrainAcc-points[j].TrainAcc))
			ag.TestLossMaxDiff = math.Max(ag.TestLossMaxDiff, math.Abs(points[0].TestLoss-points[j].TestLoss))
			ag.TrainLossMaxDiff = math.Max(ag.TrainLossMaxDiff, math.Abs(points[0].TrainLoss-points[j].TrainLoss))
			if points[0] != points[j] {
				ag.TrajectoriesEqual = false
			}
		}
	}
	if r.opts.OnEval != nil {
		r.opts.OnEval(r.names, points)
	}
	return nil
}

// finish returns the report of the run whose trajectories, one per net,
// are traj: the checks' verdict, the agreement judged, every net's final
// weights, norms and timings. WallSeconds is left to the caller.
func (r *run[T]) finish(traj [][]mnist.Point) *Report {
	rep := &Report{
		Config: NewConfigReport[T](r.c, r.tol, r.opts.Init != nil),
		Impls:  r.names,
		Runs:   map[string]*RunReport{},
		Checks: r.checks.Finish(),
		BLAS:   blas.Describe(),
	}
	for i, n := range r.nets {
		final := floats.AllF64(n.Weights())
		stats := map[string]WeightsStat{}
		for m, w := range final {
			s, q := Checksum(w)
			stats[r.matrices[m]] = WeightsStat{Sum: s, SumSq: q}
		}
		rep.Runs[r.names[i]] = &RunReport{
			Trajectory:        traj[i],
			Weights:           stats,
			GradNorms:         r.gradNorms[i],
			Learned:           learned(r.c, final),
			TrainStepNsMedian: int64(n.steps.median()),
			EvalNsMedian:      int64(n.evals.median()),
			WallSeconds:       (n.steps.total + n.evals.total).Seconds(),
			Final:             final,
		}
	}
	rep.OK = rep.Checks.OK
	if r.ag != nil {
		finishAgreement(r.ag, r.c.Book && r.c.Dropout, len(r.nets) > 2)
		rep.Agreement = r.ag
		rep.OK = rep.OK && r.ag.OK
	}
	if h, ok := rep.Runs[mnist.ImplHandRolled]; ok && r.c.Book {
		rep.Book = bookMatches(h.Trajectory)
	}
	return rep
}
