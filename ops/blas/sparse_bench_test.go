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
				gemmSparse(opA{a: a, m: m, k: k}, n, w, c, 1, nil)
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

// BenchmarkSparseKernels times each vector kernel of block4 that the CPU
// runs, and the Go kernel, on one block of a step's first product: four
// rows of 100 columns over 260 listed columns of a 784×100 B (a third,
// as MNIST's batches list).
func BenchmarkSparseKernels(b *testing.B) {
	const n, k, nnz = 100, 784, 260
	w, c := fill[float64](k*n, 0.2), make([]float64, 4*n)
	s := getSparseBuf(k, n)
	defer putSparseBuf(s)
	rng := rand.New(rand.NewPCG(9, 10))
	for q, p := range rng.Perm(k)[:nnz] {
		s.offs[q] = p * n * 8
		for r := range 4 {
			s.vals[r*s.stride+q] = 2*rng.Float64() - 1
		}
	}
	l := s.planar(nnz)
	for _, impl := range block4Impls {
		b.Run(impl.name, func(b *testing.B) {
			if !impl.ok {
				b.Skipf("this CPU does not run the %s kernel", impl.name)
			}
			for b.Loop() {
				if j := impl.f(c, n, w, l); j < n {
					block4Go(c[j:], n, n-j, w[j:], l)
				}
			}
		})
	}
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			block4Go(c, n, n, w, l)
		}
	})
}
