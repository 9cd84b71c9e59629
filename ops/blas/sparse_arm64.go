//go:build !noasm && !gccgo

package blas

import "golang.org/x/sys/cpu"

// haveASIMD reports whether the ASIMD kernels run here. Every arm64 CPU Go
// supports has ASIMD, but the kernels still check it, so that
// GODEBUG=cpu.asimd=off runs the Go kernel as it would on a CPU without.
// Every function of this file checks it itself, so that no caller, a test
// included, can reach an instruction the CPU lacks.
var haveASIMD = cpu.ARM64.HasASIMD

// sparseKernel names the vector kernel that block4Vector runs here, or ""
// when there is none and every product is dense.
func sparseKernel() string {
	if haveASIMD {
		return "ASIMD"
	}
	return ""
}

// sparseOff says why there is no sparse kernel.
func sparseOff() string { return "the CPU has no ASIMD" }

// block4Impls are the vector kernels of block4 for this architecture, each
// with whether the CPU runs it, so that a test checks every one the
// machine can run against block4Go (and says which it cannot).
var block4Impls = []block4Impl{
	{"asimd", haveASIMD, block4ASIMD},
}

// block4Vector computes the leading columns of block4 with the vector
// kernel when the CPU runs it, and returns how many: 0 where none runs.
func block4Vector(c []float64, n int, b []float64, l view) int {
	if haveASIMD {
		return block4ASIMD(c, n, b, l)
	}
	return 0
}

// block4ASIMD computes the columns of block4 that fill kernels of 12, 8
// and 4 columns, and returns how many.
// block4Last4 computes columns 0..3 of four rows of C (row r at c[r·ldc:])
// with the 4-column kernel, for a block's last columns that no wider
// kernel took (block4 overlaps them with columns already done: each element
// is the same chain whichever kernel computes it); it returns false where
// the CPU has no ASIMD.
func block4Last4(c []float64, ldc int, b []float64, l view) bool {
	if !haveASIMD {
		return false
	}
	block4x4(c, ldc, b, l)
	return true
}

func block4ASIMD(c []float64, n int, b []float64, l view) int {
	j := 0
	for ; j+12 <= n; j += 12 {
		block4x12(c[j:], n, b[j:], l)
	}
	for ; j+8 <= n; j += 8 {
		block4x8(c[j:], n, b[j:], l)
	}
	for ; j+4 <= n; j += 4 {
		block4x4(c[j:], n, b[j:], l)
	}
	return j
}

//go:noescape
func block4x12ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

//go:noescape
func block4x8ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

//go:noescape
func block4x4ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)

// block4x12 sets four rows of 12 columns of C (row r at c[r·ldc:]) to the
// chains over the l.t > 0 listed columns; every listed offset, plus 12
// values, lies within b.
func block4x12(c []float64, ldc int, b []float64, l view) {
	if !haveASIMD || l.t == 0 {
		block4Go(c, ldc, 12, b, l)
		return
	}
	_, _, _ = c[3*ldc+11], b[l.offs[l.t-1]/8+11], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x12ASIMD(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// block4x8 is block4x12 for 8 columns.
func block4x8(c []float64, ldc int, b []float64, l view) {
	if !haveASIMD || l.t == 0 {
		block4Go(c, ldc, 8, b, l)
		return
	}
	_, _, _ = c[3*ldc+7], b[l.offs[l.t-1]/8+7], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x8ASIMD(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// block4x4 is block4x12 for 4 columns.
func block4x4(c []float64, ldc int, b []float64, l view) {
	if !haveASIMD || l.t == 0 {
		block4Go(c, ldc, 4, b, l)
		return
	}
	_, _, _ = c[3*ldc+3], b[l.offs[l.t-1]/8+3], l.vals[3*l.ps+(l.t-1)*l.es]
	block4x4ASIMD(&c[0], 8*ldc, &b[0], &l.offs[0], &l.vals[0], 8*l.ps, 8*l.es, l.t)
}

// list4 lists nothing: the Go loop lists every column.
func list4([]float64, int, int, *sparseBuf) (t, p int) { return 0, 0 }

// finiteBlocks leaves every value to the Go loop.
func finiteBlocks([]float64) int { return 0 }

// listAllTAsm lists no block: listBlocksT lists them all.
func listAllTAsm([]float64, int, int, int, *allLists) int { return 0 }
