//go:build !noasm && !gccgo

package blas

import "golang.org/x/sys/cpu"

// haveAVX512 reports whether the AVX-512 kernels run here: the sparse
// kernels and FirstNonFinite's. Every function of this file checks it
// itself, so that no caller, a test included, can reach an instruction the
// CPU lacks: without AVX-512 each one does its work in Go or leaves it to
// the Go code after it.
var haveAVX512 = cpu.X86.HasAVX512F

// haveAVX2 reports whether the AVX2+FMA kernels run here (sparse_avx2_amd64.go),
// as haveAVX512 does for the AVX-512 ones: most CPUs without AVX-512 have
// them.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sparseKernel names the vector kernel that block4Vector runs here, or ""
// when there is none and every product is dense.
func sparseKernel() string {
	return kernelFor(haveAVX512, haveAVX2)
}

// kernelFor names the vector kernel chosen on a CPU with the given
// features: the widest it runs.
func kernelFor(avx512, avx2 bool) string {
	switch {
	case avx512:
		return "AVX-512"
	case avx2:
		return "AVX2+FMA"
	}
	return ""
}

// sparseOff says why there is no sparse kernel.
func sparseOff() string { return "the CPU has neither AVX-512 nor AVX2+FMA" }

// block4Impls are the vector kernels of block4 for this architecture, each
// with whether the CPU runs it, so that a test checks every one the
// machine can run against block4Go (and says which it cannot).
var block4Impls = []block4Impl{
	{"avx512", haveAVX512, block4AVX512},
	{"avx2", haveAVX2, block4AVX2},
}

// block4Vector computes the leading columns of block4 with the widest
// vector kernel the CPU runs, and returns how many: 0 where none runs.
func block4Vector(c []float64, n int, b []float64, l view) int {
	switch {
	case haveAVX512:
		return block4AVX512(c, n, b, l)
	case haveAVX2:
		return block4AVX2(c, n, b, l)
	}
	return 0
}

// block4Last4 computes columns 0..3 of four rows of C (row r at c[r·ldc:])
// with the narrowest vector kernel the CPU runs, for a block's last
// columns that no wider kernel took (block4 overlaps them with columns
// already done: each element is the same chain whichever kernel computes
// it); it returns false where none runs.
func block4Last4(c []float64, ldc int, b []float64, l view) bool {
	switch {
	case haveAVX512:
		block4x4(c, ldc, b, l)
	case haveAVX2:
		block4x4v2(c, ldc, b, l)
	default:
		return false
	}
	return true
}

// block4AVX512 computes the columns of block4 that fill kernels of 32, 8
// and 4 columns, and returns how many.
func block4AVX512(c []float64, n int, b []float64, l view) int {
	j := 0
	for ; j+32 <= n; j += 32 {
		block4x32(c[j:], n, b[j:], l)
	}
	for ; j+8 <= n; j += 8 {
		block4x8(c[j:], n, b[j:], l)
	}
	for ; j+4 <= n; j += 4 {
		block4x4(c[j:], n, b[j:], l)
	}
	return j
}

//go:noescape
func block4x32AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

//go:noescape
func block4x8AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

//go:noescape
func block4x4AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

//go:noescape
func list4AVX512(a *float64, lda int, blocks int, first *[8]int, step int, offs *int, vals *float64, vstride int) int

// block4x32 sets four rows of 32 columns of C (row r at c[r·ldc:]) to the
// chains over the l.t > 0 listed columns; every listed offset, plus 32
// values, lies within b.
func block4x32(c []float64, ldc int, b []float64, l view) {
	if !haveAVX512 || l.t == 0 {
		block4Go(c, ldc, 32, b, l)
		return
	}
	_, _, _ = c[3*ldc+31], b[l.offs[l.t-1]/8+31], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x32AVX512(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// block4x8 is block4x32 for 8 columns.
func block4x8(c []float64, ldc int, b []float64, l view) {
	if !haveAVX512 || l.t == 0 {
		block4Go(c, ldc, 8, b, l)
		return
	}
	_, _, _ = c[3*ldc+7], b[l.offs[l.t-1]/8+7], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x8AVX512(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// block4x4 is block4x32 for 4 columns.
func block4x4(c []float64, ldc int, b []float64, l view) {
	if !haveAVX512 || l.t == 0 {
		block4Go(c, ldc, 4, b, l)
		return
	}
	_, _, _ = c[3*ldc+3], b[l.offs[l.t-1]/8+3], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x4AVX512(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// list4 lists into s the leading columns where any of the four rows of k
// values in a (row-major) is nonzero, B's rows being n values long, with
// the widest lister the CPU runs, and returns how many it listed and the
// first column it did not look at.
func list4(a []float64, k, n int, s *sparseBuf) (t, p int) {
	if haveAVX512 {
		return list4With512(a, k, n, s)
	}
	return list4With2(a, k, n, s)
}

// list4With512 is list4 with AVX-512 for the columns p < 8⌊k/8⌋.
func list4With512(a []float64, k, n int, s *sparseBuf) (t, p int) {
	blocks := k / 8
	if !haveAVX512 || blocks == 0 {
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
func finiteBlocksAVX512(v *float64, blocks int) int

// finiteBlocks returns how many of the leading blocks of eight values of v
// hold no NaN or ±Inf: all ⌊len(v)/8⌋ of them, or the index of the first
// block that does.
func finiteBlocks(v []float64) int {
	blocks := len(v) / 8
	switch {
	case blocks == 0:
		return 0
	case haveAVX512:
		return finiteBlocksAVX512(&v[0], blocks)
	case haveAVX2:
		return finiteBlocksAVX2(&v[0], blocks)
	}
	return 0
}

//go:noescape
func listAllTAVX512(a *float64, lda int, k int, pairs int, step int, offs *int, vals *float64, counts *int, ls int)

// listAllTAsm is listAllT's pass over A (k×m) with the widest lister the
// CPU runs. It returns the first block it did not list.
func listAllTAsm(a []float64, m, k, n int, l *allLists) int {
	if haveAVX512 {
		return listAllTWith512(a, m, k, n, l)
	}
	return listAllTWith2(a, m, k, n, l)
}

// listAllTWith512 is listAllTAsm with AVX-512, eight values of a row (two
// blocks) at a time: it leaves a last block that is not in a group of
// eight.
func listAllTWith512(a []float64, m, k, n int, l *allLists) int {
	if !haveAVX512 {
		return 0
	}
	pairs := m / 8
	if pairs > 0 && k > 0 {
		_, _ = a[(k-1)*m+8*pairs-1], l.vals[4*((2*pairs-1)*l.ls+k)-1]
		_, _ = l.offs[(2*pairs-1)*l.ls+k-1], l.counts[2*pairs-1]
		listAllTAVX512(&a[0], 8*m, k, pairs, 8*n, &l.offs[0], &l.vals[0], &l.counts[0], l.ls)
	}
	return 2 * pairs
}
