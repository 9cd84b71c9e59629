package mnist

import (
	"fmt"
	"math"
	"strings"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/handrolled"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// Limits on the network's shape, so that a typo cannot ask for terabytes.
const (
	MaxHiddenLayers = 16      // hidden layers
	MaxHidden       = 1 << 16 // units in one hidden layer
)

// Config is the network and its training. DefaultConfig gives the book's values.
type Config struct {
	Seed        uint32 // np.random.seed: initial weights, then one dropout mask per batch
	TrainImages int    // the first N training images
	// Hidden holds the units of each hidden layer, input side first: the
	// book's {100}; {128, 64} is two hidden layers.
	Hidden     []int
	Batch      int     // images per step
	Alpha      float64 // learning rate α (the base rate of Schedule)
	Iterations int     // passes over the training images; each is TrainImages/Batch steps
	// HiddenAct holds one activation per hidden layer, or a single one for
	// every hidden layer: any Activation, registered or not.
	HiddenAct []ops.Activation
	Output    ops.Output // the output activation and its loss
	Dropout   bool       // drop half of every hidden layer's units, scaling the kept ones by 2
	Book      bool       // hand-rolled only: the book's slope, taken after dropout
	EvalEvery int        // evaluate at iterations 0, EvalEvery, 2·EvalEvery, … and after the last
	W01Range  float64    // the first matrix: w01 = 2r·random − r (the book: r = 0.01)
	W12Range  float64    // every later matrix: w = 2r·random − r (the book's w12: r = 0.1)
	// Optimizer is the update rule (package optim): SGD, the book's, by
	// default (the zero value is SGD too); Momentum or Adam. Adam sees the
	// gradient of the per-example mean loss, batch·∂L/∂w (see package optim).
	Optimizer optim.Optimizer
	// Schedule is the learning rate over the iterations, from Alpha:
	// constant by default (and as the zero value), step decay or cosine.
	Schedule optim.Schedule
	// Pool splits the activations of large batches over several cores (the
	// caller creates and closes it); nil runs them on the calling goroutine,
	// with the same results. Compare and Sweep make one for their run when
	// it is nil.
	Pool *ops.Pool
}

// DefaultConfig returns the book's network: seed 1, 1000 training images,
// 100 tanh hidden units, batch 100, α = 2, 300 iterations, softmax output with
// cross-entropy, dropout on, evaluation every 10 iterations.
func DefaultConfig() Config {
	return Config{
		Seed: 1, TrainImages: 1000, Hidden: []int{100}, Batch: 100, Alpha: 2, Iterations: 300,
		HiddenAct: []ops.Activation{ops.Tanh}, Output: ops.SoftmaxCrossEntropy, Dropout: true, EvalEvery: 10,
		W01Range: 0.01, W12Range: 0.1, Optimizer: optim.Default(),
	}
}

// LossScale is the one factor s by which every loss here is scaled: the book
// divides the output delta by batch², so L = s·Σ_examples loss with s = 1/batch²
// and the output delta is (y − t)·s. The update is w ← w − α·∂L/∂w.
func (c Config) LossScale() float64 { return 1 / float64(c.Batch*c.Batch) }

// Sizes are the widths of every layer: Pixels, the hidden layers, Classes.
func (c Config) Sizes() []int {
	return append(append([]int{idx.Pixels}, c.Hidden...), idx.Classes)
}

// Acts returns the activation of every hidden layer (HiddenAct expanded when
// it holds one for all).
func (c Config) Acts() []ops.Activation {
	if len(c.HiddenAct) == 1 && len(c.Hidden) > 1 {
		acts := make([]ops.Activation, len(c.Hidden))
		for i := range acts {
			acts[i] = c.HiddenAct[0]
		}
		return acts
	}
	return c.HiddenAct
}

// ActNames returns the names of Acts as they are typed: one name when every
// hidden layer has the same activation ("tanh"), else one per layer,
// comma-separated ("tanh,relu").
func (c Config) ActNames() string {
	acts := c.Acts()
	if len(acts) > 1 && acts[0] != nil {
		same := true
		for _, a := range acts[1:] {
			same = same && a != nil && a.Name() == acts[0].Name()
		}
		if same {
			acts = acts[:1]
		}
	}
	var b strings.Builder
	for i, a := range acts {
		if i > 0 {
			b.WriteByte(',')
		}
		if a == nil {
			b.WriteString("<nil>")
		} else {
			b.WriteString(a.Name())
		}
	}
	return b.String()
}

// MatrixNames names the weight matrices as the book does, by the layers they
// join: w01, w12, w23, …
func (c Config) MatrixNames() []string {
	names := make([]string, len(c.Hidden)+1)
	for i := range names {
		names[i] = fmt.Sprintf("w%d%d", i, i+1)
	}
	return names
}

// WeightNames names every tensor a network of c trains, in the order of
// Net.Weights: the matrices (MatrixNames), then the parameters θ of each
// hidden layer whose activation is an ops.Learnable, named by the
// activation and the layer ("prelu1", "swish-beta2").
func (c Config) WeightNames() []string {
	names := c.MatrixNames()
	for l, a := range c.Acts() {
		if ops.LearnableOf(a) != nil {
			names = append(names, fmt.Sprintf("%s%d", a.Name(), l+1))
		}
	}
	return names
}

// WeightSizes returns the number of values of each tensor of WeightNames.
func (c Config) WeightSizes() []int {
	sizes := c.Sizes()
	n := make([]int, 0, len(sizes))
	for i := 0; i+1 < len(sizes); i++ {
		n = append(n, sizes[i]*sizes[i+1])
	}
	for l, a := range c.Acts() {
		if p := ops.LearnableOf(a); p != nil {
			n = append(n, p.Params().Count(sizes[l+1]))
		}
	}
	return n
}

// ParamIndex returns, per hidden layer, the index in WeightNames (and
// Net.Weights) of its activation's parameters, or −1 when it has none.
func (c Config) ParamIndex() []int {
	idx := make([]int, len(c.Hidden))
	next := len(c.Hidden) + 1 // after the matrices
	for l, a := range c.Acts() {
		idx[l] = -1
		if ops.LearnableOf(a) != nil {
			idx[l] = next
			next++
		}
	}
	return idx
}

// Learnables reports whether a hidden activation of c has learnable
// parameters.
func (c Config) Learnables() bool {
	for _, a := range c.Acts() {
		if ops.LearnableOf(a) != nil {
			return true
		}
	}
	return false
}

// Steps is the number of training steps (batches) in one iteration (0 for
// a batch below 1, which Validate refuses).
func (c Config) Steps() int {
	if c.Batch < 1 {
		return 0
	}
	return c.TrainImages / c.Batch
}

// Validate reports the first thing wrong with c, naming the bad value.
func (c Config) Validate() error {
	switch {
	case c.TrainImages < 1:
		return fmt.Errorf("mnist: training images %d: want at least 1", c.TrainImages)
	case len(c.Hidden) == 0:
		return fmt.Errorf("mnist: no hidden layer: want at least one hidden size")
	case len(c.Hidden) > MaxHiddenLayers:
		return fmt.Errorf("mnist: %d hidden layers: at most %d", len(c.Hidden), MaxHiddenLayers)
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
	if err := c.Optimizer.Validate(); err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	if err := c.Schedule.Validate(); err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	for i, h := range c.Hidden {
		if h < 1 || h > MaxHidden {
			return fmt.Errorf("mnist: hidden layer %d has %d units: want 1 to %d", i+1, h, MaxHidden)
		}
	}
	if len(c.HiddenAct) != 1 && len(c.HiddenAct) != len(c.Hidden) {
		return fmt.Errorf("mnist: %d hidden activations for %d hidden layers: give one for all or one per layer", len(c.HiddenAct), len(c.Hidden))
	}
	for i, a := range c.HiddenAct {
		if a == nil {
			return fmt.Errorf("mnist: hidden activation %d is nil", i+1)
		}
		if l := ops.LearnableOf(a); l != nil {
			if err := l.Params().Validate(); err != nil {
				return fmt.Errorf("mnist: hidden activation %s: %w", a.Name(), err)
			}
			if c.Book {
				return fmt.Errorf("mnist: book mode takes the slopes after dropout, which is no gradient, and %s has parameters to train by their gradient: run it without book mode", a.Name())
			}
		}
	}
	if err := c.Output.Validate(); err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	return nil
}

// Spec is c as the hand-rolled implementation's specification.
func (c Config) Spec() handrolled.Spec {
	return handrolled.Spec{
		Sizes: c.Sizes(), Acts: c.Acts(), Output: c.Output, Batch: c.Batch,
		Alpha: c.Alpha, Scale: c.LossScale(), Dropout: c.Dropout, Book: c.Book, Pool: c.Pool,
		Optimizer: c.Optimizer, Schedule: c.Schedule, Steps: c.Steps(), Iterations: c.Iterations,
	}
}

// OptimSpec is c's update rule as package optim specifies it: the rule, the
// schedule from Alpha, the batch and the run's length. Every implementation
// builds its optim.State from it.
func (c Config) OptimSpec() optim.Spec {
	return optim.Spec{Optimizer: c.Optimizer, Schedule: c.Schedule, Alpha: c.Alpha,
		Batch: c.Batch, Steps: c.Steps(), Iterations: c.Iterations}
}

// MemoryBytes estimates the memory a run of c needs with impls
// implementations trained at once, elem bytes per value (8 for float64, 4
// for float32) and test images evaluated: per implementation, its weights,
// gradients and a copy for the update or the graph (×3), the optimizer's
// memory (one more copy for momentum, two for Adam), the activations and
// deltas of one batch (×4), one batch of inputs in size (Gorgonia's built-in
// matrix product also computes the gradient of its input), and the
// evaluation of one block of EvalBlock test images and of one block of
// training images (the training loss); and, once, the training
// and test images and labels as the bytes Data holds, as floats the
// training images with their targets (all of them when they fit one block,
// else one batch) and one block of test images (the conversions the
// trainer keeps), one block of training images for the training loss
// (unless the whole set is held as floats), the outputs of a squared-error
// loss for one block of each, the float64 copy of one batch of inputs that the
// gradient checks take, and the lists of nonzeros the sparse products keep
// for the training images held as floats for the run. It counts what the run holds
// at once, erring on the side of more; the garbage the collector has yet to
// reclaim comes on top.
func (c Config) MemoryBytes(elem, impls, test int) int64 {
	// In float64, so that no size, however absurd, overflows: the estimate
	// saturates at math.MaxInt64 (and CheckMemory then refuses the run).
	sizes := c.Sizes()
	var weights, units float64
	for i := 0; i+1 < len(sizes); i++ {
		weights += float64(sizes[i]) * float64(sizes[i+1])
	}
	for _, s := range sizes[1:] {
		units += float64(s)
	}
	batch, px := float64(c.Batch), float64(idx.Pixels)
	block := float64(min(max(test, 1), EvalBlock))
	state := 0.0 // the optimizer's memory: momentum's velocity, Adam's two moments
	switch c.Optimizer.Name {
	case optim.Momentum:
		state = weights
	case optim.Adam:
		state = 2 * weights
	}
	trainRows := min(float64(c.Steps()*c.Batch), EvalBlock) // the training loss's evaluation
	per := 3*weights + state + batch*(4*units+px) + 2*(block+trainRows)*units
	// The training images as floats: the whole set when it fits one block
	// (the Trainer converts it once), else one batch.
	trainFloats := batch
	// The training images evaluated for the training loss: read from the
	// whole set's floats, or converted a block at a time.
	trainBlock := min(float64(c.Steps()*c.Batch), EvalBlock)
	if n := float64(c.Steps() * c.Batch); n <= EvalBlock {
		trainFloats, trainBlock = max(batch, n), 0
	}
	floats := trainFloats*(px+idx.Classes) + (block+trainBlock)*px + 2*block*idx.Classes
	// The lists of nonzeros that the sparse products keep for the training
	// set held as floats (blas.Hold) when it is one block: a list entry, one
	// column of a block of four rows, is an offset and four values, for at
	// most a quarter of the values listed; the set is listed three times
	// (its batches, their transposes, and the whole set for the training
	// loss).
	var lists float64
	if n := float64(c.Steps() * c.Batch); n <= EvalBlock {
		lists = 3 * n * px / 4 * float64(8+4*elem)
	}
	data := (float64(c.TrainImages) + float64(max(test, 0))) * (px + 1)
	checks := 8 * batch * px
	total := float64(elem)*(float64(max(impls, 1))*per+floats) + data + checks + lists
	if !(total < math.MaxInt64) {
		return math.MaxInt64
	}
	return int64(total)
}

// Evaluated reports whether the network is evaluated after iteration iter:
// at 0, EvalEvery, 2·EvalEvery, … and after the last iteration.
//
// With EvalEvery below 1, which Validate refuses, only after the last.
func (c Config) Evaluated(iter int) bool {
	if c.EvalEvery < 1 {
		return iter == c.Iterations-1
	}
	return iter%c.EvalEvery == 0 || iter == c.Iterations-1
}
