//go:build !noasm

package blas

import "golang.org/x/sys/cpu"

// haveSparse reports whether the sparse kernels run here: they need AVX-512.
var haveSparse = cpu.X86.HasAVX512F

//go:noescape
func block4x32AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, nnz int)

//go:noescape
func block4x8AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, nnz int)

//go:noescape
func block4x4AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, nnz int)

//go:noescape
func list4AVX512(a *float64, lda int, blocks int, first *[8]int, step int, offs *int, vals *float64, vstride int) int

// block4x32 sets four rows of 32 columns of C (row r at c[r·ldc:]) to the
// chains over the t > 0 columns listed in s; every listed offset, plus 32
// values, lies within b.
func block4x32(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	_, _, _ = c[3*ldc+31], b[s.offs[t-1]/8+31], s.vals[3*s.stride+t-1]
	block4x32AVX512(&c[0], 8*ldc, &b[0], &s.offs[0], &s.vals[0], 8*s.stride, t)
}

// block4x8 is block4x32 for 8 columns.
func block4x8(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	_, _, _ = c[3*ldc+7], b[s.offs[t-1]/8+7], s.vals[3*s.stride+t-1]
	block4x8AVX512(&c[0], 8*ldc, &b[0], &s.offs[0], &s.vals[0], 8*s.stride, t)
}

// block4x4 is block4x32 for 4 columns.
func block4x4(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	_, _, _ = c[3*ldc+3], b[s.offs[t-1]/8+3], s.vals[3*s.stride+t-1]
	block4x4AVX512(&c[0], 8*ldc, &b[0], &s.offs[0], &s.vals[0], 8*s.stride, t)
}

// list4 lists into s the columns p < 8⌊k/8⌋ where any of the four rows of
// k values in a (row-major) is nonzero, B's rows being n values long,
// and returns how many it listed and the first column it did not look at.
func list4(a []float64, k, n int, s *sparseBuf) (t, p int) {
	blocks := k / 8
	if blocks == 0 {
		return 0, 0
	}
	_, _ = a[3*k+8*blocks-1], s.vals[3*s.stride+8*blocks-1]
	if s.stride < k+sparseSlack {
		return 0, 0
	}
	var first [8]int
	for j := range first {
		first[j] = 8 * j * n
	}
	t = list4AVX512(&a[0], 8*k, blocks, &first, 64*n, &s.offs[0], &s.vals[0], 8*s.stride)
	return t, 8 * blocks
}

//go:noescape
func list4TAVX512(a *float64, lda int, blocks int, first *[8]int, step int, offs *int, vals *float64, vstride int, index *[8]int) int

// list4T lists into s the rows p < 8⌊k/8⌋ of a (k×m, row-major) where any
// of the four values a[p·m+i : p·m+i+4] is nonzero, B's rows being n values
// long, and returns how many it listed and the first row it did not look
// at.
func list4T(a []float64, m, k, i, n int, s *sparseBuf) (t, p int) {
	blocks := k / 8
	if blocks == 0 || i+4 > m || s.stride < k+sparseSlack {
		return 0, 0
	}
	_, _ = a[(8*blocks-1)*m+i+3], s.vals[3*s.stride+8*blocks-1]
	var first, index [8]int
	for j := range first {
		first[j], index[j] = 8*j*n, 8*j*m
	}
	t = list4TAVX512(&a[i], m, blocks, &first, 64*n, &s.offs[0], &s.vals[0], 8*s.stride, &index)
	return t, 8 * blocks
}

//go:noescape
func finiteBlocksAVX512(v *float64, blocks int) int

// finiteBlocks returns how many of the leading blocks of eight values of v
// hold no NaN or ±Inf: all ⌊len(v)/8⌋ of them, or the index of the first
// block that does.
func finiteBlocks(v []float64) int {
	blocks := len(v) / 8
	if blocks == 0 {
		return 0
	}
	return finiteBlocksAVX512(&v[0], blocks)
}
