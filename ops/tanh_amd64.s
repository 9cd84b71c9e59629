//go:build !noasm && !gccgo

#include "textflag.h"

// tanhAVX512 is the scalar tanh of tanh.go, eight elements at a time: both
// branches (the rational form and 1 − 2/(exp(2|x|) + 1)) are computed for
// every lane and the lane's one is selected by masks, as are 1 above 22 and
// x itself for NaN. Every step is the scalar code's step: the same constants
// (the table below), the same fused multiply-adds in the same order, 2ⁿ built
// from its exponent bits, so the bits agree with tanh element for element.

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

// func tanhAVX512(y, x *float64, n int)
TEXT ·tanhAVX512(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	LEAQ tanhc<>(SB), R8
	VBROADCASTSD 0(R8), Z16   // |·| mask
	VBROADCASTSD 8(R8), Z17   // P0
	VBROADCASTSD 16(R8), Z18  // P1
	VBROADCASTSD 24(R8), Z19  // P2
	VBROADCASTSD 32(R8), Z20  // Q0
	VBROADCASTSD 40(R8), Z21  // Q1
	VBROADCASTSD 48(R8), Z22  // Q2
	VBROADCASTSD 56(R8), Z23  // 0.625
	VBROADCASTSD 64(R8), Z24  // 22
	VBROADCASTSD 72(R8), Z25  // log2(e)
	VBROADCASTSD 80(R8), Z26  // shifter
	VBROADCASTSD 88(R8), Z27  // ln2 hi
	VBROADCASTSD 96(R8), Z28  // ln2 lo
	VBROADCASTSD 104(R8), Z29 // 1
	VBROADCASTSD 112(R8), Z30 // 2
	VPBROADCASTQ 120(R8), Z31 // 1023
	SHRQ $3, CX
	JEQ done

loop:
	VMOVUPD (SI), Z0
	VPANDQ Z16, Z0, Z1 // a = |x|
	VMULPD Z1, Z1, Z2  // z = a·a

	// Rational form: a + (a·z)·P(z)/Q(z).
	VMOVAPD Z17, Z3
	VFMADD213PD Z18, Z2, Z3 // P0·z + P1
	VFMADD213PD Z19, Z2, Z3 // ·z + P2
	VADDPD Z20, Z2, Z4      // z + Q0
	VFMADD213PD Z21, Z2, Z4 // ·z + Q1
	VFMADD213PD Z22, Z2, Z4 // ·z + Q2
	VDIVPD Z4, Z3, Z3       // P/Q
	VMULPD Z2, Z1, Z5       // a·z
	VFMADD213PD Z1, Z5, Z3  // (a·z)·(P/Q) + a

	// 1 − 2/(e + 1), e = exp(2a) = 2ⁿ·p(r).
	VADDPD Z1, Z1, Z6        // y = 2a
	VMOVAPD Z26, Z7
	VFMADD231PD Z25, Z6, Z7  // t = y·log2(e) + shifter
	VSUBPD Z26, Z7, Z8       // n = t − shifter
	VMOVAPD Z6, Z9
	VFNMADD231PD Z27, Z8, Z9 // r = y − n·ln2hi
	VFNMADD231PD Z28, Z8, Z9 // r = r − n·ln2lo
	VBROADCASTSD 128(R8), Z10
	VFMADD213PD.BCST 136(R8), Z9, Z10 // 1/12!
	VFMADD213PD.BCST 144(R8), Z9, Z10 // 1/11!
	VFMADD213PD.BCST 152(R8), Z9, Z10 // 1/10!
	VFMADD213PD.BCST 160(R8), Z9, Z10 // 1/9!
	VFMADD213PD.BCST 168(R8), Z9, Z10 // 1/8!
	VFMADD213PD.BCST 176(R8), Z9, Z10 // 1/7!
	VFMADD213PD.BCST 184(R8), Z9, Z10 // 1/6!
	VFMADD213PD.BCST 192(R8), Z9, Z10 // 1/5!
	VFMADD213PD.BCST 200(R8), Z9, Z10 // 1/4!
	VFMADD213PD.BCST 208(R8), Z9, Z10 // 1/3!
	VFMADD213PD.BCST 216(R8), Z9, Z10 // 1/2!
	VFMADD213PD Z29, Z9, Z10          // 1
	VFMADD213PD Z29, Z9, Z10          // 1
	VPADDQ Z31, Z7, Z11               // low bits of t: n; + 1023
	VPSLLQ $52, Z11, Z11              // 2ⁿ
	VMULPD Z11, Z10, Z10              // e
	VADDPD Z29, Z10, Z10              // e + 1
	VDIVPD Z10, Z30, Z10              // 2/(e + 1)
	VSUBPD Z10, Z29, Z10              // 1 − 2/(e + 1)

	// Select, put the sign back, keep NaN.
	VCMPPD $0x1e, Z24, Z1, K1 // a > 22 (ordered)
	VMOVAPD Z29, K1, Z10
	VCMPPD $0x11, Z23, Z1, K2 // a < 0.625 (ordered)
	VMOVAPD Z3, K2, Z10
	VPANDNQ Z0, Z16, Z12      // sign of x
	VPORQ Z12, Z10, Z10
	VCMPPD $0x03, Z0, Z0, K3  // x is NaN
	VMOVAPD Z0, K3, Z10
	VMOVUPD Z10, (DI)

	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNE loop

done:
	VZEROUPPER
	RET

// tanhAVX2 is tanhAVX512 for AVX2 and FMA, four elements at a time: VEX
// instructions on Y0–Y15 only, the masks of the selects in vector registers
// (VCMPPD, VBLENDVPD). Fifteen registers do not hold the whole table, so the
// constants used once an element are broadcast from it where they are used.

// func tanhAVX2(y, x *float64, n int)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	LEAQ tanhc<>(SB), R8
	VBROADCASTSD 0(R8), Y15   // |·| mask
	VBROADCASTSD 104(R8), Y14 // 1
	VBROADCASTSD 80(R8), Y13  // shifter
	SHRQ $2, CX
	JEQ avx2done

avx2loop:
	VMOVUPD (SI), Y0
	VANDPD Y15, Y0, Y1 // a = |x|
	VMULPD Y1, Y1, Y2  // z = a·a

	// Rational form: a + (a·z)·P(z)/Q(z).
	VBROADCASTSD 8(R8), Y3   // P0
	VBROADCASTSD 16(R8), Y11
	VFMADD213PD Y11, Y2, Y3  // P0·z + P1
	VBROADCASTSD 24(R8), Y11
	VFMADD213PD Y11, Y2, Y3  // ·z + P2
	VBROADCASTSD 32(R8), Y4
	VADDPD Y4, Y2, Y4        // z + Q0
	VBROADCASTSD 40(R8), Y11
	VFMADD213PD Y11, Y2, Y4  // ·z + Q1
	VBROADCASTSD 48(R8), Y11
	VFMADD213PD Y11, Y2, Y4  // ·z + Q2
	VDIVPD Y4, Y3, Y3        // P/Q
	VMULPD Y2, Y1, Y5        // a·z
	VFMADD213PD Y1, Y5, Y3   // (a·z)·(P/Q) + a

	// 1 − 2/(e + 1), e = exp(2a) = 2ⁿ·p(r).
	VADDPD Y1, Y1, Y6        // y = 2a
	VMOVAPD Y13, Y7
	VBROADCASTSD 72(R8), Y11
	VFMADD231PD Y11, Y6, Y7  // t = y·log2(e) + shifter
	VSUBPD Y13, Y7, Y8       // n = t − shifter
	VMOVAPD Y6, Y9
	VBROADCASTSD 88(R8), Y11
	VFNMADD231PD Y11, Y8, Y9 // r = y − n·ln2hi
	VBROADCASTSD 96(R8), Y11
	VFNMADD231PD Y11, Y8, Y9 // r = r − n·ln2lo
	VBROADCASTSD 128(R8), Y10
	VBROADCASTSD 136(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/12!
	VBROADCASTSD 144(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/11!
	VBROADCASTSD 152(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/10!
	VBROADCASTSD 160(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/9!
	VBROADCASTSD 168(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/8!
	VBROADCASTSD 176(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/7!
	VBROADCASTSD 184(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/6!
	VBROADCASTSD 192(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/5!
	VBROADCASTSD 200(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/4!
	VBROADCASTSD 208(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/3!
	VBROADCASTSD 216(R8), Y11
	VFMADD213PD Y11, Y9, Y10 // 1/2!
	VFMADD213PD Y14, Y9, Y10 // 1
	VFMADD213PD Y14, Y9, Y10 // 1
	VPBROADCASTQ 120(R8), Y11
	VPADDQ Y11, Y7, Y7       // low bits of t: n; + 1023
	VPSLLQ $52, Y7, Y7       // 2ⁿ
	VMULPD Y7, Y10, Y10      // e
	VADDPD Y14, Y10, Y10     // e + 1
	VBROADCASTSD 112(R8), Y11
	VDIVPD Y10, Y11, Y10     // 2/(e + 1)
	VSUBPD Y10, Y14, Y10     // 1 − 2/(e + 1)

	// Select, put the sign back, keep NaN.
	VBROADCASTSD 64(R8), Y11
	VCMPPD $0x1e, Y11, Y1, Y12   // a > 22 (ordered)
	VBLENDVPD Y12, Y14, Y10, Y10 // 1 there
	VBROADCASTSD 56(R8), Y11
	VCMPPD $0x11, Y11, Y1, Y12   // a < 0.625 (ordered)
	VBLENDVPD Y12, Y3, Y10, Y10  // the rational form there
	VANDNPD Y0, Y15, Y12         // sign of x
	VORPD Y12, Y10, Y10
	VCMPPD $0x03, Y0, Y0, Y12    // x is NaN
	VBLENDVPD Y12, Y0, Y10, Y10  // x there
	VMOVUPD Y10, (DI)

	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE avx2loop

avx2done:
	VZEROUPPER
	RET
