//go:build !noasm && !gccgo

package ops

import "golang.org/x/sys/cpu"

var (
	// haveTanhAVX512 reports whether tanhAVX512 runs here.
	haveTanhAVX512 = cpu.X86.HasAVX512F
	// haveTanhAVX2 reports whether tanhAVX2 runs here: it needs FMA too.
	haveTanhAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// tanhImpls are the vector kernels of tanh on amd64, widest first.
var tanhImpls = []tanhImpl{
	{"avx512", 8, haveTanhAVX512, tanh8},
	{"avx2+fma", 4, haveTanhAVX2, tanh4},
}

// tanhVector computes the leading elements of y = tanh(x) with the widest
// vector kernel the CPU runs, and returns how many: 0 where none runs;
// len(y) ≥ len(x).
func tanhVector(y, x []float64) int {
	switch {
	case haveTanhAVX512:
		return tanh8(y, x)
	case haveTanhAVX2:
		return tanh4(y, x)
	}
	return 0
}

// tanhKernel names the kernel that tanhVector runs here, or "" for none.
func tanhKernel() string {
	switch {
	case haveTanhAVX512:
		return "avx512"
	case haveTanhAVX2:
		return "avx2+fma"
	}
	return ""
}

// tanh8 computes the first len(x) rounded down to a multiple of eight
// elements of y = tanh(x) with AVX-512, and returns how many: none when the
// CPU lacks it, so that no caller can reach an instruction it cannot run.
func tanh8(y, x []float64) int {
	n := len(x) &^ 7
	if !haveTanhAVX512 || n == 0 {
		return 0
	}
	_ = y[n-1]
	tanhAVX512(&y[0], &x[0], n)
	return n
}

// tanh4 is tanh8 for AVX2 and FMA, four elements at a time.
func tanh4(y, x []float64) int {
	n := len(x) &^ 3
	if !haveTanhAVX2 || n == 0 {
		return 0
	}
	_ = y[n-1]
	tanhAVX2(&y[0], &x[0], n)
	return n
}

// tanhAVX512 writes y[i] = tanh(x[i]) for i < n, n a positive multiple of 8,
// bit for bit as the scalar tanh.
//
//go:noescape
func tanhAVX512(y, x *float64, n int)

// tanhAVX2 is tanhAVX512 for AVX2 and FMA, n a positive multiple of 4.
//
//go:noescape
func tanhAVX2(y, x *float64, n int)
