package bench

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/idx"
	"outgrad/ops/blas"
)

var (
	dataOnce        sync.Once
	dataErr         error
	train64, test64 mnist.Data[float64]
	train32, test32 mnist.Data[float32]
	sinkFloat       float64
)

// data loads the first 1000 training images and all test images once.
func data(b *testing.B) {
	b.Helper()
	dataOnce.Do(func() {
		dir, err := idx.DataDir("")
		if err != nil {
			dataErr = err
			return
		}
		tr, te, err := idx.Load(dir, 1000, idx.All)
		if err != nil {
			dataErr = err
			return
		}
		if train64, dataErr = mnist.NewData[float64](tr, 1000); dataErr != nil {
			return
		}
		if test64, dataErr = mnist.NewData[float64](te, te.N); dataErr != nil {
			return
		}
		if train32, dataErr = mnist.NewData[float32](tr, 1000); dataErr != nil {
			return
		}
		test32, dataErr = mnist.NewData[float32](te, te.N)
	})
	if dataErr != nil {
		b.Fatal(dataErr)
	}
}

// setup returns the configuration of a Step benchmark, the weights it starts
// from, the first batch with its targets, and a fixed dropout mask of 0s and 1s.
//
// The weights are the book's after warmIters iterations of training (hand-
// rolled, seed 1), and the learning rate is then tiny, so that every iteration
// of the benchmark does the same work at the same point. With the book's α a
// benchmark that steps on one batch b.N times would move the weights, and the
// cost of tanh with them (its arguments grow as training goes on), so ns/op
// would depend on -benchtime. BookRun times the real trajectory.
func setup[T float32 | float64](b *testing.B, train mnist.Data[T], test mnist.Data[T]) (c mnist.Config, ws [][]T, x, t []T, masks [][]T) {
	const warmIters = 30
	c = mnist.DefaultConfig()
	c.Iterations, c.EvalEvery = warmIters, warmIters
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		b.Fatal(err)
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Run([]mnist.Net[T]{h}, mnist.Hooks[T]{}); err != nil {
		b.Fatal(err)
	}
	ws = h.Weights()
	c.Alpha = 1e-9
	mask := make([]T, c.Batch*c.Hidden[0])
	rng := rand.New(rand.NewPCG(2, 0))
	for i := range mask {
		mask[i] = T(rng.IntN(2))
	}
	return c, ws, train.X(nil, 0, c.Batch), train.Y(nil, 0, c.Batch), [][]T{mask}
}

func benchStep[T float32 | float64](b *testing.B, train, test mnist.Data[T], held bool) {
	c, ws, x, t, masks := setup(b, train, test)
	if held {
		// As a Trainer holds a training set of one block.
		defer blas.Hold(x, c.Batch, idx.Pixels)()
	}
	b.Run("graph", func(b *testing.B) {
		n, err := graphnet.NewGraph(c, ws)
		if err != nil {
			b.Fatal(err)
		}
		defer n.Close()
		b.ReportAllocs()
		for b.Loop() {
			if err := n.Step(x, t, masks); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handrolled", func(b *testing.B) {
		n, err := mnist.NewHandRolled(c, ws)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := n.Step(x, t, masks); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("builtin", func(b *testing.B) {
		n, err := graphnet.NewBuiltin(c, ws)
		if err != nil {
			b.Fatal(err)
		}
		defer n.Close()
		b.ReportAllocs()
		for b.Loop() {
			if err := n.Step(x, t, masks); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStep times one training step (forward, backward, update) on one
// 100-image batch of the book's network, the batch held (blas.Hold) as a
// Trainer holds a training set of one block (the book's 1000 images): its
// nonzeros are listed once, not at every step.
func BenchmarkStep(b *testing.B) {
	data(b)
	b.Run("float64", func(b *testing.B) { benchStep(b, train64, test64, true) })
	b.Run("float32", func(b *testing.B) { benchStep(b, train32, test32, true) })
}

// BenchmarkStepListed is BenchmarkStep with the batch not held, as for a
// training set larger than a block, converted a batch at a time: every
// step lists the batch's nonzeros.
func BenchmarkStepListed(b *testing.B) {
	data(b)
	b.Run("float64", func(b *testing.B) { benchStep(b, train64, test64, false) })
	b.Run("float32", func(b *testing.B) { benchStep(b, train32, test32, false) })
}

// BenchmarkGEMM times the five products of one step alone, through the same
// blas.Gemm that both implementations call, on the first batch of images and
// random weights and deltas (gonum skips zero entries, so zero-filled operands
// would time nothing): x·w01 (100×784·784×100), hd·w12, hdᵀ·d2, d2·w12ᵀ and
// xᵀ·d1 (784×100·100×100). It is the roofline a step is measured against.
func BenchmarkGEMM(b *testing.B) {
	data(b)
	b.Run("float64", func(b *testing.B) { benchGEMM(b, train64.X(nil, 0, 100)) })
	b.Run("float32", func(b *testing.B) { benchGEMM(b, train32.X(nil, 0, 100)) })
}

// benchGEMM multiplies with images, the first 100 images as floats.
func benchGEMM[T float32 | float64](b *testing.B, images []T) {
	const bs, px, hid, cls = 100, 784, 100, 10
	rng := rand.New(rand.NewPCG(3, 0))
	rand := func(n int) []T {
		v := make([]T, n)
		for i := range v {
			v[i] = T(rng.Float64() - 0.5)
		}
		return v
	}
	x := images[:bs*px]
	// Inputs and outputs are separate buffers, so every iteration multiplies
	// the same finite operands: x (real images), the weights, hd (hidden
	// activations) and the deltas d2 and d1. The outputs are never read back.
	w01, hd, w12, d2, d1 := rand(px*hid), rand(bs*hid), rand(hid*cls), rand(bs*cls), rand(bs*hid)
	h, y, gw12, dh, gw01 := make([]T, bs*hid), make([]T, bs*cls), make([]T, hid*cls), make([]T, bs*hid), make([]T, px*hid)
	var scratch []T
	gemm := func(tA, tB bool, m, n, k int, a, bb, c []T) { blas.Gemm(tA, tB, m, n, k, a, bb, c, &scratch) }
	b.ReportAllocs()
	for b.Loop() {
		gemm(false, false, bs, hid, px, x, w01, h)    // x·w01
		gemm(false, false, bs, cls, hid, hd, w12, y)  // hd·w12
		gemm(true, false, hid, cls, bs, hd, d2, gw12) // hdᵀ·d2
		gemm(false, true, bs, hid, cls, d2, w12, dh)  // d2·w12ᵀ
		gemm(true, false, px, hid, bs, x, d1, gw01)   // xᵀ·d1
	}
	for _, v := range gw01 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			b.Fatalf("GEMM produced %v", v)
		}
	}
}

// BenchmarkEval times the batched evaluation of the 10000 test images. They
// are one block, converted from bytes by the evaluator's first call and kept
// converted, as in a training run, so the conversion is not timed; "held"
// also holds the converted block as a Trainer does (its nonzeros listed
// once), "listed" lists them at every evaluation.
func BenchmarkEval(b *testing.B) {
	data(b)
	c, ws, _, _, _ := setup(b, train64, test64)
	g, err := graphnet.NewGraph(c, ws)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []mnist.Net[float64]{g, h} {
		for _, held := range []bool{true, false} {
			name := n.Name() + "/listed"
			if held {
				name = n.Name() + "/held"
			}
			b.Run(name, func(b *testing.B) {
				// The first call converts the images into the evaluator's
				// buffer; the timed calls find them there.
				var e mnist.Evaluator[float64]
				if held {
					defer e.Hold(test64)()
				}
				if _, err := e.Accuracy(n, test64); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					acc, err := e.Accuracy(n, test64)
					if err != nil {
						b.Fatal(err)
					}
					sinkFloat = acc
				}
			})
		}
	}
}

// BenchmarkBookRun times a whole 300-iteration run of the book's network,
// evaluating every 10th iteration, per implementation (float64).
func BenchmarkBookRun(b *testing.B) {
	data(b)
	for _, impl := range []string{"graph", "handrolled"} {
		b.Run(impl, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := mnist.DefaultConfig()
				tr, ws, err := mnist.NewTrainer(c, train64, test64)
				if err != nil {
					b.Fatal(err)
				}
				var n mnist.Net[float64]
				if impl == "graph" {
					g, err := graphnet.NewGraph(c, ws)
					if err != nil {
						b.Fatal(err)
					}
					defer g.Close()
					n = g
				} else if n, err = mnist.NewHandRolled(c, ws); err != nil {
					b.Fatal(err)
				}
				traj, err := tr.Run([]mnist.Net[float64]{n}, mnist.Hooks[float64]{})
				if err != nil {
					b.Fatal(err)
				}
				sinkFloat = traj[0][len(traj[0])-1].TestAcc
			}
		})
	}
}
