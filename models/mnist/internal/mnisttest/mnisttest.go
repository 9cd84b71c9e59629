package mnisttest

import (
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/numpyrng"
	"outgrad/ops"
)

// LoadSets reads the first n training images and every test image from
// where idx.DataDir finds the MNIST files.
func LoadSets(t testing.TB, n int) (train, test idx.Set) {
	t.Helper()
	dir, err := idx.DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if train, test, err = idx.Load(dir, n, idx.All); err != nil {
		t.Fatal(err)
	}
	return train, test
}

// LoadAs converts the first n training images and all test images to T.
func LoadAs[T ops.Float](t testing.TB, n int) (mnist.Data[T], mnist.Data[T]) {
	t.Helper()
	tr, te := LoadSets(t, n)
	train, err := mnist.NewData[T](tr, n)
	if err == nil {
		var test mnist.Data[T]
		if test, err = mnist.NewData[T](te, te.N); err == nil {
			return train, test
		}
	}
	t.Fatal(err)
	return mnist.Data[T]{}, mnist.Data[T]{}
}

// LoadData loads the first n training images and all test images.
func LoadData(t testing.TB, n int) (mnist.Data[float64], mnist.Data[float64]) {
	return LoadAs[float64](t, n)
}

// LoadData32 loads the first n training images and all test images as float32.
func LoadData32(t testing.TB, n int) (mnist.Data[float32], mnist.Data[float32]) {
	return LoadAs[float32](t, n)
}

// SmallConfig is the book's network on 300 images for 2 iterations.
func SmallConfig() mnist.Config {
	c := mnist.DefaultConfig()
	c.TrainImages, c.Iterations, c.EvalEvery = 300, 2, 1
	return c
}

// SynthData returns n images of random pixels, about four in five of them
// zero as in MNIST, and random labels, drawn from seed.
func SynthData[T ops.Float](n int, seed uint32) mnist.Data[T] {
	rng := numpyrng.New(seed)
	d := mnist.Data[T]{Images: make([]uint8, n*idx.Pixels), Labels: make([]uint8, n), N: n}
	for i := range d.Images {
		if v := rng.Uint32(); v%5 == 0 {
			d.Images[i] = uint8(v >> 8)
		}
	}
	for i := range d.Labels {
		d.Labels[i] = uint8(rng.Uint32() % idx.Classes)
	}
	return d
}

// Near reports whether a and b differ by at most tol.
func Near(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= tol
}

// LinearNet is a network whose loss is linear in its weights, Σ_i C_i·W_i,
// and whose gradient is whatever the test sets in G: a check of gradients
// is then judged on known numbers. It computes nothing else.
type LinearNet struct {
	Impl    string // what Name returns
	W, C, G [][]float64
}

func (n *LinearNet) Name() string                                 { return n.Impl }
func (n *LinearNet) Gradient(x, t []float64, m [][]float64) error { return nil }
func (n *LinearNet) Step(x, t []float64, m [][]float64) error     { return nil }
func (n *LinearNet) Output() []float64                            { return nil }
func (n *LinearNet) Grads() [][]float64                           { return n.G }
func (n *LinearNet) Weights() [][]float64                         { return n.W }
func (n *LinearNet) Logits(x []float64, k int) ([]float64, error) { return nil, nil }
func (n *LinearNet) Loss(x, t []float64, m [][]float64) (float64, error) {
	var s float64
	for i, w := range n.W {
		for j, v := range w {
			s += n.C[i][j] * v
		}
	}
	return s, nil
}

// InitWeights returns mnist.InitWeights of c and seed in float64, failing
// t on an error.
func InitWeights(t testing.TB, c mnist.Config, seed uint32) [][]float64 {
	t.Helper()
	ws, err := mnist.InitWeights[float64](c, seed)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
