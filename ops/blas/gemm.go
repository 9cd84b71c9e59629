package blas

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// Float is the element type of the routines: float32 or float64.
type Float interface{ float32 | float64 }

// sparseGemm computes C = op(A)·op(B) with the block kernel of sparse.go
// and returns true when that is worth it, else does nothing and returns
// false: op(A) sparse enough (judged on its first block of four rows, or
// once for a held operand: Hold), B not transposed; or, for any op(A), a
// product small enough (denseKernelWork) or a backend without a kernel of
// its own (gonum), B transposed into *scratch first when it is.
func sparseGemm[T Float](tA, tB bool, m, n, k int, a, b, c []T, scratch *[]T) bool {
	workers := 1
	if int64(m)*int64(n)*int64(k) >= bigWork {
		workers = bigThreads
	}
	switch a := any(a).(type) {
	case []float64:
		o, kernel := opA{a: a[:m*k], m: m, k: k, t: tA}, sparseKernel()
		if !tB && sparseEligible(kernel, m, k, n) {
			held := held64(o, n)
			if held != nil && !held.dense || held == nil && sparseWorth(o, n) {
				gemmSparse(o, n, asF64(b[:k*n]), asF64(c[:m*n]), workers, held)
				return true
			}
		}
		if denseWorth(kernel, m, n, k) {
			gemmDense(o, n, asF64(untransposed(tB, b, k, n, scratch)), asF64(c[:m*n]), workers)
			return true
		}
	case []float32:
		o, kernel := opA32{a: a[:m*k], m: m, k: k, t: tA}, sparseKernel32()
		if !tB && sparseEligible(kernel, m, k, n) {
			held := held32(o, n)
			if held != nil && !held.dense || held == nil && sparseWorth32(o, n) {
				gemmSparse32(o, n, asF32(b[:k*n]), asF32(c[:m*n]), workers, held)
				return true
			}
		}
		if denseWorth(kernel, m, n, k) {
			gemmDense32(o, n, asF32(untransposed(tB, b, k, n, scratch)), asF32(c[:m*n]), workers)
			return true
		}
	}
	return false
}

// denseKernelWork is the largest m·n·k of a dense product that the block
// kernel computes when OpenBLAS is loaded (see bench/README.md, "Figures
// behind choices in the code"): below it OpenBLAS's fixed cost per call
// outweighs its faster kernels.
const denseKernelWork = 1 << 18

// denseWorth reports whether a dense m×k·k×n product runs on the block
// kernel: a vector kernel runs here (kernel is sparseKernel's), the product
// has whole blocks of four rows and columns, and it is small
// (denseKernelWork) or the backend is gonum, whose pure-Go kernels the
// block kernel outruns at every size.
func denseWorth(kernel string, m, n, k int) bool {
	if kernel == "" || m < 4 || n < 4 || k < 1 {
		return false
	}
	return active().lib == nil || int64(m)*int64(n)*int64(k) <= denseKernelWork
}

// untransposed returns B as k×n row-major: b itself, or, when tB (b is
// stored n×k), its transpose written into *scratch (grown as needed; a
// buffer of its own when scratch is nil).
func untransposed[T Float](tB bool, b []T, k, n int, scratch *[]T) []T {
	if !tB {
		return b[:k*n]
	}
	var s []T
	if scratch != nil {
		if cap(*scratch) < k*n {
			*scratch = make([]T, k*n)
		}
		s = (*scratch)[:k*n]
	} else {
		s = make([]T, k*n)
	}
	transpose(s, b[:n*k], n, k)
	return s
}

// Gemm computes C = op(A)·op(B) for row-major matrices, where op(A) is m×k,
// op(B) is k×n and C is m×n (C is overwritten); tA and tB transpose A and B,
// so A is stored k×m when tA is set and B n×k when tB is set. If k is 0, C is
// zeroed; if m or n is 0 it does nothing. Like gonum's BLAS it panics if a
// slice is too short for its matrix or a size is negative, with a message
// starting "blas: gemm: " that gives the sizes.
//
// Gonum's kernels for a transposed operand run at a fraction of the
// untransposed speed, so on gonum a transposed operand is first copied,
// transposed, into *scratch (grown as needed and kept by the caller between
// calls; nil skips the copy). OpenBLAS needs no copy.
func Gemm[T Float](tA, tB bool, m, n, k int, a, b, c []T, scratch *[]T) {
	mustFitGemm(m, n, k, len(a), len(b), len(c))
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	if sparseGemm(tA, tB, m, n, k, a, b, c, scratch) {
		return
	}
	be := active()
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	if be.lib == nil && scratch != nil && (tA || tB) {
		need := 0
		if tA {
			need += m * k
		}
		if tB {
			need += k * n
		}
		if cap(*scratch) < need {
			*scratch = make([]T, need)
		}
		s := (*scratch)[:need]
		if tA {
			transpose(s[:m*k], a[:k*m], k, m) // a is k×m; s becomes m×k
			a, lda, tA, s = s[:m*k], k, false, s[m*k:]
		}
		if tB {
			transpose(s[:k*n], b[:n*k], n, k) // b is n×k; s becomes k×n
			b, ldb, tB = s[:k*n], n, false
		}
	}
	switch a := any(a).(type) {
	case []float64:
		be.dgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, any(b).([]float64), ldb, 0, any(c).([]float64), n)
	case []float32:
		be.sgemm(trans(tA), trans(tB), m, n, k, 1, a, lda, any(b).([]float32), ldb, 0, any(c).([]float32), n)
	}
}

// transpose writes the transpose of src (rows×cols, row-major) into dst
// (cols×rows), in blocks to stay in cache.
func transpose[T Float](dst, src []T, rows, cols int) {
	const bs = 32
	for i0 := 0; i0 < rows; i0 += bs {
		i1 := min(i0+bs, rows)
		for j0 := 0; j0 < cols; j0 += bs {
			j1 := min(j0+bs, cols)
			for i := i0; i < i1; i++ {
				row := src[i*cols : i*cols+cols]
				for j := j0; j < j1; j++ {
					dst[j*rows+i] = row[j]
				}
			}
		}
	}
}

// bigThreads is the number of threads for a large product: OpenBLAS's
// threads, or the sparse kernel's goroutines.
var bigThreads = min(runtime.NumCPU(), 2)

// bigWork is the smallest m·n·k that runs on bigThreads: the 10000-image
// evaluation (10000×100×784) does, a training step's products (at most
// 100×100×784) do not.
const bigWork = 1 << 26

// asF64 is v, of element type float64, as a []float64 (a conversion through
// an interface would allocate when the slice reaches a goroutine).
func asF64[T Float](v []T) []float64 {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&v[0])), len(v))
}

// asF32 is asF64 for element type float32.
func asF32[T Float](v []T) []float32 {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&v[0])), len(v))
}

// mustFitGemm panics, with a message naming the sizes, on negative sizes or
// a slice too short for its matrix: before any kernel runs, so that neither
// an index out of range nor OpenBLAS reading past a slice can happen.
func mustFitGemm(m, n, k, la, lb, lc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("blas: gemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	short := func(l, r, c int) bool { return r != 0 && (c > math.MaxInt/r || l < r*c) }
	if short(la, m, k) || short(lb, k, n) || short(lc, m, n) {
		panic(fmt.Sprintf("blas: gemm: m=%d n=%d k=%d need %d×%d, %d×%d and %d×%d values; the slices hold %d, %d and %d",
			m, n, k, m, k, k, n, m, n, la, lb, lc))
	}
}
