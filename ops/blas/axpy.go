package blas

import "fmt"

// Axpy computes y ← y + a·x elementwise over x, with the backend in use; y
// must be at least as long as x (a shorter y panics with a message).
func Axpy[T Float](a float64, x, y []T) {
	if len(y) < len(x) {
		panic(fmt.Sprintf("blas: axpy: y holds %d values, x %d", len(y), len(x)))
	}
	if len(x) == 0 {
		return
	}
	be := active()
	switch x := any(x).(type) {
	case []float64:
		be.daxpy(len(x), a, x, 1, any(y).([]float64)[:len(x)], 1)
	case []float32:
		be.saxpy(len(x), float32(a), x, 1, any(y).([]float32)[:len(x)], 1)
	}
}
