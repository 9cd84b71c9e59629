//go:build !noasm

package blas

// sparseKernel32 is "": there is no float32 kernel for arm64 yet, and
// every float32 product is dense.
func sparseKernel32() string { return "" }

// block4Impls32 is empty: there is no float32 vector kernel.
var block4Impls32 []block4Impl32

// block4Vector32 computes no columns: block4Go32 computes them all.
func block4Vector32([]float32, int, []float32, view32) int { return 0 }
