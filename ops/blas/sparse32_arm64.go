//go:build !noasm && !gccgo

package blas

// The float32 kernels of the sparse product on arm64 (sparse32_arm64.s):
// four float32 lanes a register, so four rows of 24 columns fill 24 of the
// 32. Each wrapper checks haveASIMD itself and, without it, does its work
// in Go.

// sparseKernel32 names the float32 vector kernel that block4Vector32 runs
// here, or "" when there is none and every float32 product is dense.
func sparseKernel32() string { return sparseKernel() }

// block4Impls32 are the float32 vector kernels of block4f32 for this
// architecture, each with whether the CPU runs it.
var block4Impls32 = []block4Impl32{
	{"asimd", haveASIMD, block4ASIMDPS},
}

// block4Vector32 computes the leading columns of block4f32 with the vector
// kernel when the CPU runs it, and returns how many: 0 where none runs.
func block4Vector32(c []float32, n int, b []float32, l view32) int {
	if haveASIMD {
		return block4ASIMDPS(c, n, b, l)
	}
	return 0
}

// block4ASIMDPS computes the columns of block4f32 that fill kernels of 24,
// 16, 8 and 4 columns, and returns how many.
// block4Last4f32 is block4Last4 in float32.
func block4Last4f32(c []float32, ldc int, b []float32, l view32) bool {
	if !haveASIMD {
		return false
	}
	block4wASIMDPS(4, c, ldc, b, l)
	return true
}

func block4ASIMDPS(c []float32, n int, b []float32, l view32) int {
	j := 0
	for _, w := range [...]int{24, 16, 8, 4} {
		for ; j+w <= n; j += w {
			block4wASIMDPS(w, c[j:], n, b[j:], l)
		}
	}
	return j
}

// block4wASIMDPS sets four rows of w columns of C (row r at c[r·ldc:]),
// w one of the kernels' widths, to the chains over the listed columns;
// every listed offset, plus w values, lies within b.
func block4wASIMDPS(w int, c []float32, ldc int, b []float32, l view32) {
	if !haveASIMD || l.t == 0 {
		block4Go32(c, ldc, w, b, l)
		return
	}
	_, _, _ = c[3*ldc+w-1], b[l.offs[l.t-1]/4+w-1], l.vals[3*l.ps+(l.t-1)*l.es]
	cp, ldcb, bp, op, vp, vs, es := &c[0], 4*ldc, &b[0], &l.offs[0], &l.vals[0], 4*l.ps, 4*l.es
	switch w {
	case 24:
		block4x24ASIMDPS(cp, ldcb, bp, op, vp, vs, es, l.t)
	case 16:
		block4x16ASIMDPS(cp, ldcb, bp, op, vp, vs, es, l.t)
	case 8:
		block4x8ASIMDPS(cp, ldcb, bp, op, vp, vs, es, l.t)
	case 4:
		block4x4ASIMDPS(cp, ldcb, bp, op, vp, vs, es, l.t)
	default:
		block4Go32(c, ldc, w, b, l)
	}
}

//go:noescape
func block4x24ASIMDPS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride, estride int, nnz int)

//go:noescape
func block4x16ASIMDPS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride, estride int, nnz int)

//go:noescape
func block4x8ASIMDPS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride, estride int, nnz int)

//go:noescape
func block4x4ASIMDPS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride, estride int, nnz int)

// list4f32 lists nothing: the Go loop lists every column.
func list4f32([]float32, int, int, *sparseBuf32) (t, p int) { return 0, 0 }
