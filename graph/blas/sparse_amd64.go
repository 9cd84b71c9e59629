//go:build !noasm

package blas

import "golang.org/x/sys/cpu"

// haveSparse reports whether the sparse kernel runs here: it needs AVX-512.
var haveSparse = cpu.X86.HasAVX512F

//go:noescape
func block4x32AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, nnz int)

//go:noescape
func block4x8AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, nnz int)

// block4x32 sets four rows of 32 columns of C (row r at c[r·ldc:]) to the
// chains over the listed columns; offs is not empty and every offset, plus
// 32 values, lies within b.
func block4x32(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	_, _, _ = c[3*ldc+31], b[offs[len(offs)-1]/8+31], vals[4*len(offs)-1]
	block4x32AVX512(&c[0], 8*ldc, &b[0], &offs[0], &vals[0], len(offs))
}

// block4x8 is block4x32 for 8 columns.
func block4x8(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	_, _, _ = c[3*ldc+7], b[offs[len(offs)-1]/8+7], vals[4*len(offs)-1]
	block4x8AVX512(&c[0], 8*ldc, &b[0], &offs[0], &vals[0], len(offs))
}

//go:noescape
func block4x4AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, nnz int)

// block4x4 is block4x32 for 4 columns.
func block4x4(c []float64, ldc int, b []float64, offs []int, vals []float64) {
	_, _, _ = c[3*ldc+3], b[offs[len(offs)-1]/8+3], vals[4*len(offs)-1]
	block4x4AVX512(&c[0], 8*ldc, &b[0], &offs[0], &vals[0], len(offs))
}
