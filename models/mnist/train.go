package mnist

import (
	"errors"
	"fmt"
	"slices"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/numpyrng"
	"outgrad/ops"
	"outgrad/ops/blas"
)

// Point is one evaluation of one implementation after iteration Iteration:
// the accuracies as the book prints them, and the losses.
//
// TrainAcc is the book's: the fraction of training images classified right
// by the steps of the iteration (dropout on, the weights changing from step
// to step). TestAcc is the test set's after the iteration, without dropout.
//
// TestLoss and TrainLoss are the run's own loss function (Config.Output:
// cross-entropy −ln softmax(k·z)_label for a softmax of base e^k, squared
// error ½Σ_j (y_j − t_j)² for the others) as the per-example mean,
// (1/N)·Σ_examples loss, without the 1/batch² of the training loss L
// (Config.LossScale): the figure other frameworks print. Both are computed
// at evaluation time from the test-time network's logits (no dropout, the
// weights after the iteration): TestLoss over the test set, TrainLoss over
// the training images the run trains on (Config.Steps()·Batch of them), so
// that the two are the same function of the same network and can be set
// side by side.
type Point struct {
	Iteration int     `json:"iteration"`
	TestAcc   float64 `json:"test_acc"`
	TrainAcc  float64 `json:"train_acc"`
	TestLoss  float64 `json:"test_loss"`
	TrainLoss float64 `json:"train_loss"`
}

// ErrDiverged is wrapped by the error of a training run whose output,
// gradients or weights stopped being finite.
var ErrDiverged = errors.New("diverged")

// Batch is one training step's data: the images, targets and masks that
// every net gets, and where it is in the run. X and T are the trainer's
// buffers, converted from the training bytes for this step: a hook that keeps
// them past the step must copy them.
type Batch[T ops.Float] struct {
	Iteration, Step int
	X, T            []T
	Masks           [][]T // one per hidden layer; nil when dropout is off
}

// Hooks are called by Run; a nil hook is skipped, and an error from a hook
// stops training and is returned.
type Hooks[T ops.Float] struct {
	// BeforeStep runs before the nets take the step b, at the weights the
	// step starts from (the gradient checks run here).
	BeforeStep func(b Batch[T]) error
	// AfterStep runs after every net has taken step b: each net's Grads are
	// those of this step.
	AfterStep func(b Batch[T]) error
	// BeforeEval runs when the evaluation after iteration iter starts, the
	// nets holding the weights it evaluates and the gradients of the
	// iteration's last step.
	BeforeEval func(iter int) error
	// AfterEval runs after an evaluation, with one Point per net in Run's
	// order: at once, or, with evaluators (Background), when a step ends
	// after the evaluation is done, always in the order of the evaluations
	// and before the next BeforeEval.
	AfterEval func(points []Point) error
}

// Trainer trains one or more implementations in lock step on one stream of
// weights and masks. It owns the RNG and the per-step buffers: the masks, the
// batch converted to floats (x, y) and the evaluator of the test set.
//
// Training images are converted to floats a batch at a time, except that a
// training set of at most EvalBlock images (the book's 1000) is converted
// once, when the Trainer is made, and each batch is a slice of it: the same
// values, without converting every image again at every iteration. Memory
// then holds at most one block of floats for the training set, as for the
// test set.
type Trainer[T ops.Float] struct {
	c           Config
	train, test Data[T]
	rng         *numpyrng.RNG
	masks       [][]T
	x, y        []T
	// whole is true when x and y hold the whole training set, converted once.
	whole   bool
	eval    Evaluator[T]
	correct []int
	acc     []float64
	// The training images trained on, evaluated for the training loss by
	// an evaluator of their own (reading x when whole).
	trained    Data[T]
	trainEval  Evaluator[T]
	testLoss   []float64
	trainLoss  []float64
	trainAccAt []float64 // the evaluation's accuracy on the training images (not reported)
	// evals are the evaluators (Background); run is the Run under way.
	evals []Net[T]
	run   *trainRun[T]
}

// NewTrainer validates the configuration against the data and draws the
// initial weights, one matrix per layer: the first draws of the RNG seeded
// with c.Seed. Every net built from them starts from the same weights.
func NewTrainer[T ops.Float](c Config, train, test Data[T]) (*Trainer[T], [][]T, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	if err := train.check("training"); err != nil {
		return nil, nil, err
	}
	if err := test.check("test"); err != nil {
		return nil, nil, err
	}
	if train.N < c.TrainImages {
		return nil, nil, fmt.Errorf("mnist: %d training images asked for, the data holds %d", c.TrainImages, train.N)
	}
	if test.N < 1 {
		return nil, nil, fmt.Errorf("mnist: no test images")
	}
	t := &Trainer[T]{c: c, train: train, test: test, rng: numpyrng.New(c.Seed)}
	n := c.Steps() * c.Batch
	t.trained = Data[T]{Images: train.Images[: n*idx.Pixels : n*idx.Pixels], Labels: train.Labels[:n:n], N: n}
	if n <= EvalBlock {
		t.x, t.y, t.whole = train.X(nil, 0, n), train.Y(nil, 0, n), true
		t.trainEval = Evaluator[T]{block: t.x, from: &t.trained.Images[0]}
	} else {
		t.x, t.y = make([]T, c.Batch*idx.Pixels), make([]T, c.Batch*idx.Classes)
	}
	ws := initWeights[T](c, t.rng)
	if c.Dropout {
		for _, h := range c.Hidden {
			t.masks = append(t.masks, make([]T, c.Batch*h))
		}
	}
	return t, ws, nil
}

// Run trains nets for c.Iterations iterations of c.Steps() batches. Before
// every step it draws one mask per hidden layer, in layer order (when dropout
// is on), and gives the same batch and masks to every net. After each step it
// checks every net's output, gradients and weights for NaN and ±Inf and stops
// with an error wrapping ErrDiverged that names the iteration, the step, the
// net and the matrix. After iterations 0, EvalEvery, … and after the last it
// evaluates every net on the test set and returns those points, one slice per
// net: between the steps, or beside them when the Trainer has evaluators
// (Background).
func (t *Trainer[T]) Run(nets []Net[T], hooks Hooks[T]) ([][]Point, error) {
	c := t.c
	if len(nets) == 0 {
		return nil, fmt.Errorf("mnist: train: no nets")
	}
	for k, n := range nets {
		if n == nil {
			return nil, fmt.Errorf("mnist: train: net %d is nil", k)
		}
	}
	if t.run != nil {
		return nil, fmt.Errorf("mnist: train: Run called while the Trainer runs")
	}
	r := &trainRun[T]{nets: nets, hooks: hooks, traj: make([][]Point, len(nets)), loaded: -1}
	if err := r.start(t.evals); err != nil {
		return nil, err
	}
	t.run = r
	defer func() { t.run = nil }()
	// The training set held as floats for the whole run (one block) does
	// not change until Run returns: the products of its batches list their
	// nonzeros once (blas.Hold). The test set is not held: its evaluation
	// is a small part of a run and its lists would take about half its
	// floats' memory again. (Deferred before the evaluators stop: their
	// work may read it until then.)
	if t.whole {
		defer blas.Hold(t.x, c.Steps()*c.Batch, idx.Pixels)()
	}
	defer r.stop()
	err := t.loop(r)
	if err2 := r.deliver(true); err == nil {
		err = err2
	}
	return r.traj, err
}

// loop is Run's loop over the steps and evaluations.
func (t *Trainer[T]) loop(r *trainRun[T]) error {
	c, nets, hooks := t.c, r.nets, r.hooks
	names, sizes := c.WeightNames(), c.Sizes()
	t.correct = make([]int, len(nets))
	for iter := 0; iter < c.Iterations; iter++ {
		clear(t.correct)
		for step := 0; step < c.Steps(); step++ {
			lo, hi := step*c.Batch, (step+1)*c.Batch
			for _, m := range t.masks {
				drawMask(t.rng, m)
			}
			x, y := t.x[lo*idx.Pixels:hi*idx.Pixels], t.y[lo*idx.Classes:hi*idx.Classes]
			if !t.whole {
				t.x, t.y = t.train.X(t.x, lo, hi), t.train.Y(t.y, lo, hi)
				x, y = t.x, t.y
			}
			b := Batch[T]{Iteration: iter, Step: step, X: x, T: y, Masks: t.masks}
			if hooks.BeforeStep != nil {
				if err := guard("check", func() error { return hooks.BeforeStep(b) }); err != nil {
					return err
				}
			}
			for k, n := range nets {
				if err := guard(n.Name(), func() error { return n.Step(b.X, b.T, b.Masks) }); err != nil {
					return fmt.Errorf("mnist: iteration %d step %d: %s: %w", iter, step, n.Name(), err)
				}
				if err := checkStep(n, sizes, names); err != nil {
					return fmt.Errorf("mnist: iteration %d step %d: %s %w: %w", iter, step, n.Name(), ErrDiverged, err)
				}
				t.correct[k] += countCorrect(n.Output(), t.train.Labels[lo:hi])
			}
			r.steps++
			if hooks.AfterStep != nil {
				if err := hooks.AfterStep(b); err != nil {
					return err
				}
			}
			if err := r.deliver(false); err != nil {
				return err
			}
		}
		if !c.Evaluated(iter) {
			continue
		}
		// The last evaluation's points first (with evaluators: queued work
		// is done before the next evaluation anyway).
		if err := r.deliver(true); err != nil {
			return err
		}
		if hooks.BeforeEval != nil {
			if err := hooks.BeforeEval(iter); err != nil {
				return err
			}
		}
		if err := r.queue(t.evaluation(iter, len(nets))); err != nil {
			return err
		}
	}
	return nil
}

// evaluation returns the work of the evaluation after iteration iter of n
// nets: the test set's accuracy and loss and the training images' loss, on
// the nets the work is given, and the book's training accuracy, counted by
// the steps of the iteration (now, while it is at hand).
func (t *Trainer[T]) evaluation(iter, n int) *job[T] {
	points := make([]Point, n)
	for k := range points {
		points[k] = Point{Iteration: iter, TrainAcc: float64(t.correct[k]) / float64(t.c.Steps()*t.c.Batch)}
	}
	j := &job[T]{points: points}
	j.run = func(nets []Net[T]) error {
		t.acc = slices.Grow(t.acc[:0], n)[:n]
		t.testLoss = slices.Grow(t.testLoss[:0], n)[:n]
		t.trainLoss = slices.Grow(t.trainLoss[:0], n)[:n]
		t.trainAccAt = slices.Grow(t.trainAccAt[:0], n)[:n]
		if k, err := t.eval.evaluate(nets, t.test, &t.c.Output, t.acc, t.testLoss); err != nil {
			return fmt.Errorf("mnist: iteration %d: %s: %w", iter, nets[k].Name(), err)
		}
		if k, err := t.trainEval.evaluate(nets, t.trained, &t.c.Output, t.trainAccAt, t.trainLoss); err != nil {
			return fmt.Errorf("mnist: iteration %d: training loss: %s: %w", iter, nets[k].Name(), err)
		}
		for k := range points {
			points[k].TestAcc, points[k].TestLoss, points[k].TrainLoss = t.acc[k], t.testLoss[k], t.trainLoss[k]
		}
		return nil
	}
	return j
}

// checkStep names the first matrix of a net's step that holds NaN or ±Inf;
// sizes are the layer widths, names the matrices'.
func checkStep[T ops.Float](n Net[T], sizes []int, names []string) error {
	if err := checkFinite("output", n.Output(), idx.Classes); err != nil {
		return err
	}
	gs, ws := n.Grads(), n.Weights()
	for i := len(ws) - 1; i >= 0; i-- {
		cols := len(ws[i]) // a parameter vector: one row
		if i+1 < len(sizes) {
			cols = sizes[i+1]
		}
		if err := checkFinite(names[i], gs[i], cols); err != nil {
			return fmt.Errorf("grad %w", err) // named here, so that a step builds no string
		}
		if err := checkFinite(names[i], ws[i], cols); err != nil {
			return err
		}
	}
	return nil
}

// Accuracy is the fraction of d's images whose largest logit is at the label.
// It evaluates in blocks of EvalBlock images, so that memory does not grow
// with the size of the test set, each block converted to floats into a buffer
// allocated for the call; an Evaluator keeps that buffer from call to call.
func Accuracy[T ops.Float](n Net[T], d Data[T]) (float64, error) {
	var e Evaluator[T]
	return e.Accuracy(n, d)
}

// Evaluator computes accuracies as Accuracy does, keeping the buffer the
// blocks of images are converted into (EvalBlock×Pixels values, or fewer for
// a smaller set) from one call to the next. A set of at most EvalBlock images
// is one block, converted by the first call only: later calls on the same
// images find it converted (a Data's bytes do not change). Its zero value is
// ready to use; it must not be used by two goroutines at once.
type Evaluator[T ops.Float] struct {
	block []T
	from  *uint8 // the first byte of the images block holds; nil for none
	y     []T    // the output of a squared-error loss, one block's
	t     []T    // the one-hot targets of an output's own Loss, one block's
	// holding is set while block may be held (Hold): it is then never
	// written again.
	holding bool
}

// Accuracy is the fraction of d's images whose largest logit is at the label,
// as the package's Accuracy.
func (e *Evaluator[T]) Accuracy(n Net[T], d Data[T]) (float64, error) {
	if n == nil {
		return 0, fmt.Errorf("mnist: accuracy of a nil net")
	}
	var acc [1]float64
	if _, err := e.evaluate([]Net[T]{n}, d, nil, acc[:], nil); err != nil {
		return 0, err
	}
	return acc[0], nil
}

// Loss is the mean over d's images of the loss of out on the test-time
// network's logits (no dropout): the figure of Point.TestLoss, without the
// 1/batch² of the training loss.
func (e *Evaluator[T]) Loss(n Net[T], d Data[T], out ops.Output) (float64, error) {
	var acc, loss [1]float64
	if _, err := e.evaluate([]Net[T]{n}, d, &out, acc[:], loss[:]); err != nil {
		return 0, err
	}
	return loss[0], nil
}

// Hold converts d's images to floats now when they are one block (at most
// EvalBlock images), as the first evaluation of d would, and holds them
// (blas.Hold: their products list their nonzeros once) until release is
// called; for a larger d it does nothing. An evaluation of other images
// meanwhile converts them into a buffer of its own, leaving the held one
// as it is.
func (e *Evaluator[T]) Hold(d Data[T]) (release func()) {
	if d.N < 1 || d.N > EvalBlock || d.check("evaluation") != nil {
		return func() {}
	}
	if px := d.Images[:d.N*idx.Pixels]; e.from != &px[0] || len(e.block) != len(px) {
		if e.holding {
			e.block = nil
		}
		e.block = d.X(e.block, 0, d.N)
		e.from = &px[0]
	}
	e.holding = true
	return blas.Hold(e.block, d.N, idx.Pixels)
}

// evaluate sets acc[k] to the accuracy of nets[k] on d and, when out is not
// nil, loss[k] to the mean loss of out (meanLoss). Each block of images is
// converted once and evaluated by every net. On an error it returns the
// index of the net that failed; a panic in a net is turned into an error.
func (e *Evaluator[T]) evaluate(nets []Net[T], d Data[T], out *ops.Output, acc, loss []float64) (int, error) {
	if err := d.check("evaluation"); err != nil {
		return 0, err
	}
	if d.N < 1 {
		return 0, fmt.Errorf("mnist: accuracy of no images")
	}
	clear(acc)
	clear(loss)
	for lo := 0; lo < d.N; lo += EvalBlock {
		hi := min(lo+EvalBlock, d.N)
		if px := d.Images[lo*idx.Pixels : hi*idx.Pixels]; e.from != &px[0] || len(e.block) != len(px) {
			if e.holding { // the held block stays as it is
				e.block, e.holding = nil, false
			}
			e.block = d.X(e.block, lo, hi)
			e.from = &px[0]
		}
		for k, n := range nets {
			err := guard(n.Name()+" evaluation", func() error {
				logits, err := n.Logits(e.block, hi-lo)
				if err == nil {
					acc[k] += float64(countCorrect(logits, d.Labels[lo:hi]))
					if out != nil {
						loss[k] += e.sumLoss(*out, logits, d.Labels[lo:hi])
					}
				}
				return err
			})
			if err != nil {
				return k, err
			}
		}
	}
	for k := range acc {
		acc[k] /= float64(d.N)
	}
	for k := range loss {
		loss[k] /= float64(d.N)
	}
	return 0, nil
}

// sumLoss returns Σ_rows loss of out for the logits z (one row of Classes
// per label), in float64: for a softmax of base e^k, ln Σ_j e^(k·z_j) −
// k·z_label with the row's maximum subtracted; otherwise ½Σ_j (y_j − t_j)²
// with y = out.Act(z) and t the label's one-hot row, or out.Loss's Value.
func (e *Evaluator[T]) sumLoss(out ops.Output, z []T, labels []uint8) float64 {
	var sum float64
	if k, softmax := out.LogitScale(); softmax {
		for r, l := range labels {
			row := z[r*idx.Classes : (r+1)*idx.Classes]
			sum += ops.LogSumExp(row, k) - k*float64(row[l])
		}
		return sum
	}
	e.y = resize(e.y, len(z))
	ops.Forward(out.Act, e.y, z, idx.Classes)
	if out.Loss != nil {
		e.t = resize(e.t, len(z))
		clear(e.t)
		for r, l := range labels {
			e.t[r*idx.Classes+int(l)] = 1
		}
		return ops.OutputLoss(out, e.y, e.t, idx.Classes)
	}
	for r, l := range labels {
		for j, v := range e.y[r*idx.Classes : (r+1)*idx.Classes] {
			d := float64(v)
			if j == int(l) {
				d--
			}
			sum += d * d
		}
	}
	return sum / 2
}

// EvalBlock is the number of test images evaluated by one product. The whole
// 10 000-image test set is one block, as the book evaluates it; a larger set
// is evaluated in blocks of this size, converted from bytes one block at a
// time, so the evaluation's buffers stay bounded.
const EvalBlock = 10000
