//go:build !noasm && !gccgo

package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// featureSets are the CPUs the amd64 kernels are chosen for, widest first,
// with the kernel each one gets.
var featureSets = []struct {
	name         string
	avx512, avx2 bool
	kernel       string
}{
	{"avx512", true, true, "AVX-512"},
	{"avx512-without-avx2", true, false, "AVX-512"},
	{"avx2", false, true, "AVX2+FMA"},
	{"none", false, false, ""},
}

// withFeatures runs f with the kernels of the feature set switched on
// (only those this CPU has) and the others off, as on a CPU that has
// just those, and restores them after.
func withFeatures(t *testing.T, avx512, avx2 bool, f func(t *testing.T)) {
	t.Helper()
	save512, save2 := haveAVX512, haveAVX2
	if avx512 && !save512 || avx2 && !save2 {
		t.Skip("this CPU lacks a feature of the set")
	}
	haveAVX512, haveAVX2 = avx512, avx2
	defer func() { haveAVX512, haveAVX2 = save512, save2 }()
	f(t)
}

// TestSparseFeatureSets checks, for each set of CPU features this machine
// can stand for, that the product names and runs the widest kernel of the
// set and that the product, its lists and FirstNonFinite are right with
// it, in float64 and float32: the lists the vector listers of the set make
// are the Go listers' entries, and the product the chain of fused
// multiply-adds. So the AVX2 listers are checked on a CPU with AVX-512
// too; and a float32 kernel whose feature the set lacks must still give
// the Go kernel's bits (its wrapper falls back to Go).
func TestSparseFeatureSets(t *testing.T) {
	for _, fs := range featureSets {
		t.Run(fs.name, func(t *testing.T) {
			withFeatures(t, fs.avx512, fs.avx2, func(t *testing.T) {
				if got := sparseKernel(); got != fs.kernel {
					t.Errorf("sparseKernel() = %q, want %q", got, fs.kernel)
				}
				want := "no sparse kernels (the CPU has neither AVX-512 nor AVX2+FMA)"
				if fs.kernel != "" {
					want = "sparse float64 kernels (" + fs.kernel + ")"
				}
				if got := Kernels(); got != want {
					t.Errorf("Kernels() = %q, want %q", got, want)
				}
				if got := sparseKernel32(); got != fs.kernel {
					t.Errorf("sparseKernel32() = %q, want %q", got, fs.kernel)
				}
				checkListers(t)
				checkSparseChain(t)
				checkSparseChain32(t)
				checkListers32(t)
				for _, impl := range block4Impls32 {
					if impl.ok && (impl.name == "avx512" && !fs.avx512 || impl.name == "avx2" && !fs.avx2) {
						checkBlock4Off32(t, impl)
					}
				}
				checkFirstNonFinite(t)
			})
		})
	}
}

// checkBlock4Off32 checks that a float32 kernel whose feature is switched
// off still gives the Go kernel's bits (its wrapper runs the Go kernel):
// so no caller reaches an instruction the CPU lacks.
func checkBlock4Off32(t *testing.T, impl block4Impl32) {
	t.Helper()
	checkBlock4Impl32(t, impl)
}

// checkListers checks list and listAllT, with the listers the features
// switched on select, against the same lists made in Go.
func checkListers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, s := range [][3]int{{4, 8, 3}, {8, 16, 8}, {12, 9, 37}, {100, 100, 784}, {17, 20, 130}} {
		m, n, k := s[0], s[1], s[2]
		a := sparseMatrix(rng, m, k, 0.3)
		if m >= 8 && k >= 8 {
			a[1*k+k-1] = math.Copysign(0, -1) // a −0 alone in its column...
			a[4*k+k-2] = math.NaN()           // ...and values that are not finite
			a[5*k+2] = math.Inf(-1)
		}
		// The plain layout, block by block.
		got, want := getSparseBuf(k, n), getSparseBuf(k, n)
		o := opA{a: a, m: m, k: k}
		for i := 0; i < m; i += 4 {
			tg := o.list(got, i, n)
			tw := goList(o, want, i, n)
			if msg := diffList(got.planar(tg), want.planar(tw)); msg != "" {
				t.Errorf("%d×%d, n=%d, block %d: %s", m, k, n, i/4, msg)
			}
		}
		// The transposed layout, all blocks at once.
		ot := opA{a: transposeOf(a, m, k), m: m, k: k, t: true}
		ot.listAllT(&got.all, n)
		var wantAll allLists
		wantAll.counts, wantAll.offs, wantAll.vals = make([]int, m/4), make([]int, m/4*k), make([]float64, 4*m/4*k)
		wantAll.ls, wantAll.nb = k, m/4
		listBlocksT(ot.a, m, k, n, &wantAll, 0)
		for blk := range m / 4 {
			if msg := diffList(got.all.view(blk), wantAll.view(blk)); msg != "" {
				t.Errorf("%d×%d transposed, n=%d, block %d: %s", m, k, n, blk, msg)
			}
		}
		putSparseBuf(got)
		putSparseBuf(want)
	}
}

// goList is opA.list with no vector lister.
func goList(o opA, s *sparseBuf, i, n int) int {
	save512, save2 := haveAVX512, haveAVX2
	haveAVX512, haveAVX2 = false, false
	defer func() { haveAVX512, haveAVX2 = save512, save2 }()
	return o.list(s, i, n)
}

// diffList describes the first difference between the list x and the Go
// lister's y (values bit for bit), or returns "".
func diffList(x, y view) string {
	for q := range min(x.t, y.t) {
		if x.offs[q] != y.offs[q] {
			return fmt.Sprintf("entry %d has offset %d, Go %d", q, x.offs[q], y.offs[q])
		}
		for r := range 4 {
			if a, b := x.vals[r*x.ps+q*x.es], y.vals[r*y.ps+q*y.es]; math.Float64bits(a) != math.Float64bits(b) {
				return fmt.Sprintf("entry %d (offset %d) has %v in row %d, Go %v", q, x.offs[q], a, r, b)
			}
		}
	}
	if x.t != y.t {
		return fmt.Sprintf("%d entries, Go %d", x.t, y.t)
	}
	return ""
}
