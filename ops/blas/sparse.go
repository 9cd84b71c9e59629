package blas

import (
	"math"
	"sync"
)

// Products whose left operand is mostly zeros skip most of the zeros. The
// images of MNIST are such operands (about one pixel in five is nonzero),
// and the products they enter are most of a run's work: a batch of images
// times the first weight matrix, that matrix's gradient imagesᵀ·delta, and
// the evaluation of the test set.
//
// The kernel takes the rows of op(A) four at a time. For a block of four
// rows it lists the columns k where any of the four is nonzero, and for
// each such k adds a_ik·(row k of B) to each of the four rows of C, with
// fused multiply-adds: one load of B's row serves four rows of C. (A
// transposed operand, the images in imagesᵀ·delta, is listed for all its
// blocks in one pass over its rows, which are contiguous in memory.) Element
// (i, j) of C is so the chain c ← fma(a_ik, b_kj, c), from c = +0, over
// those k in ascending order. The zero entries of A it meets on the way
// (a_ik = 0 where another row of the block is not) add ±0, which changes
// nothing but the sign of a zero result; so C is, but for the sign of
// zeros, the chain over the nonzero a_ik alone, whatever the blocks: the
// same for any split of the rows between goroutines, on every backend, and
// with the assembly kernel or without it (the Go kernel, math.FMA, gives the
// same bits). It differs from a dense kernel's product only in the order of
// the sum, as gonum's and OpenBLAS's products differ from each other; a
// non-finite entry of B times a zero of A may give NaN, as it does in a
// dense product, or be skipped.
//
// It runs where a vector kernel for the CPU exists (block4Vector, beside
// its dispatch in the architecture's file): AVX-512 (F), where four rows
// of 32 columns of C fill 16 of its 32 vector registers, else AVX2 with
// FMA, where four rows of 12 columns fill 12 of its 16 (B's row and the
// broadcast value take the other four); ASIMD on arm64, where four rows of
// 12 columns fill 24 of its 32. Elsewhere every product is dense.
//
// Float32 products take the same path with float32 lists and kernels
// (sparse32.go), twice as many columns a register.

const (
	// sparseMaxDensity is the largest fraction of the columns of the first
	// block of four rows that may be listed for the sparse kernel to be
	// used. On a step's 100×784·784×100 product (BenchmarkSparse, AMD EPYC
	// with AVX-512) the sparse kernel took 0.04, 0.11, 0.18, 0.23 and 0.29
	// ms with 10, 30, 50, 70 and 90% of the columns listed, OpenBLAS 0.35
	// ms; MNIST's batches list about a third. The AVX2 kernel, half as
	// wide, is slower but still breaks even with OpenBLAS's AVX2 kernels
	// near 90% too (and gonum's dense product, slower, later), so one
	// threshold serves both. The margin left at ¾ is for operands whose
	// zeros are not spread like the images'.
	sparseMaxDensity = 0.75
	// sparseMinWork is the smallest m·n·k worth the sparse kernel.
	sparseMinWork = 1 << 16
	// sparseMinN is the smallest n: the assembly kernels fill 8 columns
	// of C at a time, or more.
	sparseMinN = 8
)

// sparseBuf holds the list of one block: for each listed column t of
// op(A), the byte offset offs[t] of B's row and the four values of the
// block's rows, row r's at vals[r·stride + t]; and four rows of C for a
// last block of fewer than four rows.
type sparseBuf struct {
	offs   []int
	vals   []float64
	stride int
	tmp    []float64
	all    allLists
}

// allLists holds the lists of every whole block of a transposed op(A),
// made in one pass over A (listAllT): block b's entries at offs[b·ls:],
// entry q's four values at vals[4(b·ls + q):], counts[b] of them.
type allLists struct {
	offs   []int
	vals   []float64
	counts []int
	ls, nb int
}

// view is block b's list.
func (a *allLists) view(b int) view {
	return view{offs: a.offs[b*a.ls:], vals: a.vals[4*b*a.ls:], ps: 1, es: 4, t: a.counts[b]}
}

// sparseSlack is the room a list needs beyond its k entries: the assembly
// listers write eight entries (AVX-512) or four (AVX2) at a time before
// they know how many to keep.
const sparseSlack = 8

// sparseFree holds the buffers not in use: as many as products have run at
// once. (A sync.Pool may drop them, and then a step would allocate.)
var sparseFree struct {
	sync.Mutex
	bufs []*sparseBuf
}

// getSparseBuf returns a buffer for lists of k columns and rows of n.
func getSparseBuf(k, n int) *sparseBuf {
	sparseFree.Lock()
	var s *sparseBuf
	if last := len(sparseFree.bufs) - 1; last >= 0 {
		s, sparseFree.bufs = sparseFree.bufs[last], sparseFree.bufs[:last]
	} else {
		s = new(sparseBuf)
	}
	sparseFree.Unlock()
	if s.stride < k+sparseSlack {
		s.stride = k + sparseSlack
		s.offs, s.vals = make([]int, s.stride), make([]float64, 4*s.stride)
	}
	if cap(s.tmp) < 4*n {
		s.tmp = make([]float64, 4*n)
	}
	return s
}

// putSparseBuf returns s to the free list.
func putSparseBuf(s *sparseBuf) {
	sparseFree.Lock()
	sparseFree.bufs = append(sparseFree.bufs, s)
	sparseFree.Unlock()
}

// Kernels says whether float64 products with a mostly-zero left operand
// skip its zeros here: "sparse float64 kernels (AVX-512)" (or AVX2+FMA,
// ASIMD: the vector kernel that runs), or "no sparse kernels" and why not.
func Kernels() string {
	if k := sparseKernel(); k != "" {
		return "sparse float64 kernels (" + k + ")"
	}
	return "no sparse kernels (" + sparseOff() + ")"
}

// view is one block's list as the kernels read it: t entries, entry q's
// offset at offs[q] and row r's value at vals[r·ps + q·es] (ps = stride,
// es = 1 as list writes them; ps = 1, es = 4 as listAllT does).
type view struct {
	offs   []int
	vals   []float64
	ps, es int
	t      int
}

// planar is the view of the t entries list wrote into s.
func (s *sparseBuf) planar(t int) view {
	return view{offs: s.offs, vals: s.vals, ps: s.stride, es: 1, t: t}
}

// opA is op(A) of a product: m×k, stored row-major as m×k (t false) or as
// its transpose k×m (t true).
type opA struct {
	a    []float64
	m, k int
	t    bool
}

// list fills s with the columns of op(A) where any of rows i..i+3 (those
// below m) is nonzero, with B's rows n values long, and returns how many.
func (o opA) list(s *sparseBuf, i, n int) int {
	offs, st := s.offs, s.stride
	v0, v1, v2, v3 := s.vals[:st], s.vals[st:2*st], s.vals[2*st:3*st], s.vals[3*st:]
	rows := min(4, o.m-i)
	t, p := 0, 0
	switch {
	case o.t && rows == 4:
		// Stored k×m: the block's four values in column p are contiguous.
		// (Only the first block is listed here, to judge the density:
		// listAllT lists them all.)
		for ; p < o.k; p++ {
			v := o.a[p*o.m+i : p*o.m+i+4]
			if v[0] != 0 || v[1] != 0 || v[2] != 0 || v[3] != 0 {
				offs[t] = p * n * 8
				v0[t], v1[t], v2[t], v3[t] = v[0], v[1], v[2], v[3]
				t++
			}
		}
	case !o.t && rows == 4:
		r0, r1 := o.a[i*o.k:(i+1)*o.k], o.a[(i+1)*o.k:(i+2)*o.k]
		r2, r3 := o.a[(i+2)*o.k:(i+3)*o.k], o.a[(i+3)*o.k:(i+4)*o.k]
		t, p = list4(o.a[i*o.k:(i+4)*o.k], o.k, n, s)
		for ; p < o.k; p++ {
			if r0[p] != 0 || r1[p] != 0 || r2[p] != 0 || r3[p] != 0 {
				offs[t] = p * n * 8
				v0[t], v1[t], v2[t], v3[t] = r0[p], r1[p], r2[p], r3[p]
				t++
			}
		}
	default:
		for ; p < o.k; p++ {
			var v [4]float64
			nz := false
			for r := range rows {
				if o.t {
					v[r] = o.a[p*o.m+i+r]
				} else {
					v[r] = o.a[(i+r)*o.k+p]
				}
				nz = nz || v[r] != 0
			}
			if nz {
				offs[t] = p * n * 8
				v0[t], v1[t], v2[t], v3[t] = v[0], v[1], v[2], v[3]
				t++
			}
		}
	}
	return t
}

// sparseWorth reports whether op(A) is sparse enough for the sparse
// kernel, judged on its first block of four rows.
func sparseWorth(o opA, n int) bool {
	if !sparseEligible(sparseKernel(), o.m, o.k, n) {
		return false
	}
	s := getSparseBuf(o.k, n)
	defer putSparseBuf(s)
	return float64(o.list(s, 0, n)) <= sparseMaxDensity*float64(o.k)
}

// sparseEligible reports whether a product of an m×k op(A) and B k×n is
// large enough for the sparse kernel, kernel (sparseKernel's) being "" when
// none runs here.
func sparseEligible(kernel string, m, k, n int) bool {
	return kernel != "" && n >= sparseMinN && m >= 4 && int64(m)*int64(n)*int64(k) >= sparseMinWork
}

// gemmSparse computes C = op(A)·B, B k×n not transposed, with the sparse
// kernel; workers > 1 splits the blocks of rows between that many
// goroutines. held, when not nil, holds the lists of every block (Hold).
func gemmSparse(o opA, n int, b, c []float64, workers int, held *heldLists) {
	b, c = b[:o.k*n], c[:o.m*n]
	var all *allLists
	if o.t && held == nil {
		// A transposed operand is listed in one pass over its rows, for
		// all blocks at once, before any block is computed.
		s := getSparseBuf(o.k, n)
		defer putSparseBuf(s)
		o.listAllT(&s.all, n)
		all = &s.all
	}
	blocks := (o.m + 3) / 4
	if workers < 2 || blocks < 2*workers {
		sparseBlocks(o, all, held, nil, 0, o.m, n, b, c)
		return
	}
	sparseParallel(o, all, held, nil, n, b, c, workers, blocks)
}

// gemmDense computes C = op(A)·B, B k×n not transposed, with the block
// kernel over every column of op(A): its blocks of four rows are read in
// place (a view of A with its strides, nothing listed), each element of C
// the same chain as gemmSparse's (the zeros of A add ±0). workers as for
// gemmSparse.
func gemmDense(o opA, n int, b, c []float64, workers int) {
	b, c = b[:o.k*n], c[:o.m*n]
	d := getSparseBuf(o.k, n) // its offs, for B's rows (its lists are not used)
	defer putSparseBuf(d)
	offs := d.offs[:o.k]
	for p := range offs {
		offs[p] = p * n * 8
	}
	blocks := (o.m + 3) / 4
	if workers < 2 || blocks < 2*workers {
		sparseBlocks(o, nil, nil, offs, 0, o.m, n, b, c)
		return
	}
	sparseParallel(o, nil, nil, offs, n, b, c, workers, blocks)
}

// denseView is the view of rows i..i+3 of op(A) in place, every column
// listed at offs.
func (o opA) denseView(offs []int, i int) view {
	if o.t {
		return view{offs: offs, vals: o.a[i:], ps: 1, es: o.m, t: o.k}
	}
	return view{offs: offs, vals: o.a[i*o.k:], ps: o.k, es: 1, t: o.k}
}

// sparseParallel is gemmSparse on several goroutines, each taking a range
// of blocks (its arguments escape to them, so it is a function of its own).
func sparseParallel(o opA, all *allLists, held *heldLists, dense []int, n int, b, c []float64, workers, blocks int) {
	var wg sync.WaitGroup
	per := 4 * ((blocks + workers - 1) / workers)
	for lo := 0; lo < o.m; lo += per {
		hi := min(lo+per, o.m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sparseBlocks(o, all, held, dense, lo, hi, n, b, c)
		}()
	}
	wg.Wait()
}

// sparseBlocks computes rows lo..hi−1 of C, lo a multiple of 4, with the
// held lists, or those in all where it has them, or, with dense (the
// offsets of every row of B), every column of op(A) read in place, and
// lists made block by block elsewhere (a last block of fewer than four
// rows is listed, padded with zeros).
func sparseBlocks(o opA, all *allLists, held *heldLists, dense []int, lo, hi, n int, b, c []float64) {
	s := getSparseBuf(o.k, n)
	defer putSparseBuf(s)
	for i := lo; i < hi; i += 4 {
		var l view
		if dense != nil && i+4 <= o.m {
			l = o.denseView(dense, i)
		} else if held != nil {
			l = held.views[i/4]
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
		block4(dst, n, b, l)
		if rows < 4 {
			copy(c[i*n:(i+rows)*n], dst)
		}
	}
}

// listAllT fills a with the lists of every whole block of four rows of
// op(A), A stored k×m, in one pass over A's rows: entry p of block b when
// any of a[p·m + 4b : p·m + 4b + 4] is nonzero, in ascending p.
func (o opA) listAllT(a *allLists, n int) {
	nb, ls := o.m/4, o.k
	if cap(a.counts) < nb {
		a.counts = make([]int, nb)
	}
	if cap(a.offs) < nb*ls {
		a.offs, a.vals = make([]int, nb*ls), make([]float64, 4*nb*ls)
	}
	a.counts, a.offs, a.vals, a.ls, a.nb = a.counts[:nb], a.offs[:nb*ls], a.vals[:4*nb*ls], ls, nb
	clear(a.counts)
	from := listAllTAsm(o.a, o.m, o.k, n, a)
	listBlocksT(o.a, o.m, o.k, n, a, from)
}

// listBlocksT is listAllT in Go for the blocks from on.
func listBlocksT(a []float64, m, k, n int, l *allLists, from int) {
	for p := 0; p < k; p++ {
		row, off := a[p*m:p*m+4*l.nb], p*n*8
		for blk := from; blk < l.nb; blk++ {
			v := row[4*blk : 4*blk+4]
			if v[0] != 0 || v[1] != 0 || v[2] != 0 || v[3] != 0 {
				e := blk*l.ls + l.counts[blk]
				l.offs[e] = off
				copy(l.vals[4*e:4*e+4], v)
				l.counts[blk]++
			}
		}
	}
}

// block4 sets four rows of C (row r at c[r·n:]) to the chains over the
// columns listed in l, for all n columns.
func block4(c []float64, n int, b []float64, l view) {
	_ = c[3*n+n-1]
	if l.t == 0 {
		for r := range 4 {
			clear(c[r*n : r*n+n])
		}
		return
	}
	j := block4Vector(c, n, b, l)
	if j < n && !(j > 0 && n >= 4 && block4Last4(c[n-4:], n, b[n-4:], l)) {
		block4Go(c[j:], n, n-j, b[j:], l)
	}
}

// block4Go is the kernel in Go: four rows of w columns of C, row r at
// c[r·ldc:], each element the chain of math.FMA over the listed columns.
func block4Go(c []float64, ldc, w int, b []float64, l view) {
	for r := range 4 {
		row := c[r*ldc : r*ldc+w]
		clear(row)
		for q, o := range l.offs[:l.t] {
			v, brow := l.vals[r*l.ps+q*l.es], b[o/8:o/8+w]
			for j := range row {
				row[j] = math.FMA(v, brow[j], row[j])
			}
		}
	}
}

// block4Impl is one vector kernel of block4: it computes the leading
// columns of block4(c, n, b, l) its widths fill and returns how many. ok
// says whether this CPU runs it; a kernel the CPU does not run must not
// be called.
type block4Impl struct {
	name string
	ok   bool
	f    func(c []float64, n int, b []float64, l view) int
}
