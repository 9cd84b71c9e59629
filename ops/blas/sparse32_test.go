package blas

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"outgrad/ops/internal/kerneltest"
	"testing"
)

// exactFMA32 is a·b + c rounded once to float32, from the exact sum in
// math/big; an exact zero has the sign IEEE 754 gives it (−0 only when
// a·b and c are both −0). For finite a, b, c.
func exactFMA32(a, b, c float32) float32 {
	z := new(big.Float).SetPrec(2000).SetFloat64(float64(a))
	z.Mul(z, new(big.Float).SetPrec(2000).SetFloat64(float64(b)))
	z.Add(z, new(big.Float).SetPrec(2000).SetFloat64(float64(c)))
	if z.Sign() == 0 {
		prodNeg := math.Signbit(float64(a)) != math.Signbit(float64(b))
		if prodNeg && math.Signbit(float64(c)) {
			return float32(math.Copysign(0, -1))
		}
		return 0
	}
	f, _ := z.Float32()
	return f
}

// fma32Cases returns inputs for fma32: random bit patterns, sums that
// cancel, subnormal results, and sums whose float64 rounding lands exactly
// halfway between two float32 values though the exact sum does not (where
// float32(math.FMA(...)) rounds twice and goes wrong), on both sides, in
// the normal and subnormal range and at the overflow threshold.
func fma32Cases(rng *rand.Rand) [][3]float32 {
	finite := func() float32 {
		for {
			if f := math.Float32frombits(rng.Uint32()); !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) {
				return f
			}
		}
	}
	sign := func() float32 { return float32(1 - 2*rng.IntN(2)) }
	var cs [][3]float32
	for range 200000 {
		cs = append(cs, [3]float32{finite(), finite(), finite()})
	}
	for range 200000 {
		// Close exponents: cancellation, and products near c.
		e := rng.IntN(60) - 30
		a := sign() * float32(math.Ldexp(1+rng.Float64(), e))
		b := sign() * float32(math.Ldexp(1+rng.Float64(), -e+rng.IntN(5)-2))
		c := -a * b * float32(1+(rng.Float64()-0.5)*1e-5)
		cs = append(cs, [3]float32{a, b, c})
	}
	for range 100000 {
		// Subnormal results.
		a := sign() * float32(math.Ldexp(1+rng.Float64(), -63-rng.IntN(20)))
		b := sign() * float32(math.Ldexp(1+rng.Float64(), -63-rng.IntN(20)))
		c := sign() * math.Float32frombits(rng.Uint32N(1<<23))
		cs = append(cs, [3]float32{a, b, c})
	}
	for range 100000 {
		// a·b = ±h(1 − k²2⁻⁴⁶), h half an ulp of c: the float64 sum is the
		// midpoint c ± h, the exact sum just inside it.
		k := float64(1 + rng.IntN(1<<10))
		e := rng.IntN(200) - 100
		m := 1 + float64(rng.IntN(1<<23))*0x1p-23 // odd or even last bit
		c := sign() * float32(math.Ldexp(m, e))
		s := sign()
		a := float32(math.Ldexp(1+k*0x1p-23, e/2))
		b := s * float32(math.Ldexp(1-k*0x1p-23, e-e/2-24))
		cs = append(cs, [3]float32{a, b, c})
	}
	for k := 1.0; k < 64; k++ {
		for _, cSign := range []float32{1, -1} {
			for _, s := range []float32{1, -1} {
				// The subnormal midpoint 2⁻¹⁵⁰, and near m·2⁻¹⁴⁹.
				a := float32(math.Ldexp(1+k*0x1p-23, -75))
				b := s * float32(math.Ldexp(1-k*0x1p-23, -75))
				for _, c := range []float32{0, math.SmallestNonzeroFloat32, 3 * math.SmallestNonzeroFloat32, 0x1p-126} {
					cs = append(cs, [3]float32{a, b, cSign * c})
				}
				// The overflow threshold: MaxFloat32 + 2¹⁰³(1 − k²2⁻⁴⁶).
				a = float32(math.Ldexp(1+k*0x1p-23, 52))
				b = s * float32(math.Ldexp(1-k*0x1p-23, 51))
				cs = append(cs, [3]float32{a, b, cSign * math.MaxFloat32})
			}
		}
	}
	negZero := float32(math.Copysign(0, -1))
	for _, x := range []float32{0, negZero, 1, -1, math.SmallestNonzeroFloat32, math.MaxFloat32} {
		for _, y := range []float32{0, negZero, 1, -1, 0x1p-100} {
			for _, z := range []float32{0, negZero, 1, -1, math.MaxFloat32, -math.MaxFloat32} {
				cs = append(cs, [3]float32{x, y, z})
			}
		}
	}
	return cs
}

// TestFMA32 checks fma32 against the exact sum rounded once (math/big) on
// random and edge inputs, counting the cases where rounding twice
// (float32(math.FMA)) would be wrong, so that the test shows it reaches
// them; and that infinities and NaN propagate.
func TestFMA32(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	twice, bad := 0, 0
	for _, in := range fma32Cases(rng) {
		a, b, c := in[0], in[1], in[2]
		want := exactFMA32(a, b, c)
		got := fma32(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("fma32(%x, %x, %x) = %x, the exact rounding %x", a, b, c, got, want)
			}
		}
		if float32(math.FMA(float64(a), float64(b), float64(c))) != want {
			twice++
		}
	}
	if twice < 1000 {
		t.Errorf("only %d cases where rounding twice goes wrong: the midpoints are not reached", twice)
	}
	t.Logf("%d cases where float32(math.FMA) differs from the exact rounding", twice)
	inf := float32(math.Inf(1))
	for _, c := range []struct{ a, b, c, want float32 }{
		{inf, 1, 1, inf}, {-inf, 1, 1, -inf}, {1, 1, inf, inf}, {math.MaxFloat32, 2, 0, inf}, {-math.MaxFloat32, 2, 0, -inf},
	} {
		if got := fma32(c.a, c.b, c.c); got != c.want {
			t.Errorf("fma32(%v, %v, %v) = %v, want %v", c.a, c.b, c.c, got, c.want)
		}
	}
	if got := fma32(inf, 0, 1); !math.IsNaN(float64(got)) {
		t.Errorf("fma32(Inf, 0, 1) = %v, want NaN", got)
	}
}

// to32 rounds v to float32 (−0 stays −0).
func to32(v []float64) []float32 {
	w := make([]float32, len(v))
	for i, x := range v {
		w[i] = float32(x)
	}
	return w
}

// chain32 is chain in float32: element (i, j) is the chain of fma32 over
// the nonzero a_ik in ascending k, from +0.
func chain32(tA bool, m, n, k int, a, b []float32) []float32 {
	c := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var acc float32
			for p := range k {
				v := a[i*k+p]
				if tA {
					v = a[p*m+i]
				}
				if v != 0 {
					acc = fma32(v, b[p*n+j], acc)
				}
			}
			c[i*n+j] = acc
		}
	}
	return c
}

// sameBits32 is sameBits for float32.
func sameBits32(got, want []float32) int {
	for i := range want {
		if got[i] != want[i] || math.IsNaN(float64(got[i])) != math.IsNaN(float64(want[i])) {
			return i
		}
	}
	return -1
}

// TestSparseMatchesChain32 is TestSparseMatchesChain in float32: the
// product, A plain and transposed, on one goroutine and several, against
// the chain of fma32 bit for bit and the dense sum to rounding.
func TestSparseMatchesChain32(t *testing.T) { checkSparseChain32(t) }

// checkSparseChain32 is TestSparseMatchesChain32 with the kernels the CPU
// features switched on select.
func checkSparseChain32(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := append(sparseShapes, [3]int{5, 100, 40}, [3]int{8, 64, 30}, [3]int{4, 99, 20})
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []bool{false, true} {
			a := to32(sparseMatrix(rng, m, k, 0.3))
			stored := a
			if tA {
				stored = make([]float32, len(a))
				transpose(stored, a, m, k)
			}
			b := fill[float32](k*n, 0.3)
			want := chain32(false, m, n, k, a, b)
			for _, workers := range []int{1, 2, 3} {
				name := fmt.Sprintf("%dx%dx%d tA=%v workers=%d", m, n, k, tA, workers)
				c := fill[float32](m*n, 9)
				gemmSparse32(opA32{a: stored, m: m, k: k, t: tA}, n, b, c, workers, nil)
				if i := sameBits32(c, want); i >= 0 {
					t.Errorf("%s: element (%d, %d) = %v, the chain gives %v", name, i/n, i%n, c[i], want[i])
				}
				for i := range m {
					for j := range n {
						var d float64
						for p := range k {
							d += float64(a[i*k+p]) * float64(b[p*n+j])
						}
						if math.Abs(float64(c[i*n+j])-d) > 1e-6*float64(k) {
							t.Fatalf("%s: (%d, %d) = %v, the dense sum %v", name, i, j, c[i*n+j], d)
						}
					}
				}
			}
		}
	}
}

// TestSparseKernels32 checks that every float32 vector kernel of this
// architecture that the CPU runs gives the bits of the Go kernel (fma32),
// for widths that fill each of its kernels and leave tails, on lists that
// hold zeros, stored per row or interleaved; that it computes the columns
// it says and no other; and it says which kernels this CPU cannot run.
func TestSparseKernels32(t *testing.T) {
	if len(block4Impls32) == 0 {
		t.Skip("no float32 vector kernels in this build: block4Go32 computes every column")
	}
	for _, impl := range block4Impls32 {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.ok {
				kerneltest.SkipUnrun(t, impl.name)
			}
			checkBlock4Impl32(t, impl)
		})
	}
}

// checkBlock4Impl32 checks one float32 vector kernel against block4Go32.
// The values of A and B have full 24-bit significands and varied
// exponents, so that each fma rounds and a kernel that rounded twice, or
// summed in another order, would differ.
func checkBlock4Impl32(t *testing.T, impl block4Impl32) {
	rng := rand.New(rand.NewPCG(3, 4))
	val := func() float32 {
		return float32(math.Ldexp(2*rng.Float64()-1, rng.IntN(16)-8))
	}
	const k = 50
	for _, n := range []int{1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 28, 31, 32, 33, 40, 48, 63, 64, 65, 100, 127, 130} {
		bn := make([]float32, k*n)
		for i := range bn {
			bn[i] = val()
		}
		for _, nnz := range []int{1, 2, 17, k} {
			s := getSparseBuf32(k, n)
			for i, p := range rng.Perm(k)[:nnz] {
				s.offs[i] = p * n * 4
			}
			for r := range 4 {
				for i := range nnz {
					s.vals[r*s.stride+i] = 0
					if rng.IntN(3) != 0 {
						s.vals[r*s.stride+i] = val()
					}
				}
			}
			inter := view32{offs: s.offs, vals: make([]float32, 4*nnz), ps: 1, es: 4, t: nnz}
			for r := range 4 {
				for q := range nnz {
					inter.vals[4*q+r] = s.vals[r*s.stride+q]
				}
			}
			for _, l := range []view32{s.planar(nnz), inter} {
				const pad = 16 // after C: must stay as it is
				got, want := make([]float32, 4*n+pad), make([]float32, 4*n)
				for i := range got {
					got[i] = float32(i) + 0.5
				}
				j := impl.f(got[:4*n], n, bn, l)
				if j < 0 || j > n {
					t.Fatalf("n=%d: computed %d columns", n, j)
				}
				if n >= 4 && j < n-n%4 {
					t.Errorf("n=%d: the kernel computed %d columns, want %d", n, j, n-n%4)
				}
				block4Go32(want, n, n, bn, l)
				for i, g := range got {
					r, c := i/n, i%n
					switch {
					case i < 4*n && c < j && math.Float32bits(g) != math.Float32bits(want[i]):
						t.Errorf("n=%d, %d entries, entry stride %d: (%d, %d) = %v, the Go kernel gives %v", n, nnz, l.es, r, c, g, want[i])
					case (i >= 4*n || c >= j) && g != float32(i)+0.5:
						t.Errorf("n=%d, %d entries: element %d, beyond the %d columns computed, was written", n, nnz, i, j)
					}
				}
			}
			putSparseBuf32(s)
		}
	}
}

// TestGemmSkipsZeros32 checks that Gemm[float32] takes the sparse kernel
// for a mostly zero A of a product large enough (it gives the chain's
// bits, which the dense product does not), plain and transposed, and the
// dense one for a dense A.
func TestGemmSkipsZeros32(t *testing.T) {
	if sparseKernel32() == "" {
		t.Skip("no float32 sparse kernel here: every float32 product is dense")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const m, n, k = 100, 100, 784
	b := fill[float32](k*n, 0.7)
	for _, c := range []struct {
		density float64
		sparse  bool
	}{{0.2, true}, {0.45, true}, {0.9, false}} {
		a := to32(sparseMatrix(rng, m, k, c.density))
		if got := sparseWorth32(opA32{a: a, m: m, k: k}, n); got != c.sparse {
			t.Errorf("density %v: sparse %v, want %v", c.density, got, c.sparse)
		}
		want := chain32(false, m, n, k, a, b)
		dense := make([]float32, m*n)
		active().sgemm(trans(false), trans(false), m, n, k, 1, a, k, b, n, 0, dense, n)
		if sameBits32(dense, want) < 0 {
			t.Logf("density %v: the dense product gives the chain's bits here: they cannot tell which ran", c.density)
			continue
		}
		got := make([]float32, m*n)
		Gemm(false, false, m, n, k, a, b, got, nil)
		if i := sameBits32(got, want); (i < 0) != c.sparse {
			t.Errorf("density %v: Gemm matches the chain: %v, want %v", c.density, i < 0, c.sparse)
		}
		if c.sparse {
			at := make([]float32, len(a))
			transpose(at, a, m, k)
			var scratch []float32
			Gemm(true, false, m, n, k, at, b, got, &scratch)
			if i := sameBits32(got, want); i >= 0 {
				t.Errorf("density %v, A transposed: element %d = %v, the chain gives %v", c.density, i, got[i], want[i])
			}
		}
	}
}

// TestListers32 checks the float32 listers (opA32.list, with the vector
// lister where the CPU runs one, and listAllT) against the lists made
// column by column here: offsets, and values bit for bit.
func TestListers32(t *testing.T) { checkListers32(t) }

// checkListers32 is TestListers32 with the listers the CPU features
// switched on select.
func checkListers32(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{4, 8, 3}, {8, 16, 16}, {12, 9, 37}, {100, 100, 784}, {17, 20, 130}, {9, 10, 47}} {
		m, n, k := s[0], s[1], s[2]
		a := to32(sparseMatrix(rng, m, k, 0.3))
		if m >= 8 && k >= 8 {
			a[1*k+k-1] = float32(math.Copysign(0, -1)) // a −0 alone in its column...
			a[4*k+k-2] = float32(math.NaN())           // ...and values that are not finite
			a[5*k+2] = float32(math.Inf(-1))
			a[6*k+15%k] = math.SmallestNonzeroFloat32
		}
		// want lists block blk of op(A) (rows 4blk..), column by column.
		want := func(blk int) (offs []int, vals [][4]float32) {
			for p := range k {
				var v [4]float32
				nz := false
				for r := range min(4, m-4*blk) {
					v[r] = a[(4*blk+r)*k+p]
					nz = nz || math.Float32bits(v[r])<<1 != 0
				}
				if nz {
					offs, vals = append(offs, 4*p*n), append(vals, v)
				}
			}
			return offs, vals
		}
		diff := func(l view32, offs []int, vals [][4]float32) string {
			if l.t != len(offs) {
				return fmt.Sprintf("%d entries, want %d", l.t, len(offs))
			}
			for q := range offs {
				if l.offs[q] != offs[q] {
					return fmt.Sprintf("entry %d has offset %d, want %d", q, l.offs[q], offs[q])
				}
				for r := range 4 {
					if g := l.vals[r*l.ps+q*l.es]; math.Float32bits(g) != math.Float32bits(vals[q][r]) {
						return fmt.Sprintf("entry %d has %v in row %d, want %v", q, g, r, vals[q][r])
					}
				}
			}
			return ""
		}
		buf := getSparseBuf32(k, n)
		o := opA32{a: a, m: m, k: k}
		for i := 0; i < m; i += 4 {
			wo, wv := want(i / 4)
			if msg := diff(buf.planar(o.list(buf, i, n)), wo, wv); msg != "" {
				t.Errorf("%d×%d, n=%d, block %d: %s", m, k, n, i/4, msg)
			}
		}
		at := make([]float32, len(a))
		transpose(at, a, m, k)
		ot := opA32{a: at, m: m, k: k, t: true}
		ot.listAllT(&buf.all, n)
		for blk := range m / 4 {
			wo, wv := want(blk)
			if msg := diff(buf.all.view(blk), wo, wv); msg != "" {
				t.Errorf("%d×%d transposed, n=%d, block %d: %s", m, k, n, blk, msg)
			}
			if msg := diff(buf.planar(ot.list(buf, 4*blk, n)), wo, wv); msg != "" {
				t.Errorf("%d×%d transposed, listed block by block, n=%d, block %d: %s", m, k, n, blk, msg)
			}
		}
		putSparseBuf32(buf)
	}
}
