package blas

import (
	"encoding/binary"
	"math"
	"sync"
	"unsafe"
)

// The sparse product in float32 is the float64 one of sparse.go with
// float32 lists and kernels: the same blocks of four rows, the same lists
// (the offsets in bytes of B's float32 rows), and each element of C the
// chain c ← fma(a_ik, b_kj, c) from +0 over the listed k in ascending
// order, each fma rounded once to float32 (VFMADD231PS, FMLA .4S, or fma32
// in Go). The listers are Go: they test the bits of four float32 values
// with one OR, and take a small part of the product's time.

// sparseBuf32 is sparseBuf for float32 operands.
type sparseBuf32 struct {
	offs   []int
	vals   []float32
	stride int
	tmp    []float32
	all    allLists32
}

// allLists32 is allLists for float32 operands.
type allLists32 struct {
	offs   []int
	vals   []float32
	counts []int
	ls, nb int
}

// view is block b's list.
func (a *allLists32) view(b int) view32 {
	return view32{offs: a.offs[b*a.ls:], vals: a.vals[4*b*a.ls:], ps: 1, es: 4, t: a.counts[b]}
}

// view32 is view for float32 lists.
type view32 struct {
	offs   []int
	vals   []float32
	ps, es int
	t      int
}

// planar is the view of the t entries list wrote into s.
func (s *sparseBuf32) planar(t int) view32 {
	return view32{offs: s.offs, vals: s.vals, ps: s.stride, es: 1, t: t}
}

// sparseSlack32 is sparseSlack for float32 lists: the AVX-512 lister
// writes sixteen entries at a time.
const sparseSlack32 = 16

// sparseFree32 is sparseFree for float32 buffers.
var sparseFree32 struct {
	sync.Mutex
	bufs []*sparseBuf32
}

// getSparseBuf32 returns a buffer for lists of k columns and rows of n.
func getSparseBuf32(k, n int) *sparseBuf32 {
	sparseFree32.Lock()
	var s *sparseBuf32
	if last := len(sparseFree32.bufs) - 1; last >= 0 {
		s, sparseFree32.bufs = sparseFree32.bufs[last], sparseFree32.bufs[:last]
	} else {
		s = new(sparseBuf32)
	}
	sparseFree32.Unlock()
	if s.stride < k+sparseSlack32 {
		s.stride = k + sparseSlack32
		s.offs, s.vals = make([]int, s.stride), make([]float32, 4*s.stride)
	}
	if cap(s.tmp) < 4*n {
		s.tmp = make([]float32, 4*n)
	}
	return s
}

// putSparseBuf32 returns s to the free list.
func putSparseBuf32(s *sparseBuf32) {
	sparseFree32.Lock()
	sparseFree32.bufs = append(sparseFree32.bufs, s)
	sparseFree32.Unlock()
}

// opA32 is opA for a float32 operand.
type opA32 struct {
	a    []float32
	m, k int
	t    bool
}

// nz4 reports whether any of four float32 values is nonzero: the OR of
// their bits, less the sign bit (−0 is a zero).
func nz4(a, b, c, d float32) bool {
	return (math.Float32bits(a)|math.Float32bits(b)|math.Float32bits(c)|math.Float32bits(d))<<1 != 0
}

// nonSign2 masks the sign bits off two float32 values in a 64-bit word.
const nonSign2 = 0x7fffffff7fffffff

// le reads the bits of float32 values in pairs: the byte order of amd64
// and arm64 (and of any CPU, since only whether bits are set matters).
var le = binary.LittleEndian

// bytesOf is v's memory as bytes.
func bytesOf(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// list fills s with the columns of op(A) where any of rows i..i+3 (those
// below m) is nonzero, with B's rows n values long, and returns how many.
func (o opA32) list(s *sparseBuf32, i, n int) int {
	offs, st := s.offs, s.stride
	v0, v1, v2, v3 := s.vals[:st], s.vals[st:2*st], s.vals[2*st:3*st], s.vals[3*st:]
	rows := min(4, o.m-i)
	t := 0
	switch {
	case o.t && rows == 4:
		for p := range o.k {
			v := o.a[p*o.m+i : p*o.m+i+4]
			if nz4(v[0], v[1], v[2], v[3]) {
				offs[t] = p * n * 4
				v0[t], v1[t], v2[t], v3[t] = v[0], v[1], v[2], v[3]
				t++
			}
		}
	case !o.t && rows == 4:
		r0, r1 := o.a[i*o.k:(i+1)*o.k], o.a[(i+1)*o.k:(i+2)*o.k]
		r2, r3 := o.a[(i+2)*o.k:(i+3)*o.k], o.a[(i+3)*o.k:(i+4)*o.k]
		// Two columns at a time: the bits of the four rows' pairs ORed in
		// one 64-bit word, a zero pair of columns (the most common case)
		// skipped with one test.
		b0, b1, b2, b3 := bytesOf(r0), bytesOf(r1), bytesOf(r2), bytesOf(r3)
		var p int
		t, p = list4f32(o.a[i*o.k:(i+4)*o.k], o.k, n, s)
		for ; p+2 <= len(r0); p += 2 {
			q := 4 * p
			u := le.Uint64(b0[q:]) | le.Uint64(b1[q:]) | le.Uint64(b2[q:]) | le.Uint64(b3[q:])
			if u&nonSign2 == 0 {
				continue
			}
			if u&(nonSign2&0xffffffff) != 0 {
				offs[t] = p * n * 4
				v0[t], v1[t], v2[t], v3[t] = r0[p], r1[p], r2[p], r3[p]
				t++
			}
			if u&(nonSign2>>32<<32) != 0 {
				offs[t] = (p + 1) * n * 4
				v0[t], v1[t], v2[t], v3[t] = r0[p+1], r1[p+1], r2[p+1], r3[p+1]
				t++
			}
		}
		if p < len(r0) && nz4(r0[p], r1[p], r2[p], r3[p]) {
			offs[t] = p * n * 4
			v0[t], v1[t], v2[t], v3[t] = r0[p], r1[p], r2[p], r3[p]
			t++
		}
	default:
		for p := range o.k {
			var v [4]float32
			for r := range rows {
				if o.t {
					v[r] = o.a[p*o.m+i+r]
				} else {
					v[r] = o.a[(i+r)*o.k+p]
				}
			}
			if nz4(v[0], v[1], v[2], v[3]) {
				offs[t] = p * n * 4
				v0[t], v1[t], v2[t], v3[t] = v[0], v[1], v[2], v[3]
				t++
			}
		}
	}
	return t
}

// sparseWorth32 is sparseWorth for a float32 operand: the same rule.
func sparseWorth32(o opA32, n int) bool {
	if !sparseEligible(sparseKernel32(), o.m, o.k, n) {
		return false
	}
	s := getSparseBuf32(o.k, n)
	defer putSparseBuf32(s)
	return float64(o.list(s, 0, n)) <= sparseMaxDensity*float64(o.k)
}

// gemmSparse32 is gemmSparse in float32.
func gemmSparse32(o opA32, n int, b, c []float32, workers int, held *heldLists) {
	b, c = b[:o.k*n], c[:o.m*n]
	var all *allLists32
	if o.t && held == nil {
		s := getSparseBuf32(o.k, n)
		defer putSparseBuf32(s)
		o.listAllT(&s.all, n)
		all = &s.all
	}
	blocks := (o.m + 3) / 4
	if workers < 2 || blocks < 2*workers {
		sparseBlocks32(o, all, held, nil, 0, o.m, n, b, c)
		return
	}
	sparseParallel32(o, all, held, nil, n, b, c, workers, blocks)
}

// gemmDense32 is gemmDense in float32.
func gemmDense32(o opA32, n int, b, c []float32, workers int) {
	b, c = b[:o.k*n], c[:o.m*n]
	d := getSparseBuf32(o.k, n) // its offs, for B's rows (its lists are not used)
	defer putSparseBuf32(d)
	offs := d.offs[:o.k]
	for p := range offs {
		offs[p] = p * n * 4
	}
	blocks := (o.m + 3) / 4
	if workers < 2 || blocks < 2*workers {
		sparseBlocks32(o, nil, nil, offs, 0, o.m, n, b, c)
		return
	}
	sparseParallel32(o, nil, nil, offs, n, b, c, workers, blocks)
}

// denseView is opA.denseView in float32.
func (o opA32) denseView(offs []int, i int) view32 {
	if o.t {
		return view32{offs: offs, vals: o.a[i:], ps: 1, es: o.m, t: o.k}
	}
	return view32{offs: offs, vals: o.a[i*o.k:], ps: o.k, es: 1, t: o.k}
}

// sparseParallel32 is sparseParallel in float32.
func sparseParallel32(o opA32, all *allLists32, held *heldLists, dense []int, n int, b, c []float32, workers, blocks int) {
	var wg sync.WaitGroup
	per := 4 * ((blocks + workers - 1) / workers)
	for lo := 0; lo < o.m; lo += per {
		hi := min(lo+per, o.m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sparseBlocks32(o, all, held, dense, lo, hi, n, b, c)
		}()
	}
	wg.Wait()
}

// sparseBlocks32 is sparseBlocks in float32.
func sparseBlocks32(o opA32, all *allLists32, held *heldLists, dense []int, lo, hi, n int, b, c []float32) {
	s := getSparseBuf32(o.k, n)
	defer putSparseBuf32(s)
	for i := lo; i < hi; i += 4 {
		var l view32
		if dense != nil && i+4 <= o.m {
			l = o.denseView(dense, i)
		} else if held != nil {
			l = held.views32[i/4]
		} else if all != nil && i/4 < all.nb {
			l = all.view(i / 4)
		} else {
			l = s.planar(o.list(s, i, n))
		}
		rows := min(4, hi-i)
		dst := c[i*n:]
		if rows < 4 {
			dst = s.tmp[:4*n]
		}
		block4f32(dst, n, b, l)
		if rows < 4 {
			copy(c[i*n:(i+rows)*n], dst)
		}
	}
}

// listAllT is opA.listAllT in float32, in Go.
func (o opA32) listAllT(a *allLists32, n int) {
	nb, ls := o.m/4, o.k
	if cap(a.counts) < nb {
		a.counts = make([]int, nb)
	}
	if cap(a.offs) < nb*ls {
		a.offs, a.vals = make([]int, nb*ls), make([]float32, 4*nb*ls)
	}
	a.counts, a.offs, a.vals, a.ls, a.nb = a.counts[:nb], a.offs[:nb*ls], a.vals[:4*nb*ls], ls, nb
	clear(a.counts)
	for p := 0; p < o.k; p++ {
		row, off := o.a[p*o.m:p*o.m+4*nb], p*n*4
		rb := bytesOf(row)
		for blk := range nb {
			// A block's four values are 16 contiguous bytes.
			if (le.Uint64(rb[16*blk:])|le.Uint64(rb[16*blk+8:]))&nonSign2 == 0 {
				continue
			}
			e := blk*ls + a.counts[blk]
			a.offs[e] = off
			copy(a.vals[4*e:4*e+4], row[4*blk:4*blk+4])
			a.counts[blk]++
		}
	}
}

// block4f32 is block4 in float32.
func block4f32(c []float32, n int, b []float32, l view32) {
	_ = c[3*n+n-1]
	if l.t == 0 {
		for r := range 4 {
			clear(c[r*n : r*n+n])
		}
		return
	}
	j := block4Vector32(c, n, b, l)
	if j < n && !(j > 0 && n >= 4 && block4Last4f32(c[n-4:], n, b[n-4:], l)) {
		block4Go32(c[j:], n, n-j, b[j:], l)
	}
}

// block4Go32 is block4Go in float32, each multiply-add fma32.
func block4Go32(c []float32, ldc, w int, b []float32, l view32) {
	for r := range 4 {
		row := c[r*ldc : r*ldc+w]
		clear(row)
		for q, o := range l.offs[:l.t] {
			v, brow := l.vals[r*l.ps+q*l.es], b[o/4:o/4+w]
			for j := range row {
				row[j] = fma32(v, brow[j], row[j])
			}
		}
	}
}

// block4Impl32 is block4Impl for the float32 kernels.
type block4Impl32 struct {
	name string
	ok   bool
	f    func(c []float32, n int, b []float32, l view32) int
}

// fma32 returns a·b + c rounded once to float32, as the single-precision
// fused multiply-adds of the vector kernels do. (float32(math.FMA(...)) in
// float64 would round twice, and can differ.) The product a·b is exact in
// float64 (two 24-bit significands); t = a·b + c rounded to float64, with
// its exact error e (TwoSum), is rounded to float32. That is the correct
// rounding of a·b + c unless t lies exactly halfway between two float32
// values and e is not zero: then the exact sum is on e's side of the
// midpoint.
func fma32(a, b, c float32) float32 {
	s := float64(a) * float64(b)
	cc := float64(c)
	t := s + cc
	r := float32(t)
	if math.IsInf(t, 0) || t != t {
		return r
	}
	bp := t - s
	e := (s - (t - bp)) + (cc - bp)
	rf := f32val(r)
	if e == 0 || rf == t {
		return r
	}
	o := math.Nextafter32(r, float32(math.Inf(1)))
	if t < rf {
		o = math.Nextafter32(r, float32(math.Inf(-1)))
	}
	of := f32val(o)
	if t-rf != of-t {
		return r // not a midpoint: t rounds as the exact sum does
	}
	if (e > 0) == (of > rf) {
		return o
	}
	return r
}

// f32val is r as a float64, ±2¹²⁸ for ±Inf: where rounding puts the
// value after the largest float32 (its midpoint with it decides overflow).
func f32val(r float32) float64 {
	if math.IsInf(float64(r), 0) {
		return math.Copysign(0x1p128, float64(r))
	}
	return float64(r)
}
