//go:build openblas

package graph

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestOpenBLASInstalled checks that the openblas build routes gonum's Dgemm
// through OpenBLAS and that it agrees with gonum's, including α, β and ldc.
func TestOpenBLASInstalled(t *testing.T) {
	if _, ok := blas64.Implementation().(openBLAS); !ok {
		t.Fatalf("blas64 uses %T, want openBLAS", blas64.Implementation())
	}
	const m, n, k, ldc = 4, 3, 5, 6
	a, b := make([]float64, m*k), make([]float64, n*k)
	for i := range a {
		a[i] = float64(i%7) - 3
	}
	for i := range b {
		b[i] = float64(i%5) - 2
	}
	c1, c2 := make([]float64, m*ldc), make([]float64, m*ldc)
	for i := range c1 {
		c1[i], c2[i] = float64(i), float64(i)
	}
	openBLAS{}.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 0.5, a, k, b, k, 2, c1, ldc)
	gonum.Implementation{}.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 0.5, a, k, b, k, 2, c2, ldc)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("c[%d] = %v, gonum gives %v", i, c1[i], c2[i])
		}
	}
}
