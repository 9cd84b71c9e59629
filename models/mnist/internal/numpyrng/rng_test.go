package numpyrng

import (
	"fmt"
	"testing"
)

// The vectors below come from numpy 1.24's legacy RandomState.

func TestRNGFloat64MatchesNumpy(t *testing.T) {
	want := []float64{0.417022004702574, 0.7203244934421581, 0.00011437481734488664, 0.30233257263183977, 0.14675589081711304}
	r := New(1)
	for i, w := range want {
		if got := r.Float64(); got != w {
			t.Errorf("random() #%d = %v, want %v", i, got, w)
		}
	}
}

func TestRNGBitMatchesNumpy(t *testing.T) {
	want := []int{1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0}
	r := New(1)
	for i, w := range want {
		if got := r.Bit(); got != w {
			t.Errorf("randint(2) #%d = %d, want %d", i, got, w)
		}
	}
}

// TestRNGBookStream checks the book's draw order: all of w01, all of w12, then
// the first dropout mask.
func TestRNGBookStream(t *testing.T) {
	r := New(1)
	w01 := make([]float64, 784*100)
	r.Uniform(w01, 0.02, -0.01)
	w12 := make([]float64, 100*10)
	r.Uniform(w12, 0.2, -0.1)
	mask := make([]float64, 100*100)
	r.Mask(mask)

	if got, want := sum(w01), -0.747497948741334; got != want {
		t.Errorf("sum(w01) = %v, want %v", got, want)
	}
	if got, want := sum(w12), -3.0305509475856507; got != want {
		t.Errorf("sum(w12) = %v, want %v", got, want)
	}
	if got, want := sum(mask), 4926.0; got != want {
		t.Errorf("ones in first mask = %v, want %v", got, want)
	}
	row := []float64{0, 1, 1, 0, 1, 0, 1, 0, 0, 1}
	for i, w := range row {
		if mask[i] != w {
			t.Errorf("mask[0][%d] = %v, want %v", i, mask[i], w)
		}
	}
}

// TestRNGFloat32Variants checks that the float32 fills are the float64 fills
// rounded, drawn from the same stream.
func TestRNGFloat32Variants(t *testing.T) {
	r64, r32 := New(7), New(7)
	a := make([]float64, 1000)
	b := make([]float32, 1000)
	r64.Uniform(a, 0.02, -0.01)
	r32.Uniform32(b, 0.02, -0.01)
	m64 := make([]float64, 333)
	m32 := make([]float32, 333)
	r64.Mask(m64)
	r32.Mask32(m32)
	for i := range a {
		if float32(a[i]) != b[i] {
			t.Fatalf("Uniform32[%d] = %v, want float32(%v)", i, b[i], a[i])
		}
	}
	for i := range m64 {
		if float32(m64[i]) != m32[i] {
			t.Fatalf("Mask32[%d] = %v, want %v", i, m32[i], m64[i])
		}
	}
}

// sum adds xs the way numpy's np.sum does for a contiguous float64 array, so
// that sums compare exactly: numpy's reduction iterator hands the add loop
// buffers of at most 8192 elements, whose partial sums it accumulates in order,
// and within each buffer the loop uses pairwise summation (pairwiseSum).
// Plain sequential summation differs from numpy in the last bits for
// arrays as long as w01 (784×100).
func sum(xs []float64) float64 {
	const bufsize = 8192
	s := 0.0
	for i := 0; i < len(xs); i += bufsize {
		s += pairwiseSum(xs[i:min(i+bufsize, len(xs))])
	}
	return s
}

// pairwiseSum is numpy's pairwise_sum (loops_utils.h): below 8 elements a
// plain loop, up to 128 elements eight accumulators combined as a tree, above
// that the two halves (split at a multiple of 8) summed recursively.
func pairwiseSum(xs []float64) float64 {
	const blocksize = 128
	n := len(xs)
	switch {
	case n < 8:
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	case n <= blocksize:
		var r [8]float64
		copy(r[:], xs[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for j := range r {
				r[j] += xs[i+j]
			}
		}
		s := (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += xs[i]
		}
		return s
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(xs[:n2]) + pairwiseSum(xs[n2:])
	}
}

func BenchmarkRNG(b *testing.B) {
	b.Run("Float64", func(b *testing.B) {
		r := New(1)
		var s float64
		for b.Loop() {
			s += r.Float64()
		}
		sinkF = s
	})
	for _, n := range []int{100 * 100} {
		b.Run(fmt.Sprintf("Mask/%d", n), func(b *testing.B) {
			r := New(1)
			dst := make([]float64, n)
			b.ReportAllocs()
			b.SetBytes(int64(8 * n))
			for b.Loop() {
				r.Mask(dst)
			}
			sinkF = dst[n-1]
		})
	}
}

var sinkF float64
