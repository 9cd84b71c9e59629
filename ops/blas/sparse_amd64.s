//go:build !noasm && !gccgo

#include "textflag.h"

// The sparse kernels (see sparse.go). block4x*: for each listed column, one
// row of B (32, 8 or 4 values) is loaded once and multiplied into four rows
// of C held in registers, with the four rows' values of the column
// broadcast; each C element is a chain of VFMADD231PD in list order, from
// +0 (row r's value of entry t at vals + r·vstride + t·estride bytes).
// They are unrolled by hand for each width: 4 rows × 4 ZMM, × 1 ZMM, × 1 YMM.
// list4AVX512 lists the columns of four rows, eight at a time;
// listAllTAVX512 lists every block of a transposed operand in one pass
// over its rows.

// func block4x32AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x32AVX512(SB), NOSPLIT, $0-64
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPD 0(SI)(AX*1), Z16
	VMOVUPD 64(SI)(AX*1), Z17
	VMOVUPD 128(SI)(AX*1), Z18
	VMOVUPD 192(SI)(AX*1), Z19
	VBROADCASTSD (R9), Z20
	VBROADCASTSD (R9)(R10*1), Z21
	VBROADCASTSD (R9)(R10*2), Z22
	VBROADCASTSD (R11), Z23
	VFMADD231PD Z16, Z20, Z0
	VFMADD231PD Z17, Z20, Z1
	VFMADD231PD Z18, Z20, Z2
	VFMADD231PD Z19, Z20, Z3
	VFMADD231PD Z16, Z21, Z4
	VFMADD231PD Z17, Z21, Z5
	VFMADD231PD Z18, Z21, Z6
	VFMADD231PD Z19, Z21, Z7
	VFMADD231PD Z16, Z22, Z8
	VFMADD231PD Z17, Z22, Z9
	VFMADD231PD Z18, Z22, Z10
	VFMADD231PD Z19, Z22, Z11
	VFMADD231PD Z16, Z23, Z12
	VFMADD231PD Z17, Z23, Z13
	VFMADD231PD Z18, Z23, Z14
	VFMADD231PD Z19, Z23, Z15
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	ADDQ DX, DI
	VMOVUPD Z4, 0(DI)
	VMOVUPD Z5, 64(DI)
	VMOVUPD Z6, 128(DI)
	VMOVUPD Z7, 192(DI)
	ADDQ DX, DI
	VMOVUPD Z8, 0(DI)
	VMOVUPD Z9, 64(DI)
	VMOVUPD Z10, 128(DI)
	VMOVUPD Z11, 192(DI)
	ADDQ DX, DI
	VMOVUPD Z12, 0(DI)
	VMOVUPD Z13, 64(DI)
	VMOVUPD Z14, 128(DI)
	VMOVUPD Z15, 192(DI)
	VZEROUPPER
	RET

// func block4x8AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x8AVX512(SB), NOSPLIT, $0-64
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPD 0(SI)(AX*1), Z16
	VBROADCASTSD (R9), Z20
	VBROADCASTSD (R9)(R10*1), Z21
	VBROADCASTSD (R9)(R10*2), Z22
	VBROADCASTSD (R11), Z23
	VFMADD231PD Z16, Z20, Z0
	VFMADD231PD Z16, Z21, Z1
	VFMADD231PD Z16, Z22, Z2
	VFMADD231PD Z16, Z23, Z3
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPD Z0, 0(DI)
	ADDQ DX, DI
	VMOVUPD Z1, 0(DI)
	ADDQ DX, DI
	VMOVUPD Z2, 0(DI)
	ADDQ DX, DI
	VMOVUPD Z3, 0(DI)
	VZEROUPPER
	RET

// func block4x4AVX512(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x4AVX512(SB), NOSPLIT, $0-64
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), DX
	MOVQ b+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ vals+32(FP), R9
	MOVQ vstride+40(FP), R10
	MOVQ estride+48(FP), R12
	MOVQ nnz+56(FP), CX
	LEAQ (R9)(R10*2), R11
	ADDQ R10, R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	TESTQ CX, CX
	JEQ done
loop:
	MOVQ (R8), AX
	VMOVUPD (SI)(AX*1), Y4
	VBROADCASTSD (R9), Y5
	VBROADCASTSD (R9)(R10*1), Y6
	VBROADCASTSD (R9)(R10*2), Y7
	VBROADCASTSD (R11), Y8
	VFMADD231PD Y4, Y5, Y0
	VFMADD231PD Y4, Y6, Y1
	VFMADD231PD Y4, Y7, Y2
	VFMADD231PD Y4, Y8, Y3
	ADDQ $8, R8
	ADDQ R12, R9
	ADDQ R12, R11
	DECQ CX
	JNE loop
done:
	VMOVUPD Y0, 0(DI)
	ADDQ DX, DI
	VMOVUPD Y1, 0(DI)
	ADDQ DX, DI
	VMOVUPD Y2, 0(DI)
	ADDQ DX, DI
	VMOVUPD Y3, 0(DI)
	VZEROUPPER
	RET

// func list4AVX512(a *float64, lda int, blocks int, first *[8]int, step int, offs *int, vals *float64, vstride int) int
TEXT ·list4AVX512(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	MOVQ blocks+16(FP), CX
	MOVQ first+24(FP), AX
	VMOVDQU64 (AX), Z16
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
	VMOVUPD (SI), Z0
	VMOVUPD (SI)(DX*1), Z1
	VMOVUPD (R11), Z2
	VMOVUPD (R11)(DX*1), Z3
	VPORQ Z0, Z1, Z4
	VPORQ Z2, Z3, Z5
	VPORQ Z4, Z5, Z4
	VPSLLQ $1, Z4, Z4
	VPTESTMQ Z4, Z4, K1
	KMOVW K1, AX
	TESTL AX, AX
	JEQ lnext
	VPCOMPRESSQ Z16, K1, Z6
	VMOVDQU64 Z6, (R8)(BX*8)
	VPCOMPRESSQ Z0, K1, Z6
	VMOVUPD Z6, (R9)(BX*8)
	VPCOMPRESSQ Z1, K1, Z6
	VMOVUPD Z6, (R12)(BX*8)
	VPCOMPRESSQ Z2, K1, Z6
	VMOVUPD Z6, (R13)(BX*8)
	VPCOMPRESSQ Z3, K1, Z6
	VMOVUPD Z6, (R14)(BX*8)
	POPCNTL AX, AX
	ADDQ AX, BX
lnext:
	VPADDQ Z17, Z16, Z16
	ADDQ $64, SI
	ADDQ $64, R11
	DECQ CX
	JNE lloop
	MOVQ BX, ret+64(FP)
	VZEROUPPER
	RET

// func listAllTAVX512(a *float64, lda int, k int, pairs int, step int, offs *int, vals *float64, counts *int, ls int)
// For each row p of A (k rows, lda bytes apart) and each group of eight
// values: block 2g gets the entry (p·step, low four values) when any of
// them is nonzero, block 2g+1 the same with the high four.
TEXT ·listAllTAVX512(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ k+16(FP), CX
	MOVQ step+32(FP), R13
	MOVQ ls+64(FP), R11
	MOVQ R11, R12
	SHLQ $3, R11
	SHLQ $5, R12
	XORQ BX, BX
aploop:
	MOVQ offs+40(FP), R8
	MOVQ vals+48(FP), R9
	MOVQ counts+56(FP), R10
	MOVQ SI, DI
	MOVQ pairs+24(FP), R14
agloop:
	VMOVUPD (DI), Z0
	VPSLLQ $1, Z0, Z1
	VPTESTMQ Z1, Z1, K1
	KMOVW K1, AX
	TESTL $15, AX
	JEQ ahigh
	MOVQ (R10), DX
	MOVQ BX, (R8)(DX*8)
	SHLQ $5, DX
	VMOVUPD Y0, (R9)(DX*1)
	INCQ (R10)
ahigh:
	TESTL $240, AX
	JEQ anext
	MOVQ 8(R10), DX
	SHLQ $3, DX
	ADDQ R11, DX
	MOVQ BX, (R8)(DX*1)
	MOVQ 8(R10), DX
	SHLQ $5, DX
	ADDQ R12, DX
	VEXTRACTF64X4 $1, Z0, Y2
	VMOVUPD Y2, (R9)(DX*1)
	INCQ 8(R10)
anext:
	ADDQ $64, DI
	LEAQ (R8)(R11*2), R8
	LEAQ (R9)(R12*2), R9
	ADDQ $16, R10
	DECQ R14
	JNE agloop
	ADDQ lda+8(FP), SI
	ADDQ R13, BX
	DECQ CX
	JNE aploop
	VZEROUPPER
	RET

// func finiteBlocksAVX512(v *float64, blocks int) int
// A value is NaN or ±Inf when its exponent bits are all ones.
TEXT ·finiteBlocksAVX512(SB), NOSPLIT, $0-24
	MOVQ v+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ $0x7ff0000000000000, AX
	VPBROADCASTQ AX, Z1
	XORQ BX, BX
floop:
	VPANDQ (SI), Z1, Z2
	VPCMPEQQ Z1, Z2, K1
	KORTESTW K1, K1
	JNE fdone
	ADDQ $64, SI
	INCQ BX
	CMPQ BX, CX
	JLT floop
fdone:
	MOVQ BX, ret+16(FP)
	VZEROUPPER
	RET
