package mnist

import (
	"fmt"
	"math"

	"outgrad/ops"
)

// Config is the network and its training. DefaultConfig gives the book's values.
type Config struct {
	Seed        uint32         // np.random.seed: initial weights, then one dropout mask per batch
	TrainImages int            // the first N training images
	Hidden      int            // hidden units
	Batch       int            // images per step
	Alpha       float64        // learning rate α
	Iterations  int            // passes over the training images; each is TrainImages/Batch steps
	HiddenAct   ops.Activation // the hidden activation: any Activation, registered or not
	Output      ops.Output     // the output activation and its loss
	Dropout     bool           // drop half the hidden units, scaling the kept ones by 2
	Book        bool           // hand-rolled only: the book's slope, taken after dropout
	EvalEvery   int            // evaluate at iterations 0, EvalEvery, 2·EvalEvery, …
	W01Range    float64        // w01 = 2r·random − r (the book: r = 0.01)
	W12Range    float64        // w12 = 2r·random − r (the book: r = 0.1)
}

// DefaultConfig returns the book's network: seed 1, 1000 training images,
// 100 tanh hidden units, batch 100, α = 2, 300 iterations, softmax output with
// cross-entropy, dropout on, evaluation every 10 iterations.
func DefaultConfig() Config {
	return Config{
		Seed: 1, TrainImages: 1000, Hidden: 100, Batch: 100, Alpha: 2, Iterations: 300,
		HiddenAct: ops.Tanh, Output: ops.SoftmaxCrossEntropy, Dropout: true, EvalEvery: 10,
		W01Range: 0.01, W12Range: 0.1,
	}
}

// LossScale is the one factor s by which every loss here is scaled: the book
// divides the output delta by batch², so L = s·Σ_examples loss with s = 1/batch²
// and the output delta is (y − t)·s. The update is w ← w − α·∂L/∂w.
func (c Config) LossScale() float64 { return 1 / float64(c.Batch*c.Batch) }

// Steps is the number of training steps (batches) in one iteration.
func (c Config) Steps() int { return c.TrainImages / c.Batch }

// Validate reports the first thing wrong with c, naming the bad value.
func (c Config) Validate() error {
	switch {
	case c.TrainImages < 1:
		return fmt.Errorf("mnist: training images %d: want at least 1", c.TrainImages)
	case c.Hidden < 1:
		return fmt.Errorf("mnist: hidden size %d: want at least 1", c.Hidden)
	case c.Batch < 1:
		return fmt.Errorf("mnist: batch %d: want at least 1", c.Batch)
	case c.Batch > c.TrainImages:
		return fmt.Errorf("mnist: batch %d is larger than the %d training images", c.Batch, c.TrainImages)
	case c.Iterations < 1:
		return fmt.Errorf("mnist: iterations %d: want at least 1", c.Iterations)
	case c.EvalEvery < 1:
		return fmt.Errorf("mnist: eval-every %d: want at least 1", c.EvalEvery)
	case math.IsNaN(c.Alpha) || math.IsInf(c.Alpha, 0) || c.Alpha <= 0:
		return fmt.Errorf("mnist: alpha %v: want a finite number > 0", c.Alpha)
	case !(c.W01Range > 0) || math.IsInf(c.W01Range, 0):
		return fmt.Errorf("mnist: w01 range %v: want a finite number > 0", c.W01Range)
	case !(c.W12Range > 0) || math.IsInf(c.W12Range, 0):
		return fmt.Errorf("mnist: w12 range %v: want a finite number > 0", c.W12Range)
	}
	if c.HiddenAct == nil {
		return fmt.Errorf("mnist: no hidden activation")
	}
	if c.Output.Act == nil {
		return fmt.Errorf("mnist: output %q has no activation", c.Output.Name)
	}
	return nil
}
