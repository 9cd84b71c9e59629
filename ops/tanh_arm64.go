//go:build !noasm && !gccgo

package ops

import "golang.org/x/sys/cpu"

// haveTanhASIMD reports whether tanhASIMD runs here; GODEBUG=cpu.asimd=off
// turns it off, leaving the scalar tanh.
var haveTanhASIMD = cpu.ARM64.HasASIMD

// tanhImpls are the vector kernels of tanh on arm64.
var tanhImpls = []tanhImpl{
	{"asimd", 2, haveTanhASIMD, tanh2},
}

// tanhVector computes the leading elements of y = tanh(x) with ASIMD where
// the CPU has it, and returns how many: 0 where it does not; len(y) ≥ len(x).
func tanhVector(y, x []float64) int {
	if haveTanhASIMD {
		return tanh2(y, x)
	}
	return 0
}

// tanhKernel names the kernel that tanhVector runs here, or "" for none.
func tanhKernel() string {
	if haveTanhASIMD {
		return "asimd"
	}
	return ""
}

// tanh2 computes the first len(x) rounded down to an even number of
// elements of y = tanh(x) with ASIMD, and returns how many: none when the
// CPU lacks it.
func tanh2(y, x []float64) int {
	n := len(x) &^ 1
	if !haveTanhASIMD || n == 0 {
		return 0
	}
	_ = y[n-1]
	tanhASIMD(&y[0], &x[0], n)
	return n
}

// tanhASIMD writes y[i] = tanh(x[i]) for i < n, n a positive even number,
// bit for bit as the scalar tanh.
//
//go:noescape
func tanhASIMD(y, x *float64, n int)
