package mnist

import (
	"fmt"
	"slices"

	"outgrad/ops"
)

// A run's evaluations need not hold up its training. An evaluation reads
// the weights the nets have after an iteration and computes a function of
// them alone; given other nets of the same implementations holding copies of
// those weights (Background), it runs on a goroutine of its own while the
// nets take the next steps, on a second core if there is one. The points are
// the same bits either way: the same implementation computes the same
// function of the same weights and images. Other work at a point of the run
// that only reads the nets, the gradient checks, can run there too (Aside).

// Background has Run make its evaluations on evals, one net for each net of
// Run in the same order: the same implementation (the same Name), built by
// the caller from the same Config, used by nothing else while Run runs, and
// overwritten by it. An evaluation then copies every net's Weights into its
// evaluator and goes on training while the evaluators evaluate, on a
// goroutine of their own, one evaluation or piece of work (Aside) at a time
// in the order given; their points reach AfterEval on Run's goroutine, in
// order, when a step ends after they are done, and at the latest before the
// next evaluation copies the weights again and before Run returns. An error
// of that work is returned by Run when it is reached, the steps taken
// meanwhile notwithstanding (the trajectory ends at the last point before
// it, as without Background). nil (the default) evaluates on Run's
// goroutine, between the steps.
//
// It pays with a second core: the book's run spends a third of its time in
// evaluations and checks, which then overlap the steps.
func (t *Trainer[T]) Background(evals []Net[T]) {
	t.evals = evals
}

// Aside runs f with a copy of b and nets holding the weights the nets of Run
// hold now: during Run only, from one of its hooks. With evaluators
// (Background) f runs on theirs, on their goroutine, after the work queued
// before it, and Aside returns at once; f's error is then returned by Run as
// an evaluation's is. Without, f runs now, on the nets of Run and b itself,
// and its error is Aside's. f may change the weights of the nets it is
// given for a while (a finite-difference check) but must restore them, bit
// for bit, before it returns.
func (t *Trainer[T]) Aside(b Batch[T], f func(b Batch[T], nets []Net[T]) error) error {
	r := t.run
	if r == nil {
		return fmt.Errorf("mnist: Aside called outside Run")
	}
	if r.evals == nil {
		return f(b, r.nets)
	}
	c := r.batchCopy(b)
	j := &job[T]{what: "check", batch: c}
	j.run = func(nets []Net[T]) error { return f(*c, nets) }
	return r.queue(j)
}

// trainRun is one Run's state beside its loop: the trajectories so far and
// the work queued to the evaluators.
type trainRun[T ops.Float] struct {
	nets  []Net[T]
	hooks Hooks[T]
	traj  [][]Point
	// steps is how many steps the nets have taken.
	steps int

	// With evaluators (Background): evals, their goroutine's queue and its
	// end, the work queued and not yet delivered (in order), the steps
	// taken when evals were given the nets' weights (−1 before), whether
	// queued work failed (later work is then dropped), and spare batches
	// for Aside.
	evals   []Net[T]
	jobs    chan *job[T]
	stopped chan struct{}
	pending []*job[T]
	loaded  int
	failed  bool
	spare   []*Batch[T]
}

// job is a piece of work for the evaluators: an evaluation, whose points
// run fills and delivery passes to AfterEval, or an Aside with its copy of
// a batch.
type job[T ops.Float] struct {
	what   string // for a panic's error
	run    func(nets []Net[T]) error
	points []Point
	batch  *Batch[T]
	done   chan error
}

// maxQueued is the most jobs queued to the evaluators' goroutine at once;
// queueing another waits until it takes one.
const maxQueued = 8

// start checks the evaluators against the nets and starts their goroutine.
func (r *trainRun[T]) start(evals []Net[T]) error {
	if evals == nil {
		return nil
	}
	if len(evals) != len(r.nets) {
		return fmt.Errorf("mnist: train: %d evaluators for %d nets", len(evals), len(r.nets))
	}
	for k, e := range evals {
		if e == nil {
			return fmt.Errorf("mnist: train: evaluator %d is nil", k)
		}
		n := r.nets[k]
		if e.Name() != n.Name() {
			return fmt.Errorf("mnist: train: evaluator %d is %s, net %d is %s", k, e.Name(), k, n.Name())
		}
		ew, nw := e.Weights(), n.Weights()
		if len(ew) != len(nw) {
			return fmt.Errorf("mnist: train: evaluator %d holds %d weight tensors, its net %d", k, len(ew), len(nw))
		}
		for i := range nw {
			if len(ew[i]) != len(nw[i]) {
				return fmt.Errorf("mnist: train: evaluator %d: weight tensor %d holds %d values, its net's %d", k, i, len(ew[i]), len(nw[i]))
			}
		}
	}
	r.evals = evals
	r.jobs, r.stopped = make(chan *job[T], maxQueued), make(chan struct{})
	go func() {
		defer close(r.stopped)
		for j := range r.jobs {
			j.done <- guard(j.what, func() error { return j.run(r.evals) })
		}
	}()
	return nil
}

// stop ends the evaluators' goroutine once its queued work is done.
func (r *trainRun[T]) stop() {
	if r.jobs != nil {
		close(r.jobs)
		<-r.stopped
		r.jobs = nil
	}
}

// queue has j run: now, on the nets, without evaluators; else on the
// evaluators, given the nets' weights first if the nets have stepped since
// they last were (which waits for the work queued before).
func (r *trainRun[T]) queue(j *job[T]) error {
	if j.what == "" {
		j.what = "evaluation"
	}
	if r.evals == nil {
		return r.finish(j, guard(j.what, func() error { return j.run(r.nets) }))
	}
	if r.loaded != r.steps {
		if err := r.deliver(true); err != nil {
			return err
		}
		for k, n := range r.nets {
			ew := r.evals[k].Weights()
			for i, w := range n.Weights() {
				copy(ew[i], w)
			}
		}
		r.loaded = r.steps
	}
	j.done = make(chan error, 1)
	r.pending = append(r.pending, j)
	r.jobs <- j
	return nil
}

// deliver passes on the queued work that is done, in order, and returns the
// first error; with wait, it waits for all of it. Once some work has failed,
// the work queued after it is waited for and dropped.
func (r *trainRun[T]) deliver(wait bool) error {
	for len(r.pending) > 0 {
		j := r.pending[0]
		var err error
		if wait {
			err = <-j.done
		} else {
			select {
			case err = <-j.done:
			default:
				return nil
			}
		}
		r.pending = r.pending[1:]
		if r.failed {
			continue
		}
		if err = r.finish(j, err); err != nil {
			r.failed = true
			if !wait {
				return err
			}
			r.drain()
			return err
		}
	}
	return nil
}

// drain waits for the work still queued and drops it.
func (r *trainRun[T]) drain() {
	for _, j := range r.pending {
		<-j.done
	}
	r.pending = r.pending[:0]
}

// finish delivers the work j that ended with err: an evaluation's points to
// the trajectories and AfterEval, an Aside's batch back to the spares.
func (r *trainRun[T]) finish(j *job[T], err error) error {
	if j.batch != nil {
		r.spare = append(r.spare, j.batch)
	}
	if err != nil || j.points == nil {
		return err
	}
	for k, p := range j.points {
		r.traj[k] = append(r.traj[k], p)
	}
	if r.hooks.AfterEval != nil {
		return r.hooks.AfterEval(j.points)
	}
	return nil
}

// batchCopy returns a copy of b in a spare batch.
func (r *trainRun[T]) batchCopy(b Batch[T]) *Batch[T] {
	var c *Batch[T]
	if n := len(r.spare); n > 0 {
		c, r.spare = r.spare[n-1], r.spare[:n-1]
	} else {
		c = new(Batch[T])
	}
	c.Iteration, c.Step = b.Iteration, b.Step
	c.X = append(c.X[:0], b.X...)
	c.T = append(c.T[:0], b.T...)
	if b.Masks == nil {
		c.Masks = nil
	} else {
		c.Masks = slices.Grow(c.Masks[:0], len(b.Masks))[:len(b.Masks)]
		for l, m := range b.Masks {
			c.Masks[l] = append(c.Masks[l][:0], m...)
		}
	}
	return c
}
