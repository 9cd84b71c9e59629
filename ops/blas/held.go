package blas

import (
	"sync"
	"unsafe"
)

// A product with a mostly-zero left operand lists the operand's nonzero
// entries before it multiplies (sparse.go): for the training images of a
// small data set, the same few batches at every step, that listing is a
// large part of a step, and it gives the same lists every time. Hold lets
// the owner of such an operand promise that its values do not change for a
// while; products whose left operand is a range of its whole rows (or their
// transpose) then list it once, on first use, and reuse the lists until
// the hold is released. The lists are those the product would make: the
// products are the same bits, held or not.

// Limits of what one held matrix keeps: at most heldMaxEntries operands
// (ranges of rows, each with and without transposition, for each width of
// B), and lists of at most heldMaxBytes in all. A product beyond them lists
// its operand as if it were not held.
const (
	heldMaxEntries = 256
	heldMaxBytes   = 1 << 30
)

// heldRegion is one held matrix, rows×cols, row-major, of elem-byte
// values from base.
type heldRegion struct {
	keep       any // the slice, so that its memory stays while it is held
	base       uintptr
	rows, cols int
	elem       uintptr

	mu    sync.Mutex
	lists map[heldKey]*heldLists
	bytes int
}

// heldKey names one operand of a held matrix: rows row0..row0+rows−1,
// transposed or not, for products with B's rows n values long (the lists
// hold byte offsets into B).
type heldKey struct {
	row0, rows, n int
	t             bool
}

// heldLists are the lists of every block of four rows of one operand,
// block b's in views[b] (float64) or views32[b] (float32), each entry an
// offset and four values (interleaved), each block in an allocation of its
// own and of its size. dense is true when the operand is too dense for the
// sparse kernel (its first block lists more than sparseMaxDensity of its
// columns): products with it are dense.
type heldLists struct {
	once    sync.Once
	dense   bool
	views   []view
	views32 []view32
}

// heldSet is every held matrix, the newest last.
var heldSet struct {
	sync.RWMutex
	regions []*heldRegion
}

// Hold promises that the rows×cols matrix a (row-major, its first
// rows·cols values) does not change until release is called, so that the
// sparse products whose left operand is whole rows of it, op(A) = A[r0:r1]
// or A[r0:r1]ᵀ, list it once and reuse the lists. Writing a held matrix
// before release makes those products wrong. release may be called more
// than once; it frees the lists. A matrix that is not of that size is not
// held (release does nothing).
func Hold[T Float](a []T, rows, cols int) (release func()) {
	if rows < 1 || cols < 1 || len(a) < rows*cols {
		return func() {}
	}
	r := &heldRegion{keep: a, base: uintptr(unsafe.Pointer(&a[0])), rows: rows, cols: cols,
		elem: unsafe.Sizeof(a[0]), lists: map[heldKey]*heldLists{}}
	heldSet.Lock()
	heldSet.regions = append(heldSet.regions, r)
	heldSet.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			heldSet.Lock()
			defer heldSet.Unlock()
			for i, h := range heldSet.regions {
				if h == r {
					heldSet.regions = append(heldSet.regions[:i], heldSet.regions[i+1:]...)
					break
				}
			}
		})
	}
}

// heldFor returns the lists of the operand stored as rows×cols values from
// p, transposed or not, for products with B's rows n long, and the lists'
// owner: nil when no held matrix holds those rows, or when its limits are
// reached. The lists are empty until filled (heldLists.once).
func heldFor(p unsafe.Pointer, elem uintptr, rows, cols, n int, t bool) *heldLists {
	heldSet.RLock()
	if len(heldSet.regions) == 0 {
		heldSet.RUnlock()
		return nil
	}
	addr, rowBytes := uintptr(p), uintptr(cols)*elem
	var r *heldRegion
	key := heldKey{rows: rows, n: n, t: t}
	for i := len(heldSet.regions) - 1; i >= 0; i-- {
		h := heldSet.regions[i]
		if h.elem != elem || h.cols != cols || addr < h.base {
			continue
		}
		off := addr - h.base
		if row := int(off / rowBytes); off%rowBytes == 0 && row+rows <= h.rows {
			r, key.row0 = h, row
			break
		}
	}
	heldSet.RUnlock()
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lists[key]
	if l == nil {
		// The lists take at most 8+4·elem bytes per four values, a quarter
		// of the operand's entries, for each block: a bound before they
		// are made.
		need := (rows*cols/4 + 4*cols) * (8 + 4*int(elem))
		if len(r.lists) >= heldMaxEntries || r.bytes+need > heldMaxBytes {
			return nil
		}
		r.bytes += need
		l = new(heldLists)
		r.lists[key] = l
	}
	return l
}

// held64 returns the filled lists of o for B's rows n long when o's
// matrix is held, else nil.
func held64(o opA, n int) *heldLists {
	rows, cols := o.m, o.k
	if o.t {
		rows, cols = o.k, o.m
	}
	l := heldFor(unsafe.Pointer(&o.a[0]), 8, rows, cols, n, o.t)
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		s := getSparseBuf(o.k, n)
		defer putSparseBuf(s)
		if !(float64(o.list(s, 0, n)) <= sparseMaxDensity*float64(o.k)) {
			l.dense = true
			return
		}
		l.views = make([]view, (o.m+3)/4)
		for b := range l.views {
			t := o.list(s, 4*b, n)
			offs, vals := heldBlock(s.offs, s.vals, s.stride, t)
			l.views[b] = view{offs: offs, vals: vals, ps: 1, es: 4, t: t}
		}
	})
	return l
}

// heldBlock copies one block's planar list (t entries: offs, and row r's
// values at vals[r·stride:]) into allocations of its own and of its size,
// the four values of each entry together.
func heldBlock[T Float](offs []int, vals []T, stride, t int) ([]int, []T) {
	o, v := append([]int(nil), offs[:t]...), make([]T, 4*t)
	for q := range t {
		for r := range 4 {
			v[4*q+r] = vals[r*stride+q]
		}
	}
	return o, v
}

// held32 is held64 for float32 operands.
func held32(o opA32, n int) *heldLists {
	rows, cols := o.m, o.k
	if o.t {
		rows, cols = o.k, o.m
	}
	l := heldFor(unsafe.Pointer(&o.a[0]), 4, rows, cols, n, o.t)
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		s := getSparseBuf32(o.k, n)
		defer putSparseBuf32(s)
		if !(float64(o.list(s, 0, n)) <= sparseMaxDensity*float64(o.k)) {
			l.dense = true
			return
		}
		l.views32 = make([]view32, (o.m+3)/4)
		for b := range l.views32 {
			t := o.list(s, 4*b, n)
			offs, vals := heldBlock(s.offs, s.vals, s.stride, t)
			l.views32[b] = view32{offs: offs, vals: vals, ps: 1, es: 4, t: t}
		}
	})
	return l
}
