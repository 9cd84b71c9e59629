//go:build !amd64 || noasm

package blas

// haveSparse is false: without the assembly kernel, every product is dense.
var haveSparse = false

func block4x32(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	block4Go(c, ldc, 32, b, offs, vals)
}

func block4x8(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	block4Go(c, ldc, 8, b, offs, vals)
}

func block4x4(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	block4Go(c, ldc, 4, b, offs, vals)
}
