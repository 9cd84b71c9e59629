//go:build !((linux || darwin) && (amd64 || arm64))

package blas

import (
	"fmt"
	"runtime"
)

// openBLAS is never loaded on this platform.
type openBLAS struct{}

func loadOpenBLAS() (*openBLAS, error) {
	return nil, fmt.Errorf("%w: not loaded on %s/%s", ErrUnavailable, runtime.GOOS, runtime.GOARCH)
}

func (*openBLAS) describe() string { return "" }

func (*openBLAS) dgemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
}

func (*openBLAS) sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
}

func (*openBLAS) daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {}

func (*openBLAS) saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {}

// kernels chooses no OpenBLAS kernels: OpenBLAS is not loaded here.
func kernels() string { return "" }
