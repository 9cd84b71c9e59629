//go:build !noasm && !gccgo

#include "textflag.h"

// tanhASIMD is the scalar tanh of tanh.go, two elements at a time in
// arm64's ASIMD registers: both branches are computed for every lane and the
// lane's one is selected by masks (FCMGT, FCMEQ, BIT, BIF), as are 1 above
// 22 and x itself for NaN. Every step is the scalar code's step: the same
// constants (the table below, in tanh_amd64.s's order), the same fused
// multiply-adds in the same order (FMLA and FMLS round once, as math.FMA
// does), 2ⁿ built from its exponent bits, so the bits agree with tanh
// element for element.
//
// Go's assembler has no vector FADD, FSUB, FMUL, FDIV, FCMGT or FCMEQ: those
// are written as WORDs, each with the instruction it encodes beside it.

DATA tanhc<>+0(SB)/8, $0x7fffffffffffffff // absmask
DATA tanhc<>+8(SB)/8, $0xbfeedc5baafd6f4b // P0
DATA tanhc<>+16(SB)/8, $0xc058d26a0e26682d // P1
DATA tanhc<>+24(SB)/8, $0xc0993ac030580563 // P2
DATA tanhc<>+32(SB)/8, $0x405c33f28a581b86 // Q0
DATA tanhc<>+40(SB)/8, $0x40a176fa0e5535fa // Q1
DATA tanhc<>+48(SB)/8, $0x40b2ec102442040c // Q2
DATA tanhc<>+56(SB)/8, $0x3fe4000000000000 // small 0.625
DATA tanhc<>+64(SB)/8, $0x4036000000000000 // big 22
DATA tanhc<>+72(SB)/8, $0x3ff71547652b82fe // log2e
DATA tanhc<>+80(SB)/8, $0x4338000000000000 // shifter 0x1.8p52
DATA tanhc<>+88(SB)/8, $0x3fe62e42fee00000 // ln2hi
DATA tanhc<>+96(SB)/8, $0x3dea39ef35793c76 // ln2lo
DATA tanhc<>+104(SB)/8, $0x3ff0000000000000 // one
DATA tanhc<>+112(SB)/8, $0x4000000000000000 // two
DATA tanhc<>+120(SB)/8, $0x00000000000003ff // exponent bias 1023 (integer)
DATA tanhc<>+128(SB)/8, $0x3de6124613a86d09 // 1/13!
DATA tanhc<>+136(SB)/8, $0x3e21eed8eff8d898 // 1/12!
DATA tanhc<>+144(SB)/8, $0x3e5ae64567f544e4 // 1/11!
DATA tanhc<>+152(SB)/8, $0x3e927e4fb7789f5c // 1/10!
DATA tanhc<>+160(SB)/8, $0x3ec71de3a556c734 // 1/9!
DATA tanhc<>+168(SB)/8, $0x3efa01a01a01a01a // 1/8!
DATA tanhc<>+176(SB)/8, $0x3f2a01a01a01a01a // 1/7!
DATA tanhc<>+184(SB)/8, $0x3f56c16c16c16c17 // 1/6!
DATA tanhc<>+192(SB)/8, $0x3f81111111111111 // 1/5!
DATA tanhc<>+200(SB)/8, $0x3fa5555555555555 // 1/4!
DATA tanhc<>+208(SB)/8, $0x3fc5555555555555 // 1/3!
DATA tanhc<>+216(SB)/8, $0x3fe0000000000000 // 1/2!
GLOBL tanhc<>(SB), RODATA|NOPTR, $224

// func tanhASIMD(y, x *float64, n int)
TEXT ·tanhASIMD(SB), NOSPLIT, $0-24
	MOVD y+0(FP), R0
	MOVD x+8(FP), R1
	MOVD n+16(FP), R2
	MOVD $tanhc<>(SB), R3
	VLD1R.P 8(R3), [V16.D2] // |·| mask
	VLD1R.P 8(R3), [V17.D2] // P0
	VLD1R.P 8(R3), [V18.D2] // P1
	VLD1R.P 8(R3), [V19.D2] // P2
	VLD1R.P 8(R3), [V20.D2] // Q0
	VLD1R.P 8(R3), [V21.D2] // Q1
	VLD1R.P 8(R3), [V22.D2] // Q2
	VLD1R.P 8(R3), [V23.D2] // 0.625
	VLD1R.P 8(R3), [V24.D2] // 22
	VLD1R.P 8(R3), [V25.D2] // log2(e)
	VLD1R.P 8(R3), [V26.D2] // shifter
	VLD1R.P 8(R3), [V27.D2] // ln2 hi
	VLD1R.P 8(R3), [V28.D2] // ln2 lo
	VLD1R.P 8(R3), [V29.D2] // 1
	VLD1R.P 8(R3), [V30.D2] // 2
	VLD1R.P 8(R3), [V31.D2] // 1023 (integer)
	// R3 now points at 1/13!, followed by 1/12! … 1/2!.
	LSR $1, R2
	CBZ R2, done

loop:
	VLD1.P 16(R1), [V0.D2]
	VAND V16.B16, V0.B16, V1.B16 // a = |x|
	WORD $0x6e61dc22 // FMUL V2.2D, V1.2D, V1.2D: z = a·a

	// Rational form: a + (a·z)·P(z)/Q(z).
	VMOV V18.B16, V3.B16
	VFMLA V17.D2, V2.D2, V3.D2 // P0·z + P1
	VMOV V19.B16, V4.B16
	VFMLA V3.D2, V2.D2, V4.D2  // ·z + P2
	WORD $0x4e74d445 // FADD V5.2D, V2.2D, V20.2D: z + Q0
	VMOV V21.B16, V6.B16
	VFMLA V5.D2, V2.D2, V6.D2 // ·z + Q1
	VMOV V22.B16, V7.B16
	VFMLA V6.D2, V2.D2, V7.D2 // ·z + Q2
	WORD $0x6e67fc83 // FDIV V3.2D, V4.2D, V7.2D: P/Q
	WORD $0x6e62dc25 // FMUL V5.2D, V1.2D, V2.2D: a·z
	VMOV V1.B16, V15.B16
	VFMLA V5.D2, V3.D2, V15.D2 // (a·z)·(P/Q) + a

	// 1 − 2/(e + 1), e = exp(2a) = 2ⁿ·p(r).
	WORD $0x4e61d426 // FADD V6.2D, V1.2D, V1.2D: y = 2a
	VMOV V26.B16, V7.B16
	VFMLA V25.D2, V6.D2, V7.D2 // t = y·log2(e) + shifter
	WORD $0x4efad4e8 // FSUB V8.2D, V7.2D, V26.2D: n = t − shifter
	VMOV V6.B16, V9.B16
	VFMLS V27.D2, V8.D2, V9.D2 // r = y − n·ln2hi
	VFMLS V28.D2, V8.D2, V9.D2 // r = r − n·ln2lo
	MOVD R3, R4
	VLD1R.P 8(R4), [V10.D2]    // 1/13!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/12!
	VLD1R.P 8(R4), [V10.D2]
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1/11!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/10!
	VLD1R.P 8(R4), [V10.D2]
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1/9!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/8!
	VLD1R.P 8(R4), [V10.D2]
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1/7!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/6!
	VLD1R.P 8(R4), [V10.D2]
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1/5!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/4!
	VLD1R.P 8(R4), [V10.D2]
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1/3!
	VLD1R.P 8(R4), [V11.D2]
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1/2!
	VMOV V29.B16, V10.B16
	VFMLA V11.D2, V9.D2, V10.D2 // ·r + 1
	VMOV V29.B16, V11.B16
	VFMLA V10.D2, V9.D2, V11.D2 // ·r + 1
	VADD V31.D2, V7.D2, V12.D2 // low bits of t: n; + 1023
	VSHL $52, V12.D2, V12.D2   // 2ⁿ
	WORD $0x6e6cdd6c // FMUL V12.2D, V11.2D, V12.2D: e
	WORD $0x4e7dd58c // FADD V12.2D, V12.2D, V29.2D: e + 1
	WORD $0x6e6cffcc // FDIV V12.2D, V30.2D, V12.2D: 2/(e + 1)
	WORD $0x4eecd7ac // FSUB V12.2D, V29.2D, V12.2D: 1 − 2/(e + 1)

	// Select, put the sign back, keep NaN.
	WORD $0x6ef8e42d // FCMGT V13.2D, V1.2D, V24.2D: a > 22 (false for NaN)
	VBIT V13.B16, V29.B16, V12.B16 // 1 there
	WORD $0x6ee1e6ed // FCMGT V13.2D, V23.2D, V1.2D: 0.625 > a (false for NaN)
	VBIT V13.B16, V15.B16, V12.B16 // the rational form there
	VEOR V1.B16, V0.B16, V14.B16   // sign of x
	VORR V14.B16, V12.B16, V12.B16
	WORD $0x4e60e40d // FCMEQ V13.2D, V0.2D, V0.2D: x is not NaN
	VBIF V13.B16, V0.B16, V12.B16  // x where it is NaN
	VST1.P [V12.D2], 16(R0)

	SUB $1, R2
	CBNZ R2, loop

done:
	RET
