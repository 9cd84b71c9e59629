package mnist

import (
	"fmt"
	"strings"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/handrolled"
	"outgrad/models/mnist/internal/numpyrng"
	"outgrad/ops"
	"outgrad/ops/blas"
)

// The names of the implementations, as their Name returns them.
const (
	ImplGraph      = "graph"      // graphnet.GraphNet: package graph's ops, slopes from outputs
	ImplHandRolled = "handrolled" // NewHandRolled: no Gorgonia
	ImplBuiltin    = "builtin"    // graphnet.BuiltinNet: Gorgonia's own ops, slopes from inputs
)

// Net is one implementation of the network: input → hidden layers
// (Config.Acts, dropout) → output (Config.Output). Its weights are one
// row-major matrix per layer: w01 (784×h1), w12 (h1×h2), …, the last hk×10;
// then, for each hidden layer whose activation is an ops.Learnable, its
// parameters θ (Config.WeightNames), trained beside the matrices.
type Net[T ops.Float] interface {
	// Name says which implementation this is.
	Name() string
	// Gradient computes the output and the gradients of the loss for one
	// batch at the current weights, without updating them: x (batch×784),
	// targets t (batch×10) and, when dropout is on, one 0/1 mask per hidden
	// layer (batch×units; nil when off).
	Gradient(x, t []T, masks [][]T) error
	// Step is Gradient followed by the update rule (w ← w − α·∂L/∂w by
	// default) for every tensor of Weights.
	Step(x, t []T, masks [][]T) error
	// Output is the last pass's output y = Output.Act(logits), batch×10.
	Output() []T
	// Grads are the last gradients, one per tensor of Weights, valid until
	// the next Gradient or Step.
	Grads() [][]T
	// Weights are the current weights, one per matrix and parameter vector
	// (Config.WeightNames): the net's own, so
	// writing them changes the net (only the finite-difference check does,
	// and it restores them bit for bit).
	Weights() [][]T
	// Loss is the scaled training loss of one batch at the current weights
	// with the masks held fixed, computed by the implementation's own forward.
	Loss(x, t []T, masks [][]T) (float64, error)
	// Logits computes the test-time network (no dropout) for n images and
	// returns n×10 logits valid until the next call.
	Logits(x []T, n int) ([]T, error)
}

// InitWeights returns the initial weights of c drawn with numpy's
// generator seeded with seed (np.random.seed), as a Trainer draws them
// first: one matrix after the other in layer order, w01 (784×h1) uniform in
// ±W01Range, then every later matrix uniform in ±W12Range. For the book:
// w01 = 0.02·random((784,100)) − 0.01, w12 = 0.2·random((100,10)) − 0.1.
// The parameters of learnable activations follow, at their initial values
// (no random draw: the matrices and masks are the same with or without
// them), in the order of Config.WeightNames. An invalid c is an error
// (Config.Validate).
func InitWeights[T ops.Float](c Config, seed uint32) ([][]T, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return initWeights[T](c, numpyrng.New(seed)), nil
}

// initWeights draws the initial weights of a valid c from rng.
func initWeights[T ops.Float](c Config, rng *numpyrng.RNG) [][]T {
	sizes := c.Sizes()
	ws := make([][]T, len(sizes)-1, len(c.WeightSizes()))
	for i := range ws {
		ws[i] = make([]T, sizes[i]*sizes[i+1])
		r := c.W12Range
		if i == 0 {
			r = c.W01Range
		}
		uniform(rng, ws[i], 2*r, -r)
	}
	for l, a := range c.Acts() {
		if p := ops.LearnableOf(a); p != nil {
			th := p.Params().Initial(sizes[l+1])
			w := make([]T, len(th))
			for i, v := range th {
				w[i] = T(v)
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// uniform fills dst with scale·random() + shift, computed in float64.
func uniform[T ops.Float](rng *numpyrng.RNG, dst []T, scale, shift float64) {
	switch dst := any(dst).(type) {
	case []float64:
		rng.Uniform(dst, scale, shift)
	case []float32:
		rng.Uniform32(dst, scale, shift)
	}
}

// drawMask fills dst with numpy's randint(2): 0 or 1.
func drawMask[T ops.Float](rng *numpyrng.RNG, dst []T) {
	switch dst := any(dst).(type) {
	case []float64:
		rng.Mask(dst)
	case []float32:
		rng.Mask32(dst)
	}
}

// argmax returns the index of the first largest entry of row, as np.argmax;
// a NaN counts as larger than everything, as in numpy.
func argmax[T ops.Float](row []T) int {
	best := 0
	for j := 1; j < len(row); j++ {
		if row[j] > row[best] || (row[j] != row[j] && row[best] == row[best]) {
			best = j
		}
	}
	return best
}

// countCorrect returns how many rows of out (10 columns) have their argmax at
// the label.
func countCorrect[T ops.Float](out []T, labels []uint8) int {
	n := 0
	for i, l := range labels {
		if argmax(out[i*idx.Classes:(i+1)*idx.Classes]) == int(l) {
			n++
		}
	}
	return n
}

// checkFinite returns an error naming the matrix and the first non-finite entry.
func checkFinite[T ops.Float](name string, v []T, cols int) error {
	if i := blas.FirstNonFinite(v); i >= 0 {
		return fmt.Errorf("%s[%d,%d] = %v", name, i/cols, i%cols, v[i])
	}
	return nil
}

// check reports a Data whose N does not match its slices or whose labels
// are not digits (Y would put their 1 outside the row).
func (d Data[T]) check(what string) error {
	if d.N < 0 || len(d.Images) < d.N*idx.Pixels || len(d.Labels) < d.N {
		return fmt.Errorf("mnist: %s data says %d images but holds %d pixels and %d labels",
			what, d.N, len(d.Images), len(d.Labels))
	}
	for i, l := range d.Labels[:d.N] {
		if l >= idx.Classes {
			return fmt.Errorf("mnist: %s data: label %d of image %d is not a digit 0..9", what, l, i)
		}
	}
	return nil
}

// NewHandRolled returns the hand-rolled implementation of c starting from
// copies of ws. The Net is not safe for concurrent use: one goroutine at a
// time (two Nets may run at once on two goroutines). A network whose buffers would exceed the memory available
// (an absurd batch) is refused with an error wrapping ErrTooLarge.
func NewHandRolled[T ops.Float](c Config, ws [][]T) (*handrolled.Net[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	elem := 8
	if _, ok := any(T(0)).(float32); ok {
		elem = 4
	}
	if err := CheckMemory(c, elem, 1, 0); err != nil {
		return nil, err
	}
	if err := CheckWeights(c, ws); err != nil {
		return nil, err
	}
	return handrolled.New(c.Spec(), ws)
}

// CheckWeights checks that ws holds one matrix per layer of the sizes c asks
// for: w01 (784×h1), w12 (h1×h2), …, the last hk×10; then the parameters
// of each learnable activation (Config.WeightNames).
func CheckWeights[T ops.Float](c Config, ws [][]T) error {
	sizes, names, counts := c.Sizes(), c.WeightNames(), c.WeightSizes()
	if len(ws) != len(counts) {
		if m := len(sizes) - 1; m < len(counts) {
			return fmt.Errorf("mnist: %d weight tensors, want %d (%d matrices and %d parameter vectors: %s)", len(ws), len(counts), m, len(counts)-m, strings.Join(names[m:], ", "))
		}
		return fmt.Errorf("mnist: %d weight matrices, want %d", len(ws), len(counts))
	}
	for i, w := range ws {
		if len(w) == counts[i] {
			continue
		}
		if i < len(sizes)-1 {
			return fmt.Errorf("mnist: weight matrix %s has %d values, want %d×%d", names[i], len(w), sizes[i], sizes[i+1])
		}
		return fmt.Errorf("mnist: parameters %s hold %d values, want %d", names[i], len(w), counts[i])
	}
	return nil
}
