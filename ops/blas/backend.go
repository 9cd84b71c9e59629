package blas

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// backend runs the routines on OpenBLAS, or on gonum when lib is nil. It
// passes to OpenBLAS only calls whose arguments it has checked, and leaves
// every other call (zero sizes, α = 0, bad arguments) to gonum, which
// handles them or panics with its messages.
type backend struct {
	name string
	lib  *openBLAS
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func (be *backend) dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if be.lib != nil && alpha != 0 && gemmOK(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		be.lib.dgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func (be *backend) sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if be.lib != nil && alpha != 0 && gemmOK(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		be.lib.sgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func (be *backend) daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if be.lib != nil && alpha != 0 && axpyOK(n, len(x), incX, len(y), incY) {
		be.lib.daxpy(n, alpha, x, incX, y, incY)
		return
	}
	gonum.Implementation{}.Daxpy(n, alpha, x, incX, y, incY)
}

func (be *backend) saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	if be.lib != nil && alpha != 0 && axpyOK(n, len(x), incX, len(y), incY) {
		be.lib.saxpy(n, alpha, x, incX, y, incY)
		return
	}
	gonum.Implementation{}.Saxpy(n, alpha, x, incX, y, incY)
}

// gemmOK reports whether a row-major GEMM has positive sizes, known
// transposes, leading dimensions and slices long enough for its matrices,
// and every size within OpenBLAS's 32-bit integers: the calls that are safe
// to hand to C.
func gemmOK(tA, tB blas.Transpose, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) bool {
	known := func(t blas.Transpose) bool {
		return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
	}
	if !known(tA) || !known(tB) || m <= 0 || n <= 0 || k <= 0 {
		return false
	}
	for _, v := range []int{m, n, k, lda, ldb, ldc} {
		if v > math.MaxInt32 {
			return false
		}
	}
	rowsA, colsA := m, k
	if tA != blas.NoTrans {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB != blas.NoTrans {
		rowsB, colsB = n, k
	}
	fits := func(l, rows, cols, ld int) bool { return ld >= cols && l >= ld*(rows-1)+cols }
	return fits(lenA, rowsA, colsA, lda) && fits(lenB, rowsB, colsB, ldb) && fits(lenC, m, n, ldc)
}

// axpyOK reports whether an AXPY has a positive length, positive
// increments and slices long enough, within 32-bit integers.
func axpyOK(n, lenX, incX, lenY, incY int) bool {
	return n > 0 && incX > 0 && incY > 0 && n <= math.MaxInt32 && incX <= math.MaxInt32 && incY <= math.MaxInt32 &&
		lenX >= (n-1)*incX+1 && lenY >= (n-1)*incY+1
}
