package blas

import (
	"math"
	"testing"
)

// checkAxpy compares Axpy with the loop y[i] += a·x[i], for lengths 0, 1 and
// odd, with y longer than x.
func checkAxpy[T Float](t *testing.T, tol float64) {
	for _, n := range []int{0, 1, 7, 1001} {
		x, y := fill[T](n, 1), fill[T](n+3, 2)
		want := make([]float64, len(y))
		for i := range y {
			want[i] = float64(y[i])
			if i < n {
				want[i] += -0.37 * float64(x[i])
			}
		}
		Axpy(-0.37, x, y)
		for i := range y {
			if d := math.Abs(float64(y[i]) - want[i]); d > tol {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, y[i], want[i])
			}
		}
	}
}

// TestAxpy checks Axpy on each backend, in float64 and float32.
func TestAxpy(t *testing.T) {
	forEachBackend(t, func(t *testing.T) {
		t.Run("float64", func(t *testing.T) { checkAxpy[float64](t, 1e-15) })
		t.Run("float32", func(t *testing.T) { checkAxpy[float32](t, 1e-6) })
	})
}
