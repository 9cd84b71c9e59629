//go:build !noasm && !gccgo

#include "textflag.h"

// The sparse kernels (see sparse.go) for ASIMD. block4x{12,8,4}ASIMD set
// four rows of 12, 8 or 4 columns of C. For each listed column t of op(A)
// (nnz of them, nnz > 0 unless C is to be zeroed), in list order:
//   - the byte offset of B's row is read from offs (post-incremented), and
//     the row's 12, 8 or 4 values are loaded once into two-lane registers;
//   - the four rows' values of entry t, row r's at vals + r·vstride +
//     t·estride bytes, are each loaded and replicated into both lanes
//     (VLD1R, pointers post-incremented by estride);
//   - each accumulator gets VFMLA (fused, one rounding, as math.FMA) of a
//     B register by the row's replicated value.
// Each C element is so its own chain c ← fma(a_rt, b_tj, c) from +0 (VEOR)
// in list order, the chain of block4Go, and C is stored once at the end,
// row r at c + r·ldc bytes. Go keeps FPCR at round to nearest without
// flushing subnormals to zero, so the vector FMLA rounds as math.FMA does;
// and its arm64 ABI saves no register across a call, so every register
// used here (none of the reserved R18 and R26..R30) is free to clobber.
//
// Register plan (row r, column pair p = columns 2p, 2p+1):
//   R0 c, R1 ldc (bytes), R2 b, R3 offs, R5 vstride, R6 estride, R7 the
//   entries left; R4, R8, R9, R10 the next values of rows 0..3; R11 the
//   address of B's row; R12 the second half of a 12-wide row of C.
//   x12: V0..V23 accumulators, row r pair p in V(6r+p); V24..V27 B's pairs
//        0..3, then V24, V25 reloaded with pairs 4, 5; V28..V31 the
//        values of rows 0..3. All 32 registers: 4 rows × 16 columns would
//        need 32 accumulators alone.
//   x8:  V0..V15 accumulators, row r pair p in V(4r+p); V16..V19 B's
//        pairs; V20..V23 the values of rows 0..3.
//   x4:  V0..V7 accumulators, row r pair p in V(2r+p); V16, V17 B's
//        pairs; V20..V23 the values of rows 0..3.
// Go writes VFMLA Vm, Vn, Vd for Vd += Vn·Vm.

// func block4x12ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x12ASIMD(SB), NOSPLIT, $0-64
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	MOVD b+16(FP), R2
	MOVD offs+24(FP), R3
	MOVD vals+32(FP), R4
	MOVD vstride+40(FP), R5
	MOVD estride+48(FP), R6
	MOVD nnz+56(FP), R7
	ADD R5, R4, R8
	ADD R5, R8, R9
	ADD R5, R9, R10
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	CBZ R7, done
loop:
	MOVD.P 8(R3), R11
	ADD R2, R11, R11
	VLD1R.P (R4)(R6), [V28.D2]
	VLD1R.P (R8)(R6), [V29.D2]
	VLD1R.P (R9)(R6), [V30.D2]
	VLD1R.P (R10)(R6), [V31.D2]
	VLD1.P 64(R11), [V24.D2, V25.D2, V26.D2, V27.D2]
	VFMLA V24.D2, V28.D2, V0.D2
	VFMLA V24.D2, V29.D2, V6.D2
	VFMLA V24.D2, V30.D2, V12.D2
	VFMLA V24.D2, V31.D2, V18.D2
	VFMLA V25.D2, V28.D2, V1.D2
	VFMLA V25.D2, V29.D2, V7.D2
	VFMLA V25.D2, V30.D2, V13.D2
	VFMLA V25.D2, V31.D2, V19.D2
	VFMLA V26.D2, V28.D2, V2.D2
	VFMLA V26.D2, V29.D2, V8.D2
	VFMLA V26.D2, V30.D2, V14.D2
	VFMLA V26.D2, V31.D2, V20.D2
	VFMLA V27.D2, V28.D2, V3.D2
	VFMLA V27.D2, V29.D2, V9.D2
	VFMLA V27.D2, V30.D2, V15.D2
	VFMLA V27.D2, V31.D2, V21.D2
	VLD1 (R11), [V24.D2, V25.D2]
	VFMLA V24.D2, V28.D2, V4.D2
	VFMLA V24.D2, V29.D2, V10.D2
	VFMLA V24.D2, V30.D2, V16.D2
	VFMLA V24.D2, V31.D2, V22.D2
	VFMLA V25.D2, V28.D2, V5.D2
	VFMLA V25.D2, V29.D2, V11.D2
	VFMLA V25.D2, V30.D2, V17.D2
	VFMLA V25.D2, V31.D2, V23.D2
	SUBS $1, R7, R7
	BNE loop
done:
	VST1 [V0.D2, V1.D2, V2.D2, V3.D2], (R0)
	ADD $64, R0, R12
	VST1 [V4.D2, V5.D2], (R12)
	ADD R1, R0, R0
	VST1 [V6.D2, V7.D2, V8.D2, V9.D2], (R0)
	ADD $64, R0, R12
	VST1 [V10.D2, V11.D2], (R12)
	ADD R1, R0, R0
	VST1 [V12.D2, V13.D2, V14.D2, V15.D2], (R0)
	ADD $64, R0, R12
	VST1 [V16.D2, V17.D2], (R12)
	ADD R1, R0, R0
	VST1 [V18.D2, V19.D2, V20.D2, V21.D2], (R0)
	ADD $64, R0, R12
	VST1 [V22.D2, V23.D2], (R12)
	RET

// func block4x8ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x8ASIMD(SB), NOSPLIT, $0-64
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	MOVD b+16(FP), R2
	MOVD offs+24(FP), R3
	MOVD vals+32(FP), R4
	MOVD vstride+40(FP), R5
	MOVD estride+48(FP), R6
	MOVD nnz+56(FP), R7
	ADD R5, R4, R8
	ADD R5, R8, R9
	ADD R5, R9, R10
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	CBZ R7, done
loop:
	MOVD.P 8(R3), R11
	ADD R2, R11, R11
	VLD1R.P (R4)(R6), [V20.D2]
	VLD1R.P (R8)(R6), [V21.D2]
	VLD1R.P (R9)(R6), [V22.D2]
	VLD1R.P (R10)(R6), [V23.D2]
	VLD1 (R11), [V16.D2, V17.D2, V18.D2, V19.D2]
	VFMLA V16.D2, V20.D2, V0.D2
	VFMLA V16.D2, V21.D2, V4.D2
	VFMLA V16.D2, V22.D2, V8.D2
	VFMLA V16.D2, V23.D2, V12.D2
	VFMLA V17.D2, V20.D2, V1.D2
	VFMLA V17.D2, V21.D2, V5.D2
	VFMLA V17.D2, V22.D2, V9.D2
	VFMLA V17.D2, V23.D2, V13.D2
	VFMLA V18.D2, V20.D2, V2.D2
	VFMLA V18.D2, V21.D2, V6.D2
	VFMLA V18.D2, V22.D2, V10.D2
	VFMLA V18.D2, V23.D2, V14.D2
	VFMLA V19.D2, V20.D2, V3.D2
	VFMLA V19.D2, V21.D2, V7.D2
	VFMLA V19.D2, V22.D2, V11.D2
	VFMLA V19.D2, V23.D2, V15.D2
	SUBS $1, R7, R7
	BNE loop
done:
	VST1 [V0.D2, V1.D2, V2.D2, V3.D2], (R0)
	ADD R1, R0, R0
	VST1 [V4.D2, V5.D2, V6.D2, V7.D2], (R0)
	ADD R1, R0, R0
	VST1 [V8.D2, V9.D2, V10.D2, V11.D2], (R0)
	ADD R1, R0, R0
	VST1 [V12.D2, V13.D2, V14.D2, V15.D2], (R0)
	RET

// func block4x4ASIMD(c *float64, ldc int, b *float64, offs *int, vals *float64, vstride int, estride int, nnz int)
TEXT ·block4x4ASIMD(SB), NOSPLIT, $0-64
	MOVD c+0(FP), R0
	MOVD ldc+8(FP), R1
	MOVD b+16(FP), R2
	MOVD offs+24(FP), R3
	MOVD vals+32(FP), R4
	MOVD vstride+40(FP), R5
	MOVD estride+48(FP), R6
	MOVD nnz+56(FP), R7
	ADD R5, R4, R8
	ADD R5, R8, R9
	ADD R5, R9, R10
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	CBZ R7, done
loop:
	MOVD.P 8(R3), R11
	ADD R2, R11, R11
	VLD1R.P (R4)(R6), [V20.D2]
	VLD1R.P (R8)(R6), [V21.D2]
	VLD1R.P (R9)(R6), [V22.D2]
	VLD1R.P (R10)(R6), [V23.D2]
	VLD1 (R11), [V16.D2, V17.D2]
	VFMLA V16.D2, V20.D2, V0.D2
	VFMLA V16.D2, V21.D2, V2.D2
	VFMLA V16.D2, V22.D2, V4.D2
	VFMLA V16.D2, V23.D2, V6.D2
	VFMLA V17.D2, V20.D2, V1.D2
	VFMLA V17.D2, V21.D2, V3.D2
	VFMLA V17.D2, V22.D2, V5.D2
	VFMLA V17.D2, V23.D2, V7.D2
	SUBS $1, R7, R7
	BNE loop
done:
	VST1 [V0.D2, V1.D2], (R0)
	ADD R1, R0, R0
	VST1 [V2.D2, V3.D2], (R0)
	ADD R1, R0, R0
	VST1 [V4.D2, V5.D2], (R0)
	ADD R1, R0, R0
	VST1 [V6.D2, V7.D2], (R0)
	RET
