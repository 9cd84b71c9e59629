package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's BLAS with the two GEMMs and the two AXPYs run by
// the backend in use (see [Select]): the products that dominate every network
// here and the weight update. It implements gonum's blas.Float64 and
// blas.Float32, for blas64.Use, blas32.Use and gorgonia.Use. Every call
// looks up the backend, so a later [Select] takes effect at once.
//
// OpenBLAS's AXPY may fuse the multiply and the add, so it can differ from
// gonum's in the last bit, as its GEMM differs in the order of summation.
type Implementation struct{ gonum.Implementation }

var (
	_ blas.Float64 = Implementation{}
	_ blas.Float32 = Implementation{}
)

// Dgemm computes C = α·op(A)·op(B) + β·C, row-major, in float64.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	active().dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm computes C = α·op(A)·op(B) + β·C, row-major, in float32.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	active().sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Daxpy computes y ← y + α·x over n elements with strides incX and incY, in
// float64.
func (Implementation) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	active().daxpy(n, alpha, x, incX, y, incY)
}

// Saxpy computes y ← y + α·x over n elements with strides incX and incY, in
// float32.
func (Implementation) Saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	active().saxpy(n, alpha, x, incX, y, incY)
}
