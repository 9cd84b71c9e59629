//go:build openblas

package graph

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

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

// openBLAS is gonum's BLAS with the two GEMMs replaced by OpenBLAS's, the
// products that dominate every network here. Installed for gonum (blas64,
// blas32), and for Gorgonia and tensor (gorgonia.Use), so that Gorgonia's own
// matrix products (gorgonia.Mul, used by graphs built from its built-in ops)
// run on the same BLAS as Gemm.
type openBLAS struct{ gonum.Implementation }

func (openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, ctrans(tA == blas.Trans), ctrans(tB == blas.Trans), C.blasint(m), C.blasint(n), C.blasint(k),
		C.double(alpha), (*C.double)(&a[0]), C.blasint(lda), (*C.double)(&b[0]), C.blasint(ldb), C.double(beta), (*C.double)(&c[0]), C.blasint(ldc))
}

func (openBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.cblas_sgemm(C.CblasRowMajor, ctrans(tA == blas.Trans), ctrans(tB == blas.Trans), C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(&a[0]), C.blasint(lda), (*C.float)(&b[0]), C.blasint(ldb), C.float(beta), (*C.float)(&c[0]), C.blasint(ldc))
}

// The openblas build switches every BLAS user in the process at start-up: a
// build tag is a process-wide choice, so this is the one place for it.
func init() {
	blas64.Use(openBLAS{})
	blas32.Use(openBLAS{})
	gorgonia.Use(openBLAS{})
}
