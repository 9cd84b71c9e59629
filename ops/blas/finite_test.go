package blas

import (
	"math"
	"testing"
)

// TestFirstNonFinite puts NaN, +Inf and −Inf at every position of vectors
// of finite values as large as they come, with another NaN after it, for
// lengths that leave the vector kernel a whole number of blocks or not.
func TestFirstNonFinite(t *testing.T) { checkFirstNonFinite(t) }

// checkFirstNonFinite is TestFirstNonFinite with the kernels the CPU
// features switched on select.
func checkFirstNonFinite(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 8, 11, 16, 17, 23, 64, 70} {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.MaxFloat64 * float64(1-2*(i%2)) // finite, as large as they come
		}
		if got := FirstNonFinite(v); got != -1 {
			t.Errorf("n=%d, all finite: got %d, want -1", n, got)
		}
		for pos := range v {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				w := append([]float64(nil), v...)
				w[pos] = bad
				if pos+1 < n {
					w[n-1] = math.NaN()
				}
				if got := FirstNonFinite(w); got != pos {
					t.Errorf("n=%d, %v at %d: got %d", n, bad, pos, got)
				}
				w32 := make([]float32, n)
				for i, x := range w {
					w32[i] = float32(x / math.MaxFloat64 * math.MaxFloat32)
				}
				if got := FirstNonFinite(w32); got != pos {
					t.Errorf("float32 n=%d, %v at %d: got %d", n, bad, pos, got)
				}
			}
		}
	}
}
