package ops

import (
	"math"
	"math/big"
	"outgrad/ops/internal/kerneltest"
	"strconv"
	"testing"
)

// TestTanhForwardMatchesF checks that Forward64 on any slice (lengths 0 to 40,
// at offsets 0 to 8 of a larger array, so that the vector kernel and the
// scalar tail share the elements differently) writes F(x) bit for bit: with
// the kernel that Forward64 runs on this CPU, which the test names, and with
// every other kernel the CPU runs; and that Forward32 is F rounded to
// float32, on slices short and long (across its chunks), with each kernel.
// Where no vector kernel runs, Forward64 is F itself and the comparison is
// skipped, saying so.
func TestTanhForwardMatchesF(t *testing.T) {
	xs := tanhTestInputs(4096)
	check := func(t *testing.T, forward func(y, x []float64)) {
		t.Helper()
		ys := make([]float64, len(xs))
		for n := 0; n <= 40; n++ {
			for off := 0; off <= 8; off++ {
				for start := off; start+n <= len(xs); start += 97 + n {
					x, y := xs[start:start+n], ys[start:start+n]
					forward(y, x)
					for i, v := range x {
						if want := Tanh.F(v); math.Float64bits(y[i]) != math.Float64bits(want) {
							t.Fatalf("len %d at %d: element %d: gives %v (%#x) for %v, F %v (%#x)",
								n, start, i, y[i], math.Float64bits(y[i]), v, want, math.Float64bits(want))
						}
					}
				}
			}
		}
	}
	t.Run("Forward64", func(t *testing.T) {
		k := tanhKernel()
		if k == "" {
			t.Skip("no vector kernel runs here: Forward64 is the scalar tanh, F itself")
		}
		t.Logf("Forward64 runs the %s kernel", k)
		check(t, func(y, x []float64) { Tanh.Forward64(y, x, 1) })
	})
	for _, impl := range tanhImpls {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.ok {
				kerneltest.SkipUnrun(t, impl.name)
			}
			check(t, func(y, x []float64) { tanhSliceWith(impl.fn, y, x) })
		})
	}
	x32 := make([]float32, len(xs))
	for i := range x32 {
		x32[i] = float32(xs[i])
	}
	check32 := func(t *testing.T, forward func(y, x []float32)) {
		t.Helper()
		y32 := make([]float32, len(x32))
		// Short slices at every offset, and long ones that span chunks
		// of tanhChunk and end in a scalar tail.
		lens := []int{tanhChunk - 1, tanhChunk, tanhChunk + 1, 2*tanhChunk + 11, 1000}
		for n := 0; n <= 40; n++ {
			lens = append(lens, n)
		}
		for _, n := range lens {
			for off := 0; off <= 8; off++ {
				for start := off; start+n <= len(x32); start += 97 + n {
					x, y := x32[start:start+n], y32[start:start+n]
					forward(y, x)
					for i, v := range x {
						if want := float32(Tanh.F(float64(v))); math.Float32bits(y[i]) != math.Float32bits(want) {
							t.Fatalf("len %d at %d: element %d: gives %v for %v, want %v", n, start, i, y[i], v, want)
						}
					}
				}
			}
		}
	}
	t.Run("Forward32", func(t *testing.T) {
		check32(t, func(y, x []float32) { Tanh.Forward32(y, x, 1) })
	})
	for _, impl := range tanhImpls {
		t.Run("Forward32-"+impl.name, func(t *testing.T) {
			if !impl.ok {
				kerneltest.SkipUnrun(t, impl.name)
			}
			check32(t, func(y, x []float32) { tanhSlice32With(impl.fn, y, x) })
		})
	}
}

// TestTanhSpecial checks signed zeros, tiny values, infinities, NaN and
// saturation.
func TestTanhSpecial(t *testing.T) {
	negZero := math.Copysign(0, -1)
	cases := []struct{ x, want float64 }{
		{0, 0}, {negZero, negZero},
		{1e-300, 1e-300}, {-1e-300, -1e-300}, {math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64},
		{1e-9, 1e-9}, {-0x1p-27, -0x1p-27},
		{math.Inf(1), 1}, {math.Inf(-1), -1},
		{22, 1}, {-22, -1}, {22.5, 1}, {30, 1}, {-1e300, -1}, {math.MaxFloat64, 1},
	}
	for _, c := range cases {
		got := Tanh.F(c.x)
		y := make([]float64, 9)
		Tanh.Forward64(y, []float64{c.x, c.x, c.x, c.x, c.x, c.x, c.x, c.x, c.x}, 1)
		for _, g := range append(y, got) {
			if math.Float64bits(g) != math.Float64bits(c.want) {
				t.Errorf("tanh(%v) = %v, want %v", c.x, g, c.want)
				break
			}
		}
	}
	nan := math.Float64frombits(0x7ff8000000000123)
	if got := Tanh.F(nan); math.Float64bits(got) != math.Float64bits(nan) {
		t.Errorf("tanh(NaN) = %#x, want the NaN itself", math.Float64bits(got))
	}
}

// tanhExact returns tanh(x) for x ≥ 0 to about 190 bits: a series for tiny
// x, else expm1(2x) from its Taylor series at 2x/2^m and m doublings
// (expm1(2u) = expm1(u)·(expm1(u) + 2)), then expm1/(expm1 + 2).
func tanhExact(x float64) *big.Float {
	const prec = 200
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	if x < 0x1p-20 {
		// x − x³/3 + 2x⁵/15 − 17x⁷/315; the next term is below 2^-160·x.
		x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
		s := new(big.Float).SetPrec(prec).Quo(big.NewFloat(-17), big.NewFloat(315))
		for _, c := range [][2]float64{{2, 15}, {-1, 3}, {1, 1}} {
			s.Mul(s, x2)
			s.Add(s, new(big.Float).SetPrec(prec).Quo(big.NewFloat(c[0]), big.NewFloat(c[1])))
		}
		return s.Mul(s, bx)
	}
	u := new(big.Float).SetPrec(prec).Mul(bx, big.NewFloat(2))
	m := 0
	for u.Cmp(big.NewFloat(0x1p-8)) > 0 {
		u.Quo(u, big.NewFloat(2))
		m++
	}
	sum := new(big.Float).SetPrec(prec)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	tiny := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(1), -prec-8)
	for k := int64(1); ; k++ {
		term.Mul(term, u)
		term.Quo(term, new(big.Float).SetInt64(k))
		sum.Add(sum, term)
		if term.Cmp(tiny) < 0 {
			break
		}
	}
	two := big.NewFloat(2)
	for ; m > 0; m-- {
		t := new(big.Float).SetPrec(prec).Add(sum, two)
		sum.Mul(sum, t)
	}
	den := new(big.Float).SetPrec(prec).Add(sum, two)
	return sum.Quo(sum, den)
}

// ulpError returns |got − exact|/ulp, the ulp that of exact rounded to float64.
func ulpError(got float64, exact *big.Float) float64 {
	r, _ := exact.Float64()
	_, e := math.Frexp(math.Abs(r))
	ulp := math.Ldexp(1, e-53)
	if r == 0 {
		return math.Abs(got)
	}
	d := new(big.Float).SetPrec(200).Sub(new(big.Float).SetPrec(200).SetFloat64(got), exact)
	d.Quo(d, new(big.Float).SetFloat64(ulp))
	v, _ := d.Float64()
	return math.Abs(v)
}

// ulpDistance returns how many float64 values lie between a and b of one sign.
func ulpDistance(a, b float64) float64 {
	return math.Abs(float64(int64(math.Float64bits(math.Abs(a))) - int64(math.Float64bits(math.Abs(b)))))
}

// tanhMPMath holds tanh at float64 inputs to 40 digits, computed by
// testdata/tanh_reference.py with mpmath 1.3.0.
var tanhMPMath = []struct {
	x    float64
	tanh string
}{
	{1e-300, "1.000000000000000025059091835208759685696e-300"},
	{2.5e-100, "2.500000000000000049979749506507209049119e-100"},
	{1e-20, "9.999999999999999451532714542095716517295e-21"},
	{3e-09, "2.999999999999999971049621235082650750792e-9"},
	{1e-08, "9.999999999999999875892274967951385830706e-9"},
	{3e-05, "2.999999999100000076326572222713517231468e-5"},
	{0.001, "0.0009999996666668000207626926629550768958706"},
	{0.015625, "0.01562372855840886520234883117629190809996"},
	{0.1, "0.09966799462495582261427704369862483325538"},
	{0.3, "0.2913126124515908956581600157693989482617"},
	{0.5, "0.4621171572600097585023184836436725487303"},
	{0.6, "0.5370495669980352700616249882151352615978"},
	{0.6249999999999999, "0.5545997223493822171250710185616813649646"},
	{0.625, "0.5545997223493822939990390953230835960581"},
	{0.6250000000000001, "0.5545997223493823708730071720844763604394"},
	{0.7, "0.6043677771171634681205868855175502798772"},
	{0.9, "0.7162978701990244316231810917903237937499"},
	{1.0, "0.7615941559557648881194582826047935904128"},
	{1.2, "0.8336546070121552451284862113905790620948"},
	{1.5, "0.9051482536448664382423036964564955972276"},
	{2.0, "0.964027580075816883946413724100923150255"},
	{2.5, "0.9866142981514302888812760392373496392125"},
	{3.0, "0.9950547536867304513318801852554884750978"},
	{3.75, "0.9988944427261528009678420828048789071529"},
	{4.0, "0.9993292997390670437922433443417249620053"},
	{5.0, "0.9999092042625951312109904475344730210898"},
	{7.5, "0.9999993881955461487505497064351312072965"},
	{10.0, "0.9999999958776927636195928371382757410508"},
	{12.0, "0.9999999999244973091172683731324748755389"},
	{15.0, "0.9999999999998128475406232140209232087469"},
	{17.5, "0.9999999999999987389766479706029179621429"},
	{18.0, "0.9999999999999995360954339512862299412705"},
	{18.5, "0.9999999999999998293390474851186986770194"},
	{19.0, "0.9999999999999999372173441590394093966516"},
	{19.1, "0.9999999999999999485979089030947250183202"},
	{20.0, "0.9999999999999999915032914894168220454386"},
	{21.9, "0.9999999999999999998099220723814026043824"},
	{22.0, "0.9999999999999999998443773551773240696978"},
	{25.0, "0.9999999999999999999996142500304072164434"},
	{30.0, "0.999999999999999999999999982486978474607"},
}

// TestTanhReference checks tanhExact against mpmath to 1e-38 relative, then
// F against mpmath to 2 ulp, at both signs.
func TestTanhReference(t *testing.T) {
	for _, c := range tanhMPMath {
		want, _, err := big.ParseFloat(c.tanh, 10, 200, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		d := new(big.Float).Sub(tanhExact(c.x), want)
		d.Quo(d, want)
		if rel, _ := d.Float64(); math.Abs(rel) > 1e-38 {
			t.Errorf("tanhExact(%v) is %.3g off mpmath", c.x, rel)
		}
		for _, s := range []float64{1, -1} {
			if e := ulpError(s*Tanh.F(s*c.x), want); e > 2 {
				t.Errorf("tanh(%v) = %v is %.3g ulp off mpmath's %s", s*c.x, Tanh.F(s*c.x), e, c.tanh)
			}
		}
	}
}

// TestTanhAccuracy sweeps |x| log-spaced from 1e-300 to 30 and linearly over
// [0, 22.5], both signs, and checks that F is within 2 ulp of tanh to 200
// bits and within 2 ulp of math.Tanh. Under -short the sweeps are 16 times
// sparser.
func TestTanhAccuracy(t *testing.T) {
	nLog, nLin := 1<<20, 1<<18
	if testing.Short() {
		nLog, nLin = nLog/16, nLin/16
	}
	var xs []float64
	lo, hi := math.Log(1e-300), math.Log(30)
	for i := 0; i < nLog; i++ {
		xs = append(xs, math.Exp(lo+(hi-lo)*float64(i)/float64(nLog-1)))
	}
	for i := 0; i < nLin; i++ {
		xs = append(xs, 22.5*float64(i)/float64(nLin-1))
	}
	var worst, worstMath, worstMathRef float64
	var worstX, worstMathX float64
	for _, x := range xs {
		var exact *big.Float
		if x < 0x1p-30 {
			// tanh(x) = x(1 − x²/3 + …) rounds to x; the error of taking x as
			// exact is below 2^-58 ulp.
			exact = new(big.Float).SetFloat64(x)
		} else {
			exact = tanhExact(x)
		}
		for _, s := range []float64{1, -1} {
			got := s * Tanh.F(s*x)
			if e := ulpError(got, exact); e > worst {
				worst, worstX = e, s*x
			}
			if e := ulpError(s*math.Tanh(s*x), exact); e > worstMathRef {
				worstMathRef = e
			}
			if d := ulpDistance(Tanh.F(s*x), math.Tanh(s*x)); d > worstMath {
				worstMath, worstMathX = d, s*x
			}
		}
	}
	t.Logf("%d points: worst %.3f ulp from tanh (at %v); math.Tanh's worst %.3f ulp; at most %v ulp from math.Tanh (at %v)",
		2*len(xs), worst, worstX, worstMathRef, worstMath, worstMathX)
	if worst > 2 {
		t.Errorf("tanh is %.3g ulp off at %v, want ≤ 2", worst, worstX)
	}
	if worstMath > 2 {
		t.Errorf("tanh is %v ulp from math.Tanh at %v, want ≤ 2", worstMath, worstMathX)
	}
}

// BenchmarkTanh measures Tanh.Forward64 per element on 10 000 and 1 000 000
// values spread over [−4, 4].
func BenchmarkTanh(b *testing.B) {
	for _, n := range []int{10000, 1000000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			x, y := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i] = 8*float64(i)/float64(n) - 4
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Tanh.Forward64(y, x, 1)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
}
