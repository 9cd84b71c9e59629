package floats

import (
	"math"

	"outgrad/ops"
)

// ElemSize is the size of T in bytes.
func ElemSize[T ops.Float]() int {
	if DtypeName[T]() == "float32" {
		return 4
	}
	return 8
}

// DtypeName is "float32" or "float64".
func DtypeName[T ops.Float]() string {
	var z T
	if _, ok := any(z).(float32); ok {
		return "float32"
	}
	return "float64"
}

// RelDiff returns ‖a − g‖∞/‖g‖∞ (‖a − g‖∞ when g is zero) and ‖a − g‖∞.
// A NaN anywhere makes both NaN. It runs after every step over every
// gradient, so it compares with plain comparisons, not math.Max and
// math.Abs, and looks for NaN only when a difference is not larger.
func RelDiff[T, U ops.Float](a []T, g []U) (rel, abs float64) {
	var m float64
	a = a[:len(g)]
	for i, gv := range g {
		gi := float64(gv)
		d := float64(a[i]) - gi
		if d < 0 {
			d = -d
		}
		if d > abs {
			abs = d
		} else if d != d {
			return math.NaN(), math.NaN()
		}
		if gi < 0 {
			gi = -gi
		}
		if gi > m {
			m = gi
		}
	}
	if m == 0 {
		return abs, abs
	}
	return abs / m, abs
}

// Worse reports whether x should replace the worst so far: larger, or NaN.
func Worse(x, worst float64) bool { return x > worst || (x != x && worst == worst) }

// ToT converts float64 values to T.
func ToT[T ops.Float](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// ToF64 converts values to float64.
func ToF64[T ops.Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// AllF64 converts every matrix to float64.
func AllF64[T ops.Float](vs [][]T) [][]float64 {
	out := make([][]float64, len(vs))
	for i, v := range vs {
		out[i] = ToF64(v)
	}
	return out
}
