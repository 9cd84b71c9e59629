// Command _asm generates ../sparse_avx2_amd64.s, the AVX2+FMA kernels of
// the sparse product (see ../sparse.go), with avo: go generate in the
// package, or go run . -out ../sparse_avx2_amd64.s here. It is a module of
// its own so that the package's module does not depend on avo.
//
// The kernels use only VEX-encoded instructions (AVX, AVX2, FMA3) and the
// sixteen YMM registers, so that a CPU without AVX-512 runs them.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/gotypes"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// ymm are the sixteen registers the kernels may use.
var ymm = []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}

// xmm are their low halves, for the kernels of four float32 columns.
var xmm = []VecPhysical{X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15}

func main() {
	ConstraintExpr("!noasm,!gccgo")
	for _, w := range []int{12, 8, 4} {
		block4(w)
	}
	for _, w := range []int{24, 8, 4} {
		block4PS(w)
	}
	list4()
	listAllT()
	finiteBlocks()
	Generate()
}

// block4 writes block4x<w>AVX2: four rows of w columns of C held in 4·w/4
// registers; for each listed column, w values of B's row are loaded once,
// each row's value of the column broadcast, and one VFMADD231PD per
// register of C, so each element of C is a chain in list order from +0.
func block4(w int) {
	nv := w / 4
	name := fmt.Sprintf("block4x%dAVX2", w)
	TEXT(name, NOSPLIT, "func(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride, estride int, nnz int)")
	Doc(fmt.Sprintf("%s sets four rows of %d columns of C (row r at c + r·ldc bytes) to the", name, w),
		"chains over nnz listed columns: entry t's row of B at b + offs[t] bytes, row r's",
		"value at vals + r·vstride + t·estride bytes.")
	c := Load(Param("c"), RDI)
	ldc := Load(Param("ldc"), RDX)
	b := Load(Param("b"), RSI)
	offs := Load(Param("offs"), R8)
	vals := Load(Param("vals"), R9)
	vstride := Load(Param("vstride"), R10)
	estride := Load(Param("estride"), R12)
	nnz := Load(Param("nnz"), RCX)
	vals3 := R11
	LEAQ(Mem{Base: vals, Index: vstride, Scale: 2}, vals3)
	ADDQ(vstride, vals3)

	acc := func(r, v int) VecPhysical { return ymm[r*nv+v] }
	bv := ymm[4*nv : 5*nv]
	// Registers left after C and B's row hold the broadcasts, one per
	// row where there are enough, else one for all four in turn.
	bc := ymm[5*nv:]
	if len(bc) > 4 {
		bc = bc[:4]
	}
	for r := range 4 {
		for v := range nv {
			VXORPD(acc(r, v), acc(r, v), acc(r, v))
		}
	}
	TESTQ(nnz, nnz)
	done := fmt.Sprintf("done%d", w)
	loop := fmt.Sprintf("loop%d", w)
	JEQ(LabelRef(done))
	Label(loop)
	MOVQ(Mem{Base: offs}, RAX)
	for v := range nv {
		VMOVUPD(Mem{Base: b, Index: RAX, Scale: 1, Disp: 32 * v}, bv[v])
	}
	rowVal := []Mem{
		{Base: vals},
		{Base: vals, Index: vstride, Scale: 1},
		{Base: vals, Index: vstride, Scale: 2},
		{Base: vals3},
	}
	for r := range 4 {
		x := bc[r%len(bc)]
		VBROADCASTSD(rowVal[r], x)
		for v := range nv {
			VFMADD231PD(bv[v], x, acc(r, v))
		}
	}
	ADDQ(U8(8), offs)
	ADDQ(estride, vals)
	ADDQ(estride, vals3)
	DECQ(nnz)
	JNE(LabelRef(loop))
	Label(done)
	for r := range 4 {
		if r > 0 {
			ADDQ(ldc, c)
		}
		for v := range nv {
			VMOVUPD(acc(r, v), Mem{Base: c, Disp: 32 * v})
		}
	}
	VZEROUPPER()
	RET()
}

// block4PS writes block4x<w>AVX2PS, block4 for float32 (see
// ../sparse32.go): eight values a YMM register, so four rows of 24
// columns fill twelve registers, B's row three and the broadcast the last;
// the 4-column kernel holds C in XMM registers. Each element of C is a
// chain of VFMADD231PS, one float32 rounding each, in list order from +0.
func block4PS(w int) {
	name := fmt.Sprintf("block4x%dAVX2PS", w)
	TEXT(name, NOSPLIT, "func(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride, estride int, nnz int)")
	Doc(fmt.Sprintf("%s sets four rows of %d float32 columns of C (row r at c + r·ldc", name, w),
		"bytes) to the chains over nnz listed columns: entry t's row of B at b + offs[t]",
		"bytes, row r's value at vals + r·vstride + t·estride bytes.")
	c := Load(Param("c"), RDI)
	ldc := Load(Param("ldc"), RDX)
	b := Load(Param("b"), RSI)
	offs := Load(Param("offs"), R8)
	vals := Load(Param("vals"), R9)
	vstride := Load(Param("vstride"), R10)
	estride := Load(Param("estride"), R12)
	nnz := Load(Param("nnz"), RCX)
	vals3 := R11
	LEAQ(Mem{Base: vals, Index: vstride, Scale: 2}, vals3)
	ADDQ(vstride, vals3)

	regs, size := ymm, 32
	nv := w / 8
	if w == 4 {
		regs, size, nv = xmm, 16, 1
	}
	acc := func(r, v int) VecPhysical { return regs[r*nv+v] }
	bv := regs[4*nv : 5*nv]
	bc := regs[5*nv:]
	if len(bc) > 4 {
		bc = bc[:4]
	}
	for r := range 4 {
		for v := range nv {
			VXORPS(acc(r, v), acc(r, v), acc(r, v))
		}
	}
	TESTQ(nnz, nnz)
	done := fmt.Sprintf("done%dps", w)
	loop := fmt.Sprintf("loop%dps", w)
	JEQ(LabelRef(done))
	Label(loop)
	MOVQ(Mem{Base: offs}, RAX)
	for v := range nv {
		VMOVUPS(Mem{Base: b, Index: RAX, Scale: 1, Disp: size * v}, bv[v])
	}
	rowVal := []Mem{
		{Base: vals},
		{Base: vals, Index: vstride, Scale: 1},
		{Base: vals, Index: vstride, Scale: 2},
		{Base: vals3},
	}
	for r := range 4 {
		x := bc[r%len(bc)]
		VBROADCASTSS(rowVal[r], x)
		for v := range nv {
			VFMADD231PS(bv[v], x, acc(r, v))
		}
	}
	ADDQ(U8(8), offs)
	ADDQ(estride, vals)
	ADDQ(estride, vals3)
	DECQ(nnz)
	JNE(LabelRef(loop))
	Label(done)
	for r := range 4 {
		if r > 0 {
			ADDQ(ldc, c)
		}
		for v := range nv {
			VMOVUPS(acc(r, v), Mem{Base: c, Disp: size * v})
		}
	}
	VZEROUPPER()
	RET()
}

// list4 writes list4AVX2 and its tables: the columns of four rows, four
// columns at a time. A column is listed when the OR of its four values,
// shifted left by one to drop the sign of −0, is not zero; the listed
// lanes of the four values and of the offsets are packed to the front
// with VPERMD and a table indexed by the 4-bit mask, stored whole, and
// the count advances by the mask's population (from the same table), so a
// store writes up to three entries beyond the ones it keeps.
func list4() {
	// Entry mask (64 bytes): the VPERMD indices that pack the lanes of
	// mask to the front, then their count.
	tab := GLOBL("list4tab", RODATA|NOPTR)
	for mask := range 16 {
		var idx []int
		for lane := range 4 {
			if mask&(1<<lane) != 0 {
				idx = append(idx, lane)
			}
		}
		n := len(idx)
		for len(idx) < 4 {
			idx = append(idx, 0)
		}
		for q, lane := range idx {
			// A 64-bit lane is two 32-bit ones for VPERMD.
			DATA(64*mask+8*q, U32(2*lane))
			DATA(64*mask+8*q+4, U32(2*lane+1))
		}
		DATA(64*mask+32, U64(n))
	}

	TEXT("list4AVX2", NOSPLIT, "func(a *float64, lda int, blocks int, first *[4]int, step int, offs *int, vals *float64, vstride int) int")
	Doc("list4AVX2 lists the columns of four rows of A (lda bytes apart) where any",
		"of the four is nonzero, for blocks groups of four columns: entry t gets the",
		"offset (first[j] + g·step for column 4g+j) at offs[t] and row r's value at",
		"vals + r·vstride + 8t bytes. It returns how many it listed.")
	a := Load(Param("a"), RSI)
	lda := Load(Param("lda"), RDX)
	blocks := Load(Param("blocks"), RCX)
	first := Load(Param("first"), RAX)
	VMOVDQU(Mem{Base: first}, Y15)
	VPBROADCASTQ(mem(Param("step")), Y14)
	offs := Load(Param("offs"), R8)
	vals := Load(Param("vals"), R9)
	vstride := Load(Param("vstride"), R10)
	LEAQ(Mem{Base: vals, Index: vstride, Scale: 1}, R12)
	LEAQ(Mem{Base: vals, Index: vstride, Scale: 2}, R13)
	LEAQ(Mem{Base: R12, Index: vstride, Scale: 2}, R14)
	LEAQ(Mem{Base: a, Index: lda, Scale: 2}, R11)
	LEAQ(tab, R10)
	VPXOR(Y13, Y13, Y13)
	XORQ(RBX, RBX)
	Label("lloop")
	VMOVUPD(Mem{Base: a}, Y0)
	VMOVUPD(Mem{Base: a, Index: lda, Scale: 1}, Y1)
	VMOVUPD(Mem{Base: R11}, Y2)
	VMOVUPD(Mem{Base: R11, Index: lda, Scale: 1}, Y3)
	VPOR(Y0, Y1, Y4)
	VPOR(Y2, Y3, Y5)
	VPOR(Y4, Y5, Y4)
	VPSLLQ(U8(1), Y4, Y4)
	VPCMPEQQ(Y13, Y4, Y4)
	VMOVMSKPD(Y4, EAX)
	XORL(U8(15), EAX)
	JEQ(LabelRef("lnext"))
	SHLQ(U8(6), RAX)
	VMOVDQU(Mem{Base: R10, Index: RAX, Scale: 1}, Y5)
	VPERMD(Y15, Y5, Y6)
	VMOVDQU(Y6, Mem{Base: offs, Index: RBX, Scale: 8})
	VPERMD(Y0, Y5, Y6)
	VMOVUPD(Y6, Mem{Base: vals, Index: RBX, Scale: 8})
	VPERMD(Y1, Y5, Y6)
	VMOVUPD(Y6, Mem{Base: R12, Index: RBX, Scale: 8})
	VPERMD(Y2, Y5, Y6)
	VMOVUPD(Y6, Mem{Base: R13, Index: RBX, Scale: 8})
	VPERMD(Y3, Y5, Y6)
	VMOVUPD(Y6, Mem{Base: R14, Index: RBX, Scale: 8})
	MOVQ(Mem{Base: R10, Index: RAX, Scale: 1, Disp: 32}, RAX)
	ADDQ(RAX, RBX)
	Label("lnext")
	VPADDQ(Y14, Y15, Y15)
	ADDQ(U8(32), a)
	ADDQ(U8(32), R11)
	DECQ(blocks)
	JNE(LabelRef("lloop"))
	Store(RBX, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// listAllT writes listAllTAVX2: listAllT's pass over a transposed operand,
// one block (four values of a row) at a time.
func listAllT() {
	TEXT("listAllTAVX2", NOSPLIT, "func(a *float64, lda int, k int, blocks int, step int, offs *int, vals *float64, counts *int, ls int)")
	Doc("listAllTAVX2 lists, for each row p of A (k rows, lda bytes apart) and each",
		"block g of four values, the entry (p·step, the four values) in block g's list",
		"when any of them is nonzero: at offs[g·ls + counts[g]] and vals[4(g·ls + counts[g])].")
	a := Load(Param("a"), RSI)
	k := Load(Param("k"), RCX)
	step := Load(Param("step"), R13)
	ls := Load(Param("ls"), R11)
	MOVQ(ls, R12)
	SHLQ(U8(3), R11) // bytes between two blocks' offsets
	SHLQ(U8(5), R12) // and between their values
	XORQ(RBX, RBX)
	Label("aploop")
	Load(Param("offs"), R8)
	Load(Param("vals"), R9)
	Load(Param("counts"), R10)
	MOVQ(a, RDI)
	Load(Param("blocks"), R14)
	Label("abloop")
	VMOVUPD(Mem{Base: RDI}, Y0)
	VPSLLQ(U8(1), Y0, Y1)
	VPTEST(Y1, Y1)
	JEQ(LabelRef("anext"))
	MOVQ(Mem{Base: R10}, RDX)
	MOVQ(RBX, Mem{Base: R8, Index: RDX, Scale: 8})
	SHLQ(U8(5), RDX)
	VMOVUPD(Y0, Mem{Base: R9, Index: RDX, Scale: 1})
	INCQ(Mem{Base: R10})
	Label("anext")
	ADDQ(U8(32), RDI)
	ADDQ(R11, R8)
	ADDQ(R12, R9)
	ADDQ(U8(8), R10)
	DECQ(R14)
	JNE(LabelRef("abloop"))
	ADDQ(mem(Param("lda")), a)
	ADDQ(step, RBX)
	DECQ(k)
	JNE(LabelRef("aploop"))
	VZEROUPPER()
	RET()
}

// mem is the address of an argument.
func mem(c Component) Mem {
	b, err := c.Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// finiteBlocks writes finiteBlocksAVX2: a value is NaN or ±Inf when its
// exponent bits are all ones.
func finiteBlocks() {
	TEXT("finiteBlocksAVX2", NOSPLIT, "func(v *float64, blocks int) int")
	Doc("finiteBlocksAVX2 returns how many of the leading blocks of eight values",
		"at v hold no NaN or ±Inf: blocks, or the index of the first that does.")
	v := Load(Param("v"), RSI)
	blocks := Load(Param("blocks"), RCX)
	MOVQ(U64(0x7ff0000000000000), RAX)
	VMOVQ(RAX, X1)
	VPBROADCASTQ(X1, Y1)
	XORQ(RBX, RBX)
	Label("floop")
	VPAND(Mem{Base: v}, Y1, Y2)
	VPAND(Mem{Base: v, Disp: 32}, Y1, Y3)
	VPCMPEQQ(Y1, Y2, Y2)
	VPCMPEQQ(Y1, Y3, Y3)
	VPOR(Y2, Y3, Y2)
	VPTEST(Y2, Y2)
	JNE(LabelRef("fdone"))
	ADDQ(U8(64), v)
	INCQ(RBX)
	CMPQ(RBX, blocks)
	JLT(LabelRef("floop"))
	Label("fdone")
	Store(RBX, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
