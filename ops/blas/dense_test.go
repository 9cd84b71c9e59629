package blas

import (
	"fmt"
	"testing"
)

// TestDenseKernelChain checks the products that run on the block kernel
// without a list (denseWorth: small ones, every one on gonum): each
// element must be the chain of fused multiply-adds over op(A)'s nonzeros
// that the sparse products give, bit for bit, for A plain and transposed,
// B plain and transposed, rows and columns not multiples of four, on each
// backend.
func TestDenseKernelChain(t *testing.T) {
	if sparseKernel() == "" {
		t.Skip("no block kernel on this CPU: " + sparseOff())
	}
	forEachBackend(t, func(t *testing.T) {
		for _, s := range [][3]int{{7, 10, 9}, {33, 17, 65}, {100, 10, 100}, {12, 4, 300}, {100, 100, 10}} {
			m, n, k := s[0], s[1], s[2]
			if !denseWorth(sparseKernel(), m, n, k) {
				t.Fatalf("%v: not a product of the dense block kernel", s)
			}
			for _, tA := range []bool{false, true} {
				for _, tB := range []bool{false, true} {
					name := fmt.Sprintf("%dx%dx%d tA=%v tB=%v", m, n, k, tA, tB)
					a := fill[float64](m*k, 0.5) // op(A), dense
					b := fill[float64](k*n, 0.7) // B, k×n
					want := chain(false, m, n, k, a, b)
					sa, sb := a, b
					if tA {
						sa = transposeOf(a, m, k)
					}
					if tB {
						sb = transposeOf(b, k, n)
					}
					c := fill[float64](m*n, 9)
					Gemm(tA, tB, m, n, k, sa, sb, c, nil)
					if i := sameBits(c, want); i >= 0 {
						t.Fatalf("%s: element (%d, %d) = %v, the chain gives %v", name, i/n, i%n, c[i], want[i])
					}
					c32 := make([]float32, m*n)
					Gemm(tA, tB, m, n, k, f32s(sa), f32s(sb), c32, nil)
					want32 := chain32(false, m, n, k, f32s(a), f32s(b))
					if i := sameBits32(c32, want32); i >= 0 {
						t.Fatalf("%s float32: element (%d, %d) = %v, the chain gives %v", name, i/n, i%n, c32[i], want32[i])
					}
				}
			}
		}
	})
}

func f32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}
