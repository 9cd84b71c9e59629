package graph

import (
	"math"
	"testing"
)

// TestGemm checks every transpose combination against the textbook triple loop.
func TestGemm(t *testing.T) {
	const m, n, k = 7, 5, 9
	var scratch []float64
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			a, b := make([]float64, m*k), make([]float64, k*n)
			for i := range a {
				a[i] = math.Sin(float64(i) + 1)
			}
			for i := range b {
				b[i] = math.Cos(float64(3*i) + 2)
			}
			at := func(i, p int) float64 { // op(A)[i,p]
				if tA {
					return a[p*m+i]
				}
				return a[i*k+p]
			}
			bt := func(p, j int) float64 { // op(B)[p,j]
				if tB {
					return b[j*k+p]
				}
				return b[p*n+j]
			}
			c := make([]float64, m*n)
			Gemm(tA, tB, m, n, k, a, b, c, &scratch)
			c32 := make([]float32, m*n)
			a32, b32 := make([]float32, len(a)), make([]float32, len(b))
			for i, v := range a {
				a32[i] = float32(v)
			}
			for i, v := range b {
				b32[i] = float32(v)
			}
			Gemm(tA, tB, m, n, k, a32, b32, c32, nil)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					var want float64
					for p := 0; p < k; p++ {
						want += at(i, p) * bt(p, j)
					}
					if d := math.Abs(c[i*n+j] - want); d > 1e-13 {
						t.Errorf("tA=%v tB=%v: c[%d,%d] = %v, want %v", tA, tB, i, j, c[i*n+j], want)
					}
					if d := math.Abs(float64(c32[i*n+j]) - want); d > 1e-5 {
						t.Errorf("float32 tA=%v tB=%v: c[%d,%d] = %v, want %v", tA, tB, i, j, c32[i*n+j], want)
					}
				}
			}
		}
	}
}
