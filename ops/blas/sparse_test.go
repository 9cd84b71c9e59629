package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"outgrad/ops/internal/kerneltest"
	"testing"

	"gonum.org/v1/gonum/blas"
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
func TestSparseMatchesChain(t *testing.T) { checkSparseChain(t) }

// checkSparseChain is TestSparseMatchesChain with the kernels and listers
// the CPU features switched on select.
func checkSparseChain(t *testing.T) {
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
				gemmSparse(opA{a: stored, m: m, k: k, t: tA}, n, b, c, workers, nil)
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

// TestSparseKernels checks that every vector kernel of this architecture
// that the CPU runs gives the Go kernel's bits, for widths that fill each
// of its kernels and leave tails, on lists that hold zeros, stored per row
// or interleaved; that it computes the columns it says and no other; and
// it says which kernels this CPU cannot run (GODEBUG=cpu.avx512f=off, or
// an emulator, runs the narrower ones on any machine).
func TestSparseKernels(t *testing.T) {
	if len(block4Impls) == 0 {
		t.Skip("no vector kernels in this build: block4Go computes every column")
	}
	for _, impl := range block4Impls {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.ok {
				kerneltest.SkipUnrun(t, impl.name)
			}
			checkBlock4Impl(t, impl)
		})
	}
}

// checkBlock4Impl checks one vector kernel of block4 against block4Go.
func checkBlock4Impl(t *testing.T, impl block4Impl) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, ldb = 50, 130
	b := fill[float64](k*ldb, 0.1)
	for _, n := range []int{1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 40, 45, 64, 100, 127} {
		for _, nnz := range []int{1, 2, 17, k} {
			s := getSparseBuf(k, n)
			for i, p := range rng.Perm(k)[:nnz] {
				s.offs[i] = p * ldb * 8
			}
			for r := range 4 {
				for i := range nnz {
					s.vals[r*s.stride+i] = 0
					if rng.IntN(3) != 0 {
						s.vals[r*s.stride+i] = 2*rng.Float64() - 1
					}
				}
			}
			// The same entries interleaved, four values an entry, as
			// listAllT writes them.
			inter := view{offs: s.offs, vals: make([]float64, 4*nnz), ps: 1, es: 4, t: nnz}
			for r := range 4 {
				for q := range nnz {
					inter.vals[4*q+r] = s.vals[r*s.stride+q]
				}
			}
			// The kernels take n as C's width and as the stride of C's
			// and B's rows: B is copied to rows of n, and the offsets
			// follow.
			bn := make([]float64, k*n)
			for p := range k {
				copy(bn[p*n:p*n+n], b[p*ldb+3:p*ldb+3+n])
			}
			for _, l := range []view{s.planar(nnz), inter} {
				ln := l
				ln.offs = make([]int, nnz)
				for q := range nnz {
					ln.offs[q] = l.offs[q] / ldb * n
				}
				const pad = 8 // after C: must stay as it is
				got, want := make([]float64, 4*n+pad), make([]float64, 4*n)
				for i := range got {
					got[i] = float64(i) + 0.5
				}
				j := impl.f(got[:4*n], n, bn, ln)
				if j < 0 || j > n {
					t.Fatalf("n=%d: computed %d columns", n, j)
				}
				if n >= 8 && j == 0 {
					t.Errorf("n=%d: the kernel computed no column", n)
				}
				block4Go(want, n, n, bn, ln)
				for i, g := range got {
					r, c := i/n, i%n
					switch {
					case i < 4*n && c < j && math.Float64bits(g) != math.Float64bits(want[i]):
						t.Errorf("n=%d, %d entries, entry stride %d: (%d, %d) = %v, the Go kernel gives %v", n, nnz, l.es, r, c, g, want[i])
					case (i >= 4*n || c >= j) && g != float64(i)+0.5:
						t.Errorf("n=%d, %d entries: element %d, beyond the %d columns computed, was written", n, nnz, i, j)
					}
				}
			}
			putSparseBuf(s)
		}
	}
}

// TestSparseListLayouts checks that the Go kernel reads a list stored per
// row and the same list interleaved alike.
func TestSparseListLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, ldc = 50, 41
	b := fill[float64](k*ldc, 0.1)
	for _, nnz := range []int{1, 17, k} {
		s := getSparseBuf(k, ldc)
		for i, p := range rng.Perm(k)[:nnz] {
			s.offs[i] = p * ldc * 8
		}
		inter := view{offs: s.offs, vals: make([]float64, 4*nnz), ps: 1, es: 4, t: nnz}
		for r := range 4 {
			for q := range nnz {
				s.vals[r*s.stride+q] = 2*rng.Float64() - 1
				inter.vals[4*q+r] = s.vals[r*s.stride+q]
			}
		}
		planarWant := make([]float64, 4*ldc)
		block4Go(planarWant, ldc, 32, b, s.planar(nnz))
		interGot := make([]float64, 4*ldc)
		block4Go(interGot, ldc, 32, b, inter)
		if i := sameBits(interGot, planarWant); i >= 0 {
			t.Errorf("%d entries: the interleaved list gives %v at %d, the planar one %v", nnz, interGot[i], i, planarWant[i])
		}
		putSparseBuf(s)
	}
}

// TestGemmSkipsZeros checks that Gemm takes the sparse kernel for a mostly
// zero A of a product large enough, and the dense one otherwise: by its
// bits, where the dense product's differ from the chain's. (Gonum's Go
// kernel on arm64, whose compiler fuses a·b + c, skips the zeros of A and
// sums in ascending k: it gives the chain's bits, and there only
// sparseWorth tells the two apart.)
func TestGemmSkipsZeros(t *testing.T) {
	if sparseKernel() == "" {
		t.Skipf("no sparse kernel here (%s): every product is dense", sparseOff())
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
		want := chain(false, m, n, k, a, b)
		dense := make([]float64, m*n)
		active().dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, dense, n)
		if sameBits(dense, want) < 0 {
			t.Logf("density %v: the dense product gives the chain's bits here: they cannot tell which ran", c.density)
			continue
		}
		got := make([]float64, m*n)
		Gemm(false, false, m, n, k, a, b, got, nil)
		if i := sameBits(got, want); (i < 0) != c.sparse {
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
