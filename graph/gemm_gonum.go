//go:build !openblas

package graph

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Backend names the BLAS that Gemm calls.
const Backend = "gonum"

// transposeFirst says whether Gemm copies a transposed operand first.
const transposeFirst = true

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func gemm64(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64) {
	blas64.Implementation().Dgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, 0, c, n)
}

func gemm32(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32) {
	blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, b, ldb, 0, c, n)
}

// BLAS describes the BLAS in use.
func BLAS() string { return "gonum (pure Go)" }
