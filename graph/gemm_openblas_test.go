//go:build openblas

package graph

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
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

// TestOpenBLASAxpy checks the openblas build's Daxpy and Saxpy against
// gonum's, strided and not. OpenBLAS may fuse the multiply and the add, so
// the results may differ in the last bit.
func TestOpenBLASAxpy(t *testing.T) {
	if _, ok := blas32.Implementation().(openBLAS); !ok {
		t.Fatalf("blas32 uses %T, want openBLAS", blas32.Implementation())
	}
	for _, inc := range []int{1, 3} {
		const n = 1001
		x, y1, y2 := make([]float64, n*inc), make([]float64, n*inc), make([]float64, n*inc)
		x32, z1, z2 := make([]float32, n*inc), make([]float32, n*inc), make([]float32, n*inc)
		for i := range x {
			x[i], y1[i] = math.Sin(float64(i)), math.Cos(float64(i))
			y2[i] = y1[i]
			x32[i], z1[i], z2[i] = float32(x[i]), float32(y1[i]), float32(y1[i])
		}
		openBLAS{}.Daxpy(n, -0.37, x, inc, y1, inc)
		gonum.Implementation{}.Daxpy(n, -0.37, x, inc, y2, inc)
		openBLAS{}.Saxpy(n, -0.37, x32, inc, z1, inc)
		gonum.Implementation{}.Saxpy(n, -0.37, x32, inc, z2, inc)
		for i := range y1 {
			if math.Abs(y1[i]-y2[i]) > 1e-15 {
				t.Fatalf("inc %d: Daxpy y[%d] = %v, gonum gives %v", inc, i, y1[i], y2[i])
			}
			if math.Abs(float64(z1[i]-z2[i])) > 1e-6 {
				t.Fatalf("inc %d: Saxpy y[%d] = %v, gonum gives %v", inc, i, z1[i], z2[i])
			}
		}
	}
}
