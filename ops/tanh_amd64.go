//go:build !noasm

package ops

import "golang.org/x/sys/cpu"

// haveTanhAVX512 reports whether tanhAVX512 runs here.
var haveTanhAVX512 = cpu.X86.HasAVX512F

// tanhAVX512 writes y[i] = tanh(x[i]) for i < n, n a positive multiple of 8,
// bit for bit as the scalar tanh.
//
//go:noescape
func tanhAVX512(y, x *float64, n int)

// tanhVector computes the first len(x) rounded down to a multiple of eight
// elements of y = tanh(x) with AVX-512 when the CPU has it, and returns how
// many it computed; len(y) ≥ len(x).
func tanhVector(y, x []float64) int {
	n := len(x) &^ 7
	if !haveTanhAVX512 || n == 0 {
		return 0
	}
	_ = y[n-1]
	tanhAVX512(&y[0], &x[0], n)
	return n
}
