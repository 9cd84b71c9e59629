package handrolled

import (
	"math/rand/v2"
	"strings"
	"testing"

	"outgrad/ops"
	"outgrad/ops/blas"
)

// TestStepAllocatesNothing: on OpenBLAS a training step of the book's
// network allocates nothing (gonum's GEMM starts goroutines of its own, so
// there the test is skipped).
func TestStepAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	if !strings.HasPrefix(blas.Name(), "openblas") {
		t.Skipf("BLAS is %s: gonum's GEMM allocates its workers", blas.Name())
	}
	pool := ops.NewPool(0)
	defer pool.Close()
	for _, act := range []ops.Activation{ops.Tanh, ops.Swish} {
		s := Spec{Sizes: []int{784, 100, 10}, Acts: []ops.Activation{act}, Output: ops.SoftmaxCrossEntropy,
			Batch: 100, Alpha: 1e-9, Scale: 1e-4, Dropout: true, Pool: pool}
		rng := rand.New(rand.NewPCG(1, 2))
		fill := func(n int, scale float64) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = scale * (rng.Float64() - 0.5)
			}
			return v
		}
		n, err := New(s, [][]float64{fill(784*100, 0.02), fill(100*10, 0.2)})
		if err != nil {
			t.Fatal(err)
		}
		x, tg, mask := fill(100*784, 2), make([]float64, 100*10), make([]float64, 100*100)
		for i := range 100 {
			tg[i*10+i%10] = 1
		}
		for i := range mask {
			mask[i] = float64(i % 2)
		}
		step := func() {
			if err := n.Step(x, tg, [][]float64{mask}); err != nil {
				t.Fatal(err)
			}
		}
		step()
		if a := testing.AllocsPerRun(20, step); a != 0 {
			t.Errorf("%s: a step allocates %v times", act.Name(), a)
		}
	}
}
