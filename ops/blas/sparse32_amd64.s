//go:build !noasm && !gccgo

#include "textflag.h"

// The float32 sparse kernels for AVX-512 (see sparse32.go):
// block4x{16,32,48,64}AVX512PS set four rows of 16, 32, 48 or 64 float32
// columns of C, the last 16 of each row limited to the lanes of mask (so a
// product of any width runs in vector, its last pass masked, and nothing
// beyond the columns asked for is read from B or written to C). For each
// listed column, in list order, one row of B is loaded once and multiplied
// into the four rows of C held in registers, with each row's value of the
// column broadcast (row r's value of entry t at vals + r·vstride +
// t·estride bytes); each C element is so a chain of VFMADD231PS, one
// float32 rounding each, from +0. Accumulators: row r, register v in
// Z(r·nv + v), nv = 1..4 registers of 16 values; B's row in Z16..Z19, the
// broadcasts in Z20..Z23; K1 the mask of the last register of a row.

// func block4x64AVX512PS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride int, estride int, nnz int, mask int)
TEXT ·block4x64AVX512PS(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	MOVQ mask+64(FP), AX
	KMOVW AX, K1
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPS 0(SI)(AX*1), Z16
	VMOVUPS 64(SI)(AX*1), Z17
	VMOVUPS 128(SI)(AX*1), Z18
	VMOVUPS.Z 192(SI)(AX*1), K1, Z19
	VBROADCASTSS (R9), Z20
	VBROADCASTSS (R9)(R10*1), Z21
	VBROADCASTSS (R9)(R10*2), Z22
	VBROADCASTSS (R11), Z23
	VFMADD231PS Z16, Z20, Z0
	VFMADD231PS Z17, Z20, Z1
	VFMADD231PS Z18, Z20, Z2
	VFMADD231PS Z19, Z20, Z3
	VFMADD231PS Z16, Z21, Z4
	VFMADD231PS Z17, Z21, Z5
	VFMADD231PS Z18, Z21, Z6
	VFMADD231PS Z19, Z21, Z7
	VFMADD231PS Z16, Z22, Z8
	VFMADD231PS Z17, Z22, Z9
	VFMADD231PS Z18, Z22, Z10
	VFMADD231PS Z19, Z22, Z11
	VFMADD231PS Z16, Z23, Z12
	VFMADD231PS Z17, Z23, Z13
	VFMADD231PS Z18, Z23, Z14
	VFMADD231PS Z19, Z23, Z15
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, K1, 192(DI)
	ADDQ DX, DI
	VMOVUPS Z4, 0(DI)
	VMOVUPS Z5, 64(DI)
	VMOVUPS Z6, 128(DI)
	VMOVUPS Z7, K1, 192(DI)
	ADDQ DX, DI
	VMOVUPS Z8, 0(DI)
	VMOVUPS Z9, 64(DI)
	VMOVUPS Z10, 128(DI)
	VMOVUPS Z11, K1, 192(DI)
	ADDQ DX, DI
	VMOVUPS Z12, 0(DI)
	VMOVUPS Z13, 64(DI)
	VMOVUPS Z14, 128(DI)
	VMOVUPS Z15, K1, 192(DI)
	VZEROUPPER
	RET

// func block4x48AVX512PS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride int, estride int, nnz int, mask int)
TEXT ·block4x48AVX512PS(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	MOVQ mask+64(FP), AX
	KMOVW AX, K1
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPS 0(SI)(AX*1), Z16
	VMOVUPS 64(SI)(AX*1), Z17
	VMOVUPS.Z 128(SI)(AX*1), K1, Z18
	VBROADCASTSS (R9), Z20
	VBROADCASTSS (R9)(R10*1), Z21
	VBROADCASTSS (R9)(R10*2), Z22
	VBROADCASTSS (R11), Z23
	VFMADD231PS Z16, Z20, Z0
	VFMADD231PS Z17, Z20, Z1
	VFMADD231PS Z18, Z20, Z2
	VFMADD231PS Z16, Z21, Z3
	VFMADD231PS Z17, Z21, Z4
	VFMADD231PS Z18, Z21, Z5
	VFMADD231PS Z16, Z22, Z6
	VFMADD231PS Z17, Z22, Z7
	VFMADD231PS Z18, Z22, Z8
	VFMADD231PS Z16, Z23, Z9
	VFMADD231PS Z17, Z23, Z10
	VFMADD231PS Z18, Z23, Z11
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, K1, 128(DI)
	ADDQ DX, DI
	VMOVUPS Z3, 0(DI)
	VMOVUPS Z4, 64(DI)
	VMOVUPS Z5, K1, 128(DI)
	ADDQ DX, DI
	VMOVUPS Z6, 0(DI)
	VMOVUPS Z7, 64(DI)
	VMOVUPS Z8, K1, 128(DI)
	ADDQ DX, DI
	VMOVUPS Z9, 0(DI)
	VMOVUPS Z10, 64(DI)
	VMOVUPS Z11, K1, 128(DI)
	VZEROUPPER
	RET

// func block4x32AVX512PS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride int, estride int, nnz int, mask int)
TEXT ·block4x32AVX512PS(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	MOVQ mask+64(FP), AX
	KMOVW AX, K1
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPS 0(SI)(AX*1), Z16
	VMOVUPS.Z 64(SI)(AX*1), K1, Z17
	VBROADCASTSS (R9), Z20
	VBROADCASTSS (R9)(R10*1), Z21
	VBROADCASTSS (R9)(R10*2), Z22
	VBROADCASTSS (R11), Z23
	VFMADD231PS Z16, Z20, Z0
	VFMADD231PS Z17, Z20, Z1
	VFMADD231PS Z16, Z21, Z2
	VFMADD231PS Z17, Z21, Z3
	VFMADD231PS Z16, Z22, Z4
	VFMADD231PS Z17, Z22, Z5
	VFMADD231PS Z16, Z23, Z6
	VFMADD231PS Z17, Z23, Z7
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, K1, 64(DI)
	ADDQ DX, DI
	VMOVUPS Z2, 0(DI)
	VMOVUPS Z3, K1, 64(DI)
	ADDQ DX, DI
	VMOVUPS Z4, 0(DI)
	VMOVUPS Z5, K1, 64(DI)
	ADDQ DX, DI
	VMOVUPS Z6, 0(DI)
	VMOVUPS Z7, K1, 64(DI)
	VZEROUPPER
	RET

// func block4x16AVX512PS(c *float32, ldc int, b *float32, offs *int, vals *float32, vstride int, estride int, nnz int, mask int)
TEXT ·block4x16AVX512PS(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	MOVQ mask+64(FP), AX
	KMOVW AX, K1
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPS.Z 0(SI)(AX*1), K1, Z16
	VBROADCASTSS (R9), Z20
	VBROADCASTSS (R9)(R10*1), Z21
	VBROADCASTSS (R9)(R10*2), Z22
	VBROADCASTSS (R11), Z23
	VFMADD231PS Z16, Z20, Z0
	VFMADD231PS Z16, Z21, Z1
	VFMADD231PS Z16, Z22, Z2
	VFMADD231PS Z16, Z23, Z3
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPS Z0, K1, 0(DI)
	ADDQ DX, DI
	VMOVUPS Z1, K1, 0(DI)
	ADDQ DX, DI
	VMOVUPS Z2, K1, 0(DI)
	ADDQ DX, DI
	VMOVUPS Z3, K1, 0(DI)
	VZEROUPPER
	RET

// func list4AVX512PS(a *float32, lda int, blocks int, first *[16]int, step int, offs *int, vals *float32, vstride int) int
// list4AVX512PS lists the columns of four float32 rows of A (lda bytes
// apart) where any of the four is nonzero, sixteen columns at a time: a
// column is listed when the OR of its four values, shifted left by one to
// drop the sign of −0, is not zero. The listed lanes of the four rows and
// of the offsets (first[j] + g·step for column 16g + j, in Z16 and Z18)
// are packed to the front (VPCOMPRESSD, VPCOMPRESSQ) and stored whole, so
// a store writes up to sixteen entries beyond those it keeps. It returns
// how many it listed.
TEXT ·list4AVX512PS(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	MOVQ blocks+16(FP), CX
	MOVQ first+24(FP), AX
	VMOVDQU64 (AX), Z16
	VMOVDQU64 64(AX), Z18
	MOVQ step+32(FP), AX
	VPBROADCASTQ AX, Z17
	MOVQ offs+40(FP), R8
	MOVQ vals+48(FP), R9
	MOVQ vstride+56(FP), R10
	LEAQ (R9)(R10*1), R12
	LEAQ (R9)(R10*2), R13
	LEAQ (R12)(R10*2), R14
	LEAQ (SI)(DX*2), R11
	XORQ BX, BX
lloop:
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(DX*1), Z1
	VMOVUPS (R11), Z2
	VMOVUPS (R11)(DX*1), Z3
	VPORD Z0, Z1, Z4
	VPORD Z2, Z3, Z5
	VPORD Z4, Z5, Z4
	VPSLLD $1, Z4, Z4
	VPTESTMD Z4, Z4, K1
	KMOVW K1, AX
	TESTL AX, AX
	JEQ lnext
	KSHIFTRW $8, K1, K2
	VPCOMPRESSQ Z16, K1, Z6
	VMOVDQU64 Z6, (R8)(BX*8)
	MOVL AX, R15
	ANDL $255, R15
	POPCNTL R15, R15
	ADDQ BX, R15
	VPCOMPRESSQ Z18, K2, Z6
	VMOVDQU64 Z6, (R8)(R15*8)
	VPCOMPRESSD Z0, K1, Z6
	VMOVUPS Z6, (R9)(BX*4)
	VPCOMPRESSD Z1, K1, Z6
	VMOVUPS Z6, (R12)(BX*4)
	VPCOMPRESSD Z2, K1, Z6
	VMOVUPS Z6, (R13)(BX*4)
	VPCOMPRESSD Z3, K1, Z6
	VMOVUPS Z6, (R14)(BX*4)
	POPCNTL AX, AX
	ADDQ AX, BX
lnext:
	VPADDQ Z17, Z16, Z16
	VPADDQ Z17, Z18, Z18
	ADDQ $64, SI
	ADDQ $64, R11
	DECQ CX
	JNE lloop
	MOVQ BX, ret+64(FP)
	VZEROUPPER
	RET
