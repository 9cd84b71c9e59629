package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSparse times the first layer's product of a step (100×784 by
// 784×100) on the sparse kernel and on the dense backend, for operands
// whose blocks of four rows list a given fraction of the columns: the
// fraction up to which the sparse kernel is faster sets sparseMaxDensity.
// MNIST's batches list about a third.
func BenchmarkSparse(b *testing.B) {
	if sparseKernel() == "" {
		b.Skipf("no sparse kernel here (%s): every product is dense", sparseOff())
	}
	const m, n, k = 100, 100, 784
	w, c := fill[float64](k*n, 0.2), make([]float64, m*n)
	for _, d := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		a := sparseMatrix(rand.New(rand.NewPCG(7, 8)), m, k, d)
		b.Run(fmt.Sprintf("listed=%.1f/sparse", d), func(b *testing.B) {
			for b.Loop() {
				gemmSparse(opA{a: a, m: m, k: k}, n, w, c, 1)
			}
		})
		b.Run(fmt.Sprintf("listed=%.1f/dense", d), func(b *testing.B) {
			be := active()
			for b.Loop() {
				be.dgemm(trans(false), trans(false), m, n, k, 1, a, k, w, n, 0, c, n)
			}
		})
	}
}
