package mnist

import (
	"fmt"
	"math"

	"outgrad/ops"
)

// Net is one implementation of the network: input → hidden (Config.HiddenAct,
// dropout) → output (Config.Output). Its weights are w01 (784×hidden) and w12
// (hidden×10), row-major.
type Net[T ops.Float] interface {
	// Name says which implementation this is.
	Name() string
	// Step trains on one batch: x (batch×784), targets t (batch×10) and, when
	// dropout is on, the 0/1 mask of the kept hidden units (batch×hidden; nil
	// when off). It computes the gradients, then applies w ← w − α·∂L/∂w.
	Step(x, t, mask []T) error
	// Output is the last step's output y = Output.Act(logits), batch×10.
	Output() []T
	// Grads are the last step's gradients ∂L/∂w01 and ∂L/∂w12, the ones
	// its update applied. They stay valid until the next Step.
	Grads() (g01, g12 []T)
	// Weights are the current weights, read-only.
	Weights() (w01, w12 []T)
	// Logits computes HiddenAct(x·w01)·w12 for n images without dropout, the
	// book's test-time network, and returns n×10 logits valid until the next call.
	Logits(x []T, n int) ([]T, error)
}

// InitWeights draws the initial weights from rng in numpy's order: all of w01
// (784×hidden, uniform in ±W01Range), then all of w12 (hidden×10, ±W12Range).
// For the book: w01 = 0.02·random((784,100)) − 0.01, w12 = 0.2·random((100,10)) − 0.1.
func InitWeights[T ops.Float](c Config, rng *RNG) (w01, w12 []T) {
	w01 = make([]T, Pixels*c.Hidden)
	w12 = make([]T, c.Hidden*Classes)
	uniform(rng, w01, 2*c.W01Range, -c.W01Range)
	uniform(rng, w12, 2*c.W12Range, -c.W12Range)
	return w01, w12
}

// uniform fills dst with scale·random() + shift, computed in float64.
func uniform[T ops.Float](rng *RNG, dst []T, scale, shift float64) {
	switch dst := any(dst).(type) {
	case []float64:
		rng.Uniform(dst, scale, shift)
	case []float32:
		rng.Uniform32(dst, scale, shift)
	}
}

// drawMask fills dst with numpy's randint(2): 0 or 1.
func drawMask[T ops.Float](rng *RNG, dst []T) {
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
		if argmax(out[i*Classes:(i+1)*Classes]) == int(l) {
			n++
		}
	}
	return n
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or −1.
//
// It runs after every step over every weight and gradient, so it first sums
// x − x over v, which is 0 for finite x and NaN otherwise, in four independent
// sums that the CPU overlaps; only a non-zero sum needs the search.
func firstNonFinite[T ops.Float](v []T) int {
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += v[i] - v[i]
		s1 += v[i+1] - v[i+1]
		s2 += v[i+2] - v[i+2]
		s3 += v[i+3] - v[i+3]
	}
	for ; i < len(v); i++ {
		s0 += v[i] - v[i]
	}
	if s0+s1+s2+s3 == 0 {
		return -1
	}
	for i, x := range v {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// checkFinite returns an error naming the matrix and the first non-finite entry.
func checkFinite[T ops.Float](name string, v []T, cols int) error {
	if i := firstNonFinite(v); i >= 0 {
		return fmt.Errorf("%s[%d,%d] = %v", name, i/cols, i%cols, v[i])
	}
	return nil
}
