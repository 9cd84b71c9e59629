package mnist

import (
	"fmt"

	"outgrad/ops"
)

// Point is one evaluation of one implementation: the accuracies after
// iteration Iteration, as the book prints them.
type Point struct {
	Iteration int     `json:"iteration"`
	TestAcc   float64 `json:"test_acc"`
	TrainAcc  float64 `json:"train_acc"`
}

// Hooks are called by Train; a nil hook is skipped, and an error from a hook
// stops training and is returned.
type Hooks struct {
	// AfterStep runs after every net has taken step `step` (0-based within the
	// iteration) of iteration iter: each net's Grads are those of this step.
	AfterStep func(iter, step int) error
	// AfterEval runs after an evaluation, with one Point per net in Train's order.
	AfterEval func(points []Point) error
}

// Trainer trains one or more implementations in lock step on one stream of
// weights and masks. It owns the RNG and the per-step buffers.
type Trainer[T ops.Float] struct {
	c           Config
	train, test Data[T]
	rng         *RNG
	mask        []T
	correct     []int
}

// NewTrainer validates the configuration against the data and draws the
// initial weights: the first draws of the RNG seeded with c.Seed. Every net
// built from W01 and W12 starts from the same weights.
func NewTrainer[T ops.Float](c Config, train, test Data[T]) (*Trainer[T], []T, []T, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, nil, err
	}
	if train.N < c.TrainImages {
		return nil, nil, nil, fmt.Errorf("mnist: %d training images asked for, the data holds %d", c.TrainImages, train.N)
	}
	if test.N < 1 {
		return nil, nil, nil, fmt.Errorf("mnist: no test images")
	}
	t := &Trainer[T]{c: c, train: train, test: test, rng: NewRNG(c.Seed)}
	w01, w12 := InitWeights[T](c, t.rng)
	if c.Dropout {
		t.mask = make([]T, c.Batch*c.Hidden)
	}
	return t, w01, w12, nil
}

// Run trains nets for c.Iterations iterations of c.Steps() batches. Before
// every step it draws one mask (when dropout is on) and gives the same batch
// and mask to every net. After each step it checks every net's output and
// gradients for NaN and ±Inf and stops with an error naming the iteration, the
// step, the net and the matrix. At iterations 0, EvalEvery, … it evaluates
// every net on the test set and returns those points, one slice per net.
func (t *Trainer[T]) Run(nets []Net[T], hooks Hooks) ([][]Point, error) {
	c := t.c
	if len(nets) == 0 {
		return nil, fmt.Errorf("mnist: train: no nets")
	}
	traj := make([][]Point, len(nets))
	t.correct = make([]int, len(nets))
	for iter := 0; iter < c.Iterations; iter++ {
		clear(t.correct)
		for step := 0; step < c.Steps(); step++ {
			lo, hi := step*c.Batch, (step+1)*c.Batch
			x, y := t.train.X[lo*Pixels:hi*Pixels], t.train.Y[lo*Classes:hi*Classes]
			if t.mask != nil {
				drawMask(t.rng, t.mask)
			}
			for k, n := range nets {
				if err := n.Step(x, y, t.mask); err != nil {
					return traj, fmt.Errorf("mnist: iteration %d step %d: %s: %w", iter, step, n.Name(), err)
				}
				if err := checkStep(n); err != nil {
					return traj, fmt.Errorf("mnist: iteration %d step %d: %s diverged: %w", iter, step, n.Name(), err)
				}
				t.correct[k] += countCorrect(n.Output(), t.train.Labels[lo:hi])
			}
			if hooks.AfterStep != nil {
				if err := hooks.AfterStep(iter, step); err != nil {
					return traj, err
				}
			}
		}
		if iter%c.EvalEvery != 0 {
			continue
		}
		points := make([]Point, len(nets))
		for k, n := range nets {
			acc, err := Accuracy(n, t.test)
			if err != nil {
				return traj, fmt.Errorf("mnist: iteration %d: %s: %w", iter, n.Name(), err)
			}
			points[k] = Point{Iteration: iter, TestAcc: acc, TrainAcc: float64(t.correct[k]) / float64(c.Steps()*c.Batch)}
			traj[k] = append(traj[k], points[k])
		}
		if hooks.AfterEval != nil {
			if err := hooks.AfterEval(points); err != nil {
				return traj, err
			}
		}
	}
	return traj, nil
}

// checkStep names the first matrix of a net's step that holds NaN or ±Inf.
func checkStep[T ops.Float](n Net[T]) error {
	g01, g12 := n.Grads()
	w01, w12 := n.Weights()
	hid := len(w12) / Classes
	if err := checkFinite("output", n.Output(), Classes); err != nil {
		return err
	}
	if err := checkFinite("grad w12", g12, Classes); err != nil {
		return err
	}
	if err := checkFinite("grad w01", g01, hid); err != nil {
		return err
	}
	if err := checkFinite("w12", w12, Classes); err != nil {
		return err
	}
	return checkFinite("w01", w01, hid)
}

// Accuracy is the fraction of d's images whose largest logit is at the label,
// computed with one batched product over the whole set.
func Accuracy[T ops.Float](n Net[T], d Data[T]) (float64, error) {
	logits, err := n.Logits(d.X[:d.N*Pixels], d.N)
	if err != nil {
		return 0, err
	}
	return float64(countCorrect(logits, d.Labels[:d.N])) / float64(d.N), nil
}
