package ops

import "math"

// Tanh is f(x) = tanh(x); its slope from the output is 1 − y².
//
// The forward is this package's own tanh, not math.Tanh, so that a batch can
// be computed several elements at a time (eight with AVX-512, four with AVX2
// and FMA, two with arm64's ASIMD): for |x| < 0.625 it is
// math.Tanh's rational form, |x| + |x|·x²·P(x²)/Q(x²) with Cephes'
// coefficients; for 0.625 ≤ |x| ≤ 22 it is 1 − 2/(e + 1) with e = exp(2|x|),
// computed as 2ⁿ·p(r), n = round(2|x|/ln 2), r = 2|x| − n·ln 2 (ln 2 split in
// two, Cody–Waite) and p the degree-13 Taylor polynomial of exp in Horner
// form; above 22 it is 1. The sign of x is put back at the end, so
// tanh(±0) = ±0, tiny x gives x, ±Inf gives ±1, and NaN is returned as it is.
//
// Every multiply-add is a fused one (math.FMA), in the same order in the Go
// code and in each assembly kernel, and 2ⁿ is made from its exponent bits in
// all of them, so the value of an element is the same bits on every CPU,
// whichever kernel runs or none, whatever its place in the slice or the
// slice's length: F(x) is exactly what Forward64 writes for x, and Forward32
// rounds it to float32.
//
// Accuracy, measured against tanh to 200 bits (math/big, itself checked
// against mpmath at 40 points) on 2²⁰ |x| log-spaced from 1e-300 to 30 and
// 2¹⁸ spaced evenly over [0, 22.5], both signs: at most 1.27 ulp from the exact
// value (math.Tanh: 1.28 ulp), the worst just above 0.625, and at most 2 ulp
// (two float64 steps) from math.Tanh.
var Tanh = &Pointwise{
	name:      "tanh",
	from:      FromOutput,
	f:         tanh,
	slope:     func(y float64) float64 { return 1 - y*y },
	forward64: tanhSlice,
	forward32: tanhSlice32,
}

// The constants of tanh; tanh_amd64.s and tanh_arm64.s hold the same values,
// bit for bit.
const (
	// Coefficients of math.Tanh's rational form (Cephes), for |x| < tanhSmall.
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3

	tanhSmall = 0.625 // below it the rational form, from it the exponential
	tanhBig   = 22.0  // above it tanh rounds to 1 (and exp(2|x|) could overflow)

	tanhLog2e   = 1.44269504088896338700e+00
	tanhShifter = 0x1.8p52                   // adding it rounds to an integer in the low mantissa bits
	tanhLn2Hi   = 6.93147180369123816490e-01 // 21 trailing zero bits: n·tanhLn2Hi is exact
	tanhLn2Lo   = 1.90821492927058770002e-10

	// 1/k!, the Taylor coefficients of exp, each rounded once.
	tanhE2  = 1.0 / 2
	tanhE3  = 1.0 / 6
	tanhE4  = 1.0 / 24
	tanhE5  = 1.0 / 120
	tanhE6  = 1.0 / 720
	tanhE7  = 1.0 / 5040
	tanhE8  = 1.0 / 40320
	tanhE9  = 1.0 / 362880
	tanhE10 = 1.0 / 3628800
	tanhE11 = 1.0 / 39916800
	tanhE12 = 1.0 / 479001600
	tanhE13 = 1.0 / 6227020800
)

// tanh is the scalar form of the vector kernels, operation for operation;
// the explicit float64 conversions keep the compiler from fusing a product
// into an addition where the kernels round it.
func tanh(x float64) float64 {
	if x != x {
		return x
	}
	const signBit = 1 << 63
	sign := math.Float64bits(x) & signBit
	a := math.Float64frombits(math.Float64bits(x) &^ signBit)
	var v float64
	switch {
	case a < tanhSmall:
		z := float64(a * a)
		num := math.FMA(math.FMA(tanhP0, z, tanhP1), z, tanhP2)
		den := math.FMA(math.FMA(z+tanhQ0, z, tanhQ1), z, tanhQ2)
		v = math.FMA(float64(a*z), num/den, a)
	case a > tanhBig:
		v = 1
	default:
		y := a + a
		t := math.FMA(y, tanhLog2e, tanhShifter)
		n := t - tanhShifter
		r := math.FMA(-n, tanhLn2Hi, y)
		r = math.FMA(-n, tanhLn2Lo, r)
		p := math.FMA(tanhE13, r, tanhE12)
		p = math.FMA(p, r, tanhE11)
		p = math.FMA(p, r, tanhE10)
		p = math.FMA(p, r, tanhE9)
		p = math.FMA(p, r, tanhE8)
		p = math.FMA(p, r, tanhE7)
		p = math.FMA(p, r, tanhE6)
		p = math.FMA(p, r, tanhE5)
		p = math.FMA(p, r, tanhE4)
		p = math.FMA(p, r, tanhE3)
		p = math.FMA(p, r, tanhE2)
		p = math.FMA(p, r, 1)
		p = math.FMA(p, r, 1)
		scale := math.Float64frombits((math.Float64bits(t) + 1023) << 52)
		e := float64(p * scale)
		v = 1 - 2/(e+1)
	}
	return math.Float64frombits(math.Float64bits(v) | sign)
}

// tanhSlice writes y[i] = tanh(x[i]): the widest vector kernel the CPU runs
// (tanhVector, in the architecture's file) takes what it can, the scalar
// tanh the rest.
func tanhSlice(y, x []float64) {
	tanhSliceWith(tanhVector, y, x)
}

// tanhSliceWith is tanhSlice with the vector kernel given, so that a test
// runs the same code with each kernel.
func tanhSliceWith(vector func(y, x []float64) int, y, x []float64) {
	y = y[:len(x)]
	for i := vector(y, x); i < len(x); i++ {
		y[i] = tanh(x[i])
	}
}

// tanhChunk is how many float32 values tanhSlice32 converts at a time: a
// buffer of float64 small enough for the stack, long enough that the
// vector kernel's calls cost little.
const tanhChunk = 256

// tanhSlice32 writes y[i] = float32(tanh(float64(x[i]))), as Forward32 does
// element by element, with the vector kernels: chunks of x are converted
// to float64 (exactly), run through tanhSlice, and rounded back, so each
// element has the bits of the scalar path.
func tanhSlice32(y, x []float32) {
	// tanhSlice32With's loop, with the kernel called directly: through a
	// function value the buffer would escape to the heap.
	var buf [tanhChunk]float64
	y = y[:len(x)]
	for len(x) > 0 {
		n := min(len(x), tanhChunk)
		b := buf[:n]
		for i, v := range x[:n] {
			b[i] = float64(v)
		}
		for i := tanhVector(b, b); i < n; i++ {
			b[i] = tanh(b[i])
		}
		for i, v := range b {
			y[i] = float32(v)
		}
		x, y = x[n:], y[n:]
	}
}

// tanhSlice32With is tanhSlice32 with the vector kernel given, so that a
// test runs it with each kernel.
func tanhSlice32With(vector func(y, x []float64) int, y, x []float32) {
	var buf [tanhChunk]float64
	y = y[:len(x)]
	for len(x) > 0 {
		n := min(len(x), tanhChunk)
		b := buf[:n]
		for i, v := range x[:n] {
			b[i] = float64(v)
		}
		// In place: each kernel reads an element before it writes it.
		tanhSliceWith(vector, b, b)
		for i, v := range b {
			y[i] = float32(v)
		}
		x, y = x[n:], y[n:]
	}
}

// tanhImpl is a vector kernel of tanh: its name, how many elements it
// computes at a time, whether this CPU runs it, and the function that
// writes y[i] = tanh(x[i]) for the first len(x) rounded down to a multiple
// of width elements and returns how many (0 where the CPU cannot run it).
// Each architecture's file lists its kernels in tanhImpls, so that a test
// checks every one the machine runs and names the ones it cannot.
type tanhImpl struct {
	name  string
	width int
	ok    bool
	fn    func(y, x []float64) int
}
