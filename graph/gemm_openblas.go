//go:build openblas

package graph

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

// Backend names the BLAS that Gemm calls.
const Backend = "openblas"

// transposeFirst says whether Gemm copies a transposed operand first.
const transposeFirst = false

func ctrans(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}

func gemm64(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, ctrans(tA), ctrans(tB), C.blasint(m), C.blasint(n), C.blasint(k),
		1, (*C.double)(&a[0]), C.blasint(lda), (*C.double)(&b[0]), C.blasint(ldb), 0, (*C.double)(&c[0]), C.blasint(n))
}

func gemm32(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	C.cblas_sgemm(C.CblasRowMajor, ctrans(tA), ctrans(tB), C.blasint(m), C.blasint(n), C.blasint(k),
		1, (*C.float)(&a[0]), C.blasint(lda), (*C.float)(&b[0]), C.blasint(ldb), 0, (*C.float)(&c[0]), C.blasint(n))
}
