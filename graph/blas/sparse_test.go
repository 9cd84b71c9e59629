package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sparseMatrix returns an r×c matrix whose rows, in groups of four, share a
// set of nonzero columns chosen with probability density (each value of the
// set is still zero, +0 or −0, with probability 1/4, so that a block's
// list holds zeros too); values are in (−1, 1).
func sparseMatrix(rng *rand.Rand, r, c int, density float64) []float64 {
	v := make([]float64, r*c)
	for g := 0; g < r; g += 4 {
		for j := range c {
			if rng.Float64() >= density {
				continue
			}
			for i := g; i < min(g+4, r); i++ {
				switch rng.IntN(8) {
				case 0:
				case 1:
					v[i*c+j] = math.Copysign(0, -1) // skipped as +0 is
				default:
					v[i*c+j] = 2*rng.Float64() - 1
				}
			}
		}
	}
	return v
}

// chain is the reference for the sparse product: element (i, j) of op(A)·B
// is the chain of math.FMA over the nonzero a_ik in ascending k, from +0.
func chain(tA bool, m, n, k int, a, b []float64) []float64 {
	c := make([]float64, m*n)
	for i := range m {
		for j := range n {
			acc := 0.0
			for p := range k {
				v := a[i*k+p]
				if tA {
					v = a[p*m+i]
				}
				if v != 0 {
					acc = math.FMA(v, b[p*n+j], acc)
				}
			}
			c[i*n+j] = acc
		}
	}
	return c
}

// transposeOf returns the c×r transpose of the r×c matrix v.
func transposeOf(v []float64, r, c int) []float64 {
	t := make([]float64, len(v))
	transpose(t, v, r, c)
	return t
}

// sameBits reports the first element where got and want differ other than
// in the sign of a zero, or −1.
func sameBits(got, want []float64) int {
	for i := range want {
		if got[i] != want[i] || math.IsNaN(got[i]) != math.IsNaN(want[i]) {
			return i
		}
	}
	return -1
}

var sparseShapes = [][3]int{ // m, n, k
	{4, 8, 16}, {5, 4, 9}, {7, 37, 130}, {13, 100, 50}, {100, 100, 784}, {9, 41, 3}, {8, 33, 1}, {6, 12, 300},
}

// TestSparseMatchesChain checks the sparse product, A plain and
// transposed, against the chain of fused multiply-adds it promises, bit
// for bit, and against the dense sum to rounding, for shapes that exercise
// every kernel width (32, 8, 4 and the Go tail) and a last block of fewer
// than four rows, on one goroutine and on several.
func TestSparseMatchesChain(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range sparseShapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			a := sparseMatrix(rng, m, k, 0.3) // op(A), m×k
			stored := a
			if tA {
				stored = transposeOf(a, m, k)
			}
			b := fill[float64](k*n, 0.3)
			want := chain(false, m, n, k, a, b)
			if tA {
				if w := chain(true, m, n, k, stored, b); sameBits(w, want) >= 0 {
					t.Fatal("the reference differs between its two layouts")
				}
			}
			for _, workers := range []int{1, 2, 3} {
				name := fmt.Sprintf("%dx%dx%d tA=%v workers=%d", m, n, k, tA, workers)
				c := fill[float64](m*n, 9) // overwritten
				gemmSparse(opA{a: stored, m: m, k: k, t: tA}, n, b, c, workers)
				if i := sameBits(c, want); i >= 0 {
					t.Errorf("%s: element (%d, %d) = %v, the chain gives %v", name, i/n, i%n, c[i], want[i])
				}
				for i := range m {
					for j := range n {
						var d float64
						for p := range k {
							d += a[i*k+p] * b[p*n+j]
						}
						if math.Abs(c[i*n+j]-d) > 1e-12*float64(k) {
							t.Fatalf("%s: (%d, %d) = %v, the dense sum %v", name, i, j, c[i*n+j], d)
						}
					}
				}
			}
		}
	}
}

// TestSparseKernels checks that each assembly kernel gives the Go kernel's
// bits, on lists that hold zeros, stored per row or interleaved.
func TestSparseKernels(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 here: the Go kernel runs alone")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const k, ldb, ldc = 50, 45, 41
	b := fill[float64](k*ldb, 0.1)
	for _, nnz := range []int{1, 2, 17, k} {
		s := getSparseBuf(k, ldc)
		for i, p := range rng.Perm(k)[:nnz] {
			s.offs[i] = p * ldb * 8
		}
		for r := range 4 {
			for i := range nnz {
				if rng.IntN(3) != 0 {
					s.vals[r*s.stride+i] = 2*rng.Float64() - 1
				}
			}
		}
		// The same entries interleaved, four values an entry, as listAllT
		// writes them.
		inter := view{offs: s.offs, vals: make([]float64, 4*nnz), ps: 1, es: 4, t: nnz}
		for r := range 4 {
			for q := range nnz {
				inter.vals[4*q+r] = s.vals[r*s.stride+q]
			}
		}
		for _, l := range []view{s.planar(nnz), inter} {
			for _, kern := range []struct {
				w int
				f func(c []float64, ldc int, b []float64, l view)
			}{{32, block4x32}, {8, block4x8}, {4, block4x4}} {
				got, want := make([]float64, 4*ldc), make([]float64, 4*ldc)
				kern.f(got, ldc, b[3:], l)
				block4Go(want, ldc, kern.w, b[3:], l)
				for r := range 4 {
					for j := range kern.w {
						if g, w := got[r*ldc+j], want[r*ldc+j]; math.Float64bits(g) != math.Float64bits(w) {
							t.Errorf("width %d, %d entries, entry stride %d: (%d, %d) = %v, the Go kernel gives %v", kern.w, nnz, l.es, r, j, g, w)
						}
					}
				}
			}
		}
		planarWant := make([]float64, 4*ldc)
		block4Go(planarWant, ldc, 32, b[3:], s.planar(nnz))
		interGot := make([]float64, 4*ldc)
		block4Go(interGot, ldc, 32, b[3:], inter)
		if i := sameBits(interGot, planarWant); i >= 0 {
			t.Errorf("%d entries: the interleaved list gives %v at %d, the planar one %v", nnz, interGot[i], i, planarWant[i])
		}
		putSparseBuf(s)
	}
}

// TestGemmSkipsZeros checks that Gemm takes the sparse kernel for a mostly
// zero A of a product large enough, and the dense one otherwise.
func TestGemmSkipsZeros(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 here: every product is dense")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 100, 100, 784
	b := fill[float64](k*n, 0.7)
	for _, c := range []struct {
		density float64
		sparse  bool
	}{{0.2, true}, {0.45, true}, {0.9, false}} {
		a := sparseMatrix(rng, m, k, c.density)
		if got := sparseWorth(opA{a: a, m: m, k: k}, n); got != c.sparse {
			t.Errorf("density %v: sparse %v, want %v", c.density, got, c.sparse)
		}
		got := make([]float64, m*n)
		Gemm(false, false, m, n, k, a, b, got, nil)
		if i := sameBits(got, chain(false, m, n, k, a, b)); (i < 0) != c.sparse {
			t.Errorf("density %v: Gemm matches the chain: %v, want %v", c.density, i < 0, c.sparse)
		}
	}
	a := sparseMatrix(rng, m, k, 0.2)
	for _, c := range []struct {
		name    string
		m, n, k int
	}{{"narrow", m, sparseMinN - 1, k}, {"small", 4, 8, 64}, {"three rows", 3, n, k}} {
		if sparseWorth(opA{a: a[:c.m*c.k], m: c.m, k: c.k}, c.n) {
			t.Errorf("%s (%d×%d×%d): sparse, want dense", c.name, c.m, c.n, c.k)
		}
	}
}
