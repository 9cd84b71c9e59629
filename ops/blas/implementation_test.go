package blas

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestImplementation checks the gonum interface against gonum's own on each
// backend: GEMM with α, β, leading dimensions wider than the matrices and
// every transpose, and strided AXPY.
func TestImplementation(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		const m, n, k, ld = 4, 3, 5, 7
		ts := []blas.Transpose{blas.NoTrans, blas.Trans}
		for _, tA := range ts {
			for _, tB := range ts {
				a, b := fill[float64](8*ld, 1), fill[float64](8*ld, 2)
				c1, c2 := fill[float64](m*ld, 3), fill[float64](m*ld, 3)
				Implementation{}.Dgemm(tA, tB, m, n, k, 0.5, a, ld, b, ld, 2, c1, ld)
				gonum.Implementation{}.Dgemm(tA, tB, m, n, k, 0.5, a, ld, b, ld, 2, c2, ld)
				s1, s2 := fill[float32](m*ld, 3), fill[float32](m*ld, 3)
				a32, b32 := fill[float32](8*ld, 1), fill[float32](8*ld, 2)
				Implementation{}.Sgemm(tA, tB, m, n, k, 0.5, a32, ld, b32, ld, 2, s1, ld)
				gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 0.5, a32, ld, b32, ld, 2, s2, ld)
				for i := range c1 {
					if math.Abs(c1[i]-c2[i]) > 1e-14 || math.Abs(float64(s1[i]-s2[i])) > 1e-5 {
						t.Fatalf("%v%v: c[%d] = %v, %v, gonum gives %v, %v", tA, tB, i, c1[i], s1[i], c2[i], s2[i])
					}
				}
			}
		}
		for _, inc := range []int{1, 3} {
			const n = 101
			x, y1, y2 := fill[float64](n*inc, 1), fill[float64](n*inc, 2), fill[float64](n*inc, 2)
			x32, z1, z2 := fill[float32](n*inc, 1), fill[float32](n*inc, 2), fill[float32](n*inc, 2)
			Implementation{}.Daxpy(n, -0.37, x, inc, y1, inc)
			gonum.Implementation{}.Daxpy(n, -0.37, x, inc, y2, inc)
			Implementation{}.Saxpy(n, -0.37, x32, inc, z1, inc)
			gonum.Implementation{}.Saxpy(n, -0.37, x32, inc, z2, inc)
			for i := range y1 {
				if math.Abs(y1[i]-y2[i]) > 1e-15 || math.Abs(float64(z1[i]-z2[i])) > 1e-6 {
					t.Fatalf("inc %d: y[%d] = %v, %v, gonum gives %v, %v", inc, i, y1[i], z1[i], y2[i], z2[i])
				}
			}
		}
	})
}

// TestImplementationBadArguments checks that a call whose slices are too
// short never reaches OpenBLAS but panics as gonum's does.
func TestImplementationBadArguments(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("Dgemm with a short C did not panic")
			}
		}()
		a, b, c := make([]float64, 6), make([]float64, 6), make([]float64, 3)
		Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	})
}

// TestGemmOK checks the argument check that guards the calls into C.
func TestGemmOK(t *testing.T) {
	N, T := blas.NoTrans, blas.Trans
	for _, c := range []struct {
		tA, tB                                   blas.Transpose
		m, n, k, lenA, lda, lenB, ldb, lenC, ldc int
		ok                                       bool
	}{
		{N, N, 2, 3, 4, 8, 4, 12, 3, 6, 3, true},
		{T, T, 2, 3, 4, 8, 2, 12, 4, 6, 3, true},
		{N, N, 2, 3, 4, 7, 4, 12, 3, 6, 3, false}, // A short
		{N, N, 2, 3, 4, 8, 3, 12, 3, 6, 3, false}, // lda < k
		{N, T, 2, 3, 4, 8, 4, 12, 3, 6, 3, false}, // ldb < k for Bᵀ
		{N, N, 2, 3, 4, 8, 4, 12, 3, 5, 3, false}, // C short
		{N, N, 0, 3, 4, 0, 4, 12, 3, 0, 3, false}, // m = 0
		{N, N, 2, 3, 4, 8, 4, 12, 3, 6, 3, true},
		{N, 'x', 2, 3, 4, 8, 4, 12, 3, 6, 3, false},
	} {
		if got := gemmOK(c.tA, c.tB, c.m, c.n, c.k, c.lenA, c.lda, c.lenB, c.ldb, c.lenC, c.ldc); got != c.ok {
			t.Errorf("gemmOK(%+v) = %v", c, got)
		}
	}
}
