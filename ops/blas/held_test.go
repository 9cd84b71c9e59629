package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// heldCase is one product with a left operand of rows r0..r1−1 of a held
// rows×cols matrix: op(A) = those rows (t false) or their transpose.
type heldCase struct {
	r0, r1, n int
	t         bool
}

func heldCases(rows int) []heldCase {
	var cs []heldCase
	for _, r := range [][2]int{{0, rows}, {4, 24}, {4, 8}, {8, 12}, {5, 17}, {rows - 9, rows}} {
		for _, n := range []int{64, 100} {
			for _, t := range []bool{false, true} {
				cs = append(cs, heldCase{r[0], r[1], n, t})
			}
		}
	}
	return cs
}

// TestHoldSameBits checks that products whose left operand is held give the
// bits of the same products on an unheld copy, at the first product (which
// lists) and the second (which reuses the lists), for ranges of rows
// aligned to blocks of four or not, transposed or not, two widths of B, in
// float64 and float32; that the lists were made (the held path ran); and
// that after release a change of the matrix is seen.
func TestHoldSameBits(t *testing.T) {
	if sparseKernel() == "" {
		t.Skip("no sparse kernel on this CPU: " + sparseOff())
	}
	t.Run("float64", func(t *testing.T) { testHold[float64](t) })
	t.Run("float32", func(t *testing.T) { testHold[float32](t) })
}

func testHold[T Float](t *testing.T) {
	const rows, cols = 37, 256
	rng := rand.New(rand.NewPCG(7, 8))
	a := make([]T, rows*cols)
	for i, v := range sparseMatrix(rng, rows, cols, 0.3) {
		a[i] = T(v)
	}
	copyOf := append([]T(nil), a...)
	release := Hold(a, rows, cols)
	defer release()
	product := func(a []T, c heldCase) []T {
		m, k := c.r1-c.r0, cols
		if c.t {
			m, k = cols, c.r1-c.r0
		}
		b := fill[T](k*c.n, 0.4)
		out := make([]T, m*c.n)
		Gemm(c.t, false, m, c.n, k, a[c.r0*cols:c.r1*cols], b, out, nil)
		return out
	}
	for _, c := range heldCases(rows) {
		want := product(copyOf, c)
		for round := range 2 {
			got := product(a, c)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%+v, product %d: element %d = %v held, %v not", c, round+1, i, got[i], want[i])
				}
			}
		}
	}
	heldSet.RLock()
	var r *heldRegion
	for _, h := range heldSet.regions {
		if h.keep != nil && &h.keep.([]T)[0] == &a[0] {
			r = h
		}
	}
	heldSet.RUnlock()
	if r == nil || len(r.lists) != len(heldCases(rows)) {
		n := -1
		if r != nil {
			n = len(r.lists)
		}
		t.Fatalf("%d operands listed for the held matrix, want %d: the held path did not run", n, len(heldCases(rows)))
	}

	release()
	release() // a second release does nothing
	for i := range a {
		if i%3 == 0 {
			a[i] = 0
		}
	}
	for _, c := range heldCases(rows)[:4] {
		if got, want := product(a, c), product(append([]T(nil), a...), c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%+v after release and a change: %v, want %v", c, got[:4], want[:4])
		}
	}
}

// TestHoldDense checks that a held operand too dense for the sparse kernel
// is multiplied densely, with the bits of the unheld product.
func TestHoldDense(t *testing.T) {
	const rows, cols, n = 16, 32, 16
	a := fill[float64](rows*cols, 0.1) // no zeros
	want := make([]float64, rows*n)
	b := fill[float64](cols*n, 0.2)
	Gemm(false, false, rows, n, cols, append([]float64(nil), a...), b, want, nil)
	defer Hold(a, rows, cols)()
	got := make([]float64, rows*n)
	Gemm(false, false, rows, n, cols, a, b, got, nil)
	if sameBits(got, want) >= 0 {
		t.Fatalf("dense held product differs")
	}
	if l := held64(opA{a: a, m: rows, k: cols}, n); sparseKernel() != "" && (l == nil || !l.dense) {
		t.Errorf("held lists of a dense operand: %+v, want marked dense", l)
	}
}
