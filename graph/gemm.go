package graph

import "outgrad/ops"

// Gemm computes C = op(A)·op(B) for row-major matrices, where op(A) is m×k,
// op(B) is k×n and C is m×n; tA and tB transpose A and B. It calls the BLAS
// selected with blas64.Use and blas32.Use (gonum's pure Go by default), so the
// graph ops and the hand-rolled network always run on the same BLAS.
//
// Gonum's kernels for a transposed operand run at a fraction of the
// untransposed speed, so a transposed operand is first copied, transposed,
// into *scratch (grown as needed and kept by the caller between calls).
// With an external BLAS (cgo) the copy is skipped.
func Gemm[T ops.Float](tA, tB bool, m, n, k int, a, b, c []T, scratch *[]T) {
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	if transposeFirst && scratch != nil && (tA || tB) {
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
			transpose(s[:m*k], a, k, m) // a is k×m; s becomes m×k
			a, lda, tA, s = s[:m*k], k, false, s[m*k:]
		}
		if tB {
			transpose(s[:k*n], b, n, k) // b is n×k; s becomes k×n
			b, ldb, tB = s[:k*n], n, false
		}
	}
	switch a := any(a).(type) {
	case []float64:
		gemm64(tA, tB, m, n, k, a, lda, any(b).([]float64), ldb, any(c).([]float64))
	case []float32:
		gemm32(tA, tB, m, n, k, a, lda, any(b).([]float32), ldb, any(c).([]float32))
	}
}

// transpose writes the transpose of src (rows×cols, row-major) into dst
// (cols×rows), in blocks to stay in cache.
func transpose[T ops.Float](dst, src []T, rows, cols int) {
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
