package graph

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/gorgonia"

	"outgrad/graph/blas"
	"outgrad/ops"
)

// The graph ops, the hand-rolled network and Gorgonia's own matrix products
// (gorgonia.Mul, used by graphs built from its built-in ops) all run on the
// BLAS of package blas: it is installed here for gonum (blas64, blas32) and
// for Gorgonia and tensor (gorgonia.Use). Installing only stores
// blas.Implementation, which looks up the backend at each call, so nothing
// is loaded and nothing can fail until the first product, and a later
// blas.Select or blas.Init takes effect everywhere.
func init() {
	blas64.Use(blas.Implementation{})
	blas32.Use(blas.Implementation{})
	gorgonia.Use(blas.Implementation{})
}

// Gemm is [blas.Gemm]: C = op(A)·op(B) for row-major matrices.
func Gemm[T ops.Float](tA, tB bool, m, n, k int, a, b, c []T, scratch *[]T) {
	blas.Gemm(tA, tB, m, n, k, a, b, c, scratch)
}

// BLAS describes the BLAS in use: [blas.Name] and [blas.Kernels], e.g.
// "openblas 0.3.21 (SkylakeX kernels, 1 thread, loaded at run time) + sparse
// float64 kernels (AVX-512)".
func BLAS() string { return blas.Name() + " + " + blas.Kernels() }
