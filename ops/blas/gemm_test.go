package blas

import (
	"math"
	"testing"
)

// naiveGemm is the textbook triple loop for C = op(A)·op(B), in float64.
func naiveGemm[T Float](tA, tB bool, m, n, k int, a, b []T) []float64 {
	c := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av, bv := a[i*k+p], b[p*n+j]
				if tA {
					av = a[p*m+i]
				}
				if tB {
					bv = b[j*k+p]
				}
				s += float64(av) * float64(bv)
			}
			c[i*n+j] = s
		}
	}
	return c
}

// fill returns n deterministic values in [-1, 1].
func fill[T Float](n int, phase float64) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(math.Sin(float64(i)*0.7 + phase))
	}
	return v
}

// checkGemm compares Gemm with the triple loop for every transpose
// combination and several shapes, odd and zero, with and without scratch.
func checkGemm[T Float](t *testing.T, tol float64) {
	shapes := [][3]int{{7, 5, 9}, {1, 1, 1}, {33, 17, 65}, {100, 10, 100}, {0, 5, 3}, {4, 0, 3}, {4, 5, 0}, {0, 0, 0}}
	var scratch []T
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, sc := range []*[]T{&scratch, nil} {
					a, b := fill[T](m*k, 1), fill[T](k*n, 2)
					c := fill[T](m*n, 3) // Gemm must overwrite it
					Gemm(tA, tB, m, n, k, a, b, c, sc)
					want := naiveGemm(tA, tB, m, n, k, a, b)
					for i := range want {
						if d := math.Abs(float64(c[i]) - want[i]); d > tol*float64(k+1) {
							t.Fatalf("%d×%d×%d tA=%v tB=%v scratch=%v: c[%d] = %v, want %v",
								m, n, k, tA, tB, sc != nil, i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestGemm checks Gemm against the triple loop on each backend, in float64
// and float32.
func TestGemm(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		t.Run("float64", func(t *testing.T) { checkGemm[float64](t, 1e-15) })
		t.Run("float32", func(t *testing.T) { checkGemm[float32](t, 1e-6) })
	})
}

// TestGemmZeroSizes checks that zero sizes neither panic nor touch more than
// they should: k = 0 zeroes C, m = 0 or n = 0 leaves it alone.
func TestGemmZeroSizes(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		c := []float64{1, 2, 3, 4, 5, 6}
		Gemm(false, false, 2, 3, 0, nil, nil, c, nil)
		for i, v := range c {
			if v != 0 {
				t.Fatalf("k=0: c[%d] = %v, want 0", i, v)
			}
		}
		c = []float64{1, 2}
		Gemm(true, true, 0, 2, 5, nil, nil, c, nil)
		Gemm(false, true, 2, 0, 5, nil, nil, c, nil)
		if c[0] != 1 || c[1] != 2 {
			t.Fatalf("m=0 or n=0 changed c to %v", c)
		}
	})
}
