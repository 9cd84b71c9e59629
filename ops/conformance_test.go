package ops_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"outgrad/ops"
	"outgrad/ops/check"
)

// known holds what the conformance test knows about each registered
// activation. Expected values are correctly rounded float64s of the exact
// results, computed with mpmath at 50 digits (mp.dps = 50) or by hand, never
// with the code under test.
var known = withReference(map[string]expected{
	"identity": {
		values: [][2]float64{{0.5, 0.5}, {-3, -3}, {1e-300, 1e-300}}, // f(x) = x
		specials: [][3]float64{
			{nan, nan, 1}, {inf, inf, 1}, {-inf, -inf, 1}, {0, 0, 1}, {1e300, 1e300, 1}, {-1e300, -1e300, 1},
		},
	},
	"relu": {
		values:     [][2]float64{{-2, 0}, {3.5, 3.5}, {0, 0}, {-1e-300, 0}}, // max(x, 0)
		kinkAtZero: true,
		specials: [][3]float64{
			{nan, nan, nan}, {inf, inf, 1}, {-inf, 0, 0}, {0, 0, 0}, {1e300, 1e300, 1}, {-1e300, 0, 0},
		},
	},
	"sigmoid": {
		values: [][2]float64{
			{0, 0.5},                     // 1/(1+e⁰) = 1/2
			{1, 0.7310585786300049},      // mpmath 1/(1+exp(-1))
			{-1, 0.2689414213699951},     // mpmath 1/(1+exp(1))
			{5, 0.9933071490757152},      // mpmath 1/(1+exp(-5))
			{-30, 9.357622968839299e-14}, // mpmath 1/(1+exp(30)): no cancellation
		},
		specials: [][3]float64{
			{nan, nan, nan}, {inf, 1, 0}, {-inf, 0, 0}, {0, 0.5, 0.25}, {1e300, 1, 0}, {-1e300, 0, 0},
		},
	},
	"tanh": {
		values: [][2]float64{
			{1, 0.7615941559557649},      // mpmath tanh(1); also math/tanh.go's test table
			{-0.5, -0.46211715726000974}, // mpmath tanh(-0.5)
			{3, 0.9950547536867305},      // mpmath tanh(3)
			{0.01, 0.00999966667999946},  // mpmath tanh(0.01)
			{20, 1},                      // mpmath tanh(20) = 1 − 8.5e-18, rounds to 1
		},
		specials: [][3]float64{
			{nan, nan, nan}, {inf, 1, 0}, {-inf, -1, 0}, {0, 0, 1}, {1e300, 1, 0}, {-1e300, -1, 0},
		},
	},
	"softmax": {
		rows: [][2][]float64{
			// mpmath exp(x_j)/Σ exp(x_k)
			{{1, 2, 3}, {0.09003057317038046, 0.24472847105479764, 0.6652409557748219}},
			{{-1, 0, 0.5, 2}, {0.03535379340874887, 0.09610157419009721, 0.15844470951497971, 0.7100999228861742}},
			{{7, 7}, {0.5, 0.5}}, // equal entries share the mass
			{{42}, {1}},          // a row of one
			// Large entries: exp(−1000) and exp(−1e4) underflow to 0.
			{{1000, 0, 0}, {1, 0, 0}},
			{{-1e4, 0, 1e4}, {0, 0, 1}},
			{{1e300, -1e300, 0}, {1, 0, 0}},
			// Infinite entries: the limits of the finite case.
			{{inf, 0, 1}, {1, 0, 0}},
			{{inf, inf, 0}, {0.5, 0.5, 0}},
			{{-inf, 0, 0}, {0, 0.5, 0.5}},
			// Undefined rows give NaN, not a panic or a finite guess.
			{{nan, 0, 1}, {nan, nan, nan}},
			{{-inf, -inf}, {nan, nan}},
		},
	},
	"leakyrelu": {
		values:     [][2]float64{{-2, -0.02}, {3, 3}, {0, 0}}, // x > 0 ? x : 0.01x
		kinkAtZero: true,
		specials: [][3]float64{
			{nan, nan, nan}, {inf, inf, 1}, {-inf, -inf, 0.01}, {0, 0, 0.01}, {1e300, 1e300, 1}, {-1e300, -1e298, 0.01},
		},
	},
	"elu": {
		values: [][2]float64{
			{2, 2},                           // x > 0 ? x : e^x − 1
			{-1, -0.6321205588285577},        // mpmath expm1(-1)
			{-1e-10, -9.999999999500001e-11}, // mpmath expm1(-1e-10): needs expm1, not exp − 1
			{-5, -0.9932620530009145},        // mpmath expm1(-5)
		},
		specials: [][3]float64{
			{nan, nan, nan}, {inf, inf, 1}, {-inf, -1, 0}, {0, 0, 1}, {1e300, 1e300, 1}, {-1e300, -1, 0},
		},
	},
	// prelu at its initial α = 0.25 (the Activation methods of a Learnable
	// are its initial function).
	"prelu": {
		values:     [][2]float64{{-2, -0.5}, {3, 3}, {0, 0}, {-1e-300, -2.5e-301}}, // x > 0 ? x : x/4
		kinkAtZero: true,
		specials: [][3]float64{
			{nan, nan, nan}, {inf, inf, 1}, {-inf, -inf, 0.25}, {0, 0, 0.25}, {1e300, 1e300, 1}, {-1e300, -2.5e299, 0.25},
		},
	},
	"softplus": {
		values: [][2]float64{
			{0, 0.6931471805599453},      // ln 2
			{1, 1.3132616875182228},      // mpmath log(1+e)
			{-1, 0.3132616875182228},     // mpmath log(1+exp(-1)) = log(1+e) − 1
			{-20, 2.061153620314381e-09}, // mpmath log(1+exp(-20)): needs log1p
			{30, 30.000000000000092},     // mpmath log(1+exp(30)) = 30 + 9.4e-14
		},
		specials: [][3]float64{
			{nan, nan, nan}, {inf, inf, 1}, {-inf, 0, 0}, {0, 0.6931471805599453, 0.5}, {1e300, 1e300, 1}, {-1e300, 0, 0},
		},
	},
})

// expected is what the conformance test knows about one activation.
type expected struct {
	// values are (x, f(x)) pairs; row-wise activations use rows instead.
	values [][2]float64
	// rows are (x row, f(x) row) pairs for row-wise activations.
	rows [][2][]float64
	// kinkAtZero: f is not differentiable at 0 (CheckSlope must say so).
	kinkAtZero bool
	// specials are (x, f(x), backward with dy = 1 at y = f(x)) at NaN, ±Inf,
	// 0 and ±1e300, in the manner of math/all_test.go.
	specials [][3]float64
}

// withReference adds to known the activations whose values come from
// referenceValues (mpmath at 50 digits, see reference_values_test.go), with
// their special cases.
func withReference(k map[string]expected) map[string]expected {
	specials := map[string][][3]float64{
		"swish":    {{nan, nan, nan}, {inf, inf, 1}, {-inf, 0, 0}, {0, 0, 0.5}, {1e300, 1e300, 1}, {-1e300, 0, 0}},
		"gelu":     {{nan, nan, nan}, {inf, inf, 1}, {-inf, 0, 0}, {0, 0, 0.5}, {1e300, 1e300, 1}, {-1e300, 0, 0}},
		"mish":     {{nan, nan, nan}, {inf, inf, 1}, {-inf, 0, 0}, {0, 0, 0.6}, {1e300, 1e300, 1}, {-1e300, 0, 0}},
		"softsign": {{nan, nan, nan}, {inf, 1, 0}, {-inf, -1, 0}, {0, 0, 1}, {1e300, 1, 0}, {-1e300, -1, 0}},
	}
	// swish-beta at its initial β = 1 is swish.
	specials["swish-beta"] = specials["swish"]
	for name, sp := range specials {
		e := expected{specials: sp}
		for _, r := range referenceValues[strings.TrimSuffix(name, "-beta")] {
			if math.Abs(r[0]) <= 20 {
				e.values = append(e.values, [2]float64{r[0], r[1]})
			}
		}
		k[name] = e
	}
	return k
}

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

// TestConformance checks every registered activation: forward values,
// special cases, and the slope against finite differences. (The Gorgonia op
// of each is checked in package graph.)
func TestConformance(t *testing.T) {
	for _, act := range ops.Activations() {
		t.Run(act.Name(), func(t *testing.T) {
			k, ok := known[act.Name()]
			if !ok {
				t.Fatalf("no expected values for %q: add its values, specials and kinks to known in conformance_test.go", act.Name())
			}
			if got, err := ops.Lookup(act.Name()); err != nil || got != act {
				t.Errorf("Lookup(%q) = %v, %v; want the registered activation", act.Name(), got, err)
			}
			t.Run("values", func(t *testing.T) { testValues(t, act, k.values, k.rows) })
			t.Run("specials", func(t *testing.T) { testSpecials(t, act, k.specials) })
			t.Run("slope", func(t *testing.T) { testSlope(t, act, k.kinkAtZero) })
		})
	}
}

// same reports whether got matches want: both NaN, equal, or within rel
// relative error.
func same(got, want, rel float64) bool {
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		return math.IsNaN(want) && math.IsNaN(got)
	case got == want:
		return true
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return false
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// valueTol allows a few ulps: the implementations round a few times.
const valueTol = 1e-15

func testValues(t *testing.T, act ops.Activation, values [][2]float64, rows [][2][]float64) {
	if len(values) == 0 && len(rows) == 0 {
		t.Fatal("no expected values")
	}
	for _, v := range values {
		y := make([]float64, 1)
		act.Forward64(y, []float64{v[0]}, 1)
		if !same(y[0], v[1], valueTol) {
			t.Errorf("%s(%g) = %v, want %v", act.Name(), v[0], y[0], v[1])
		}
	}
	for _, r := range rows {
		x, want := r[0], r[1]
		y := make([]float64, len(x))
		act.Forward64(y, x, len(x))
		for j := range y {
			if !same(y[j], want[j], valueTol) {
				t.Errorf("%s(%v) = %v, want %v", act.Name(), x, y, want)
				break
			}
		}
		// Two rows at once give each row's result.
		x2 := append(append([]float64(nil), x...), x...)
		y2 := make([]float64, len(x2))
		act.Forward64(y2, x2, len(x))
		for j := range y2 {
			if !same(y2[j], y[j%len(x)], 0) {
				t.Errorf("%s of two rows %v = %v, want each row %v", act.Name(), x, y2, y)
				break
			}
		}
		// The backward of any finite output gradient is finite when the
		// output is (no NaN from 0·Inf or Inf − Inf).
		if allFinite(y) {
			dy := make([]float64, len(x))
			for j := range dy {
				dy[j] = 0.5 - 0.25*float64(j)
			}
			dx := make([]float64, len(x))
			act.Backward64(dx, dy, x, y, len(x))
			if !allFinite(dx) {
				t.Errorf("%s backward at %v (y %v, dy %v) = %v, want finite", act.Name(), x, y, dy, dx)
			}
		}
	}
}

func allFinite(xs []float64) bool {
	for _, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func testSpecials(t *testing.T, act ops.Activation, specials [][3]float64) {
	if len(specials) == 0 {
		t.Skip("row-wise: special rows are in the values table")
	}
	for _, s := range specials {
		x, wantY, wantSlope := s[0], s[1], s[2]
		y, dx := make([]float64, 1), make([]float64, 1)
		act.Forward64(y, []float64{x}, 1)
		act.Backward64(dx, []float64{1}, []float64{x}, y, 1)
		if !same(y[0], wantY, valueTol) {
			t.Errorf("%s(%g) = %v, want %v", act.Name(), x, y[0], wantY)
		}
		if !same(dx[0], wantSlope, valueTol) {
			t.Errorf("%s'(%g) from y=%v = %v, want %v", act.Name(), x, y[0], dx[0], wantSlope)
		}
		// float32 gives the float64 results, rounded.
		y32, dx32 := make([]float32, 1), make([]float32, 1)
		act.Forward32(y32, []float32{float32(x)}, 1)
		act.Backward32(dx32, []float32{1}, []float32{float32(x)}, y32, 1)
		want32 := float64(float32(wantY))
		if x == 1e300 || x == -1e300 {
			// ±1e300 is ±Inf in float32.
			act.Forward64(y, []float64{float64(float32(x))}, 1)
			want32 = float64(float32(y[0]))
		}
		if !same(float64(y32[0]), want32, 1e-7) {
			t.Errorf("%s(float32(%g)) = %v, want %v", act.Name(), x, y32[0], want32)
		}
		if want := float64(float32(wantSlope)); !same(float64(dx32[0]), want, 1e-7) {
			t.Errorf("%s'(float32(%g)) from y=%v = %v, want %v", act.Name(), x, y32[0], dx32[0], want)
		}
	}
}

func testSlope(t *testing.T, act ops.Activation, kinkAtZero bool) {
	rep, err := check.Slope(act, check.SlopeOptions{At: []float64{0, 1e-9, -1e-9, 20, -20, 40, -40}})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if !rep.OK() || rep.Worst.Err > 1e-6 || rep.Worst32.Err > 1e-5 {
		t.Errorf("report says OK but: %v", rep)
	}
	if rep.Elementwise != (act.Name() != "softmax") {
		t.Errorf("Elementwise = %v for %s", rep.Elementwise, act.Name())
	}
	var kinks []float64
	for _, k := range rep.Kinks {
		kinks = append(kinks, k.X)
	}
	switch {
	case kinkAtZero && (len(kinks) != 1 || kinks[0] != 0):
		t.Errorf("kinks at %v, want one at 0", kinks)
	case !kinkAtZero && len(kinks) != 0:
		t.Errorf("kinks at %v, want none", kinks)
	}
	if kinkAtZero && len(rep.Kinks) == 1 {
		msg := rep.String()
		if want := "not differentiable at x=0 "; !strings.Contains(msg, want) {
			t.Errorf("report %q does not contain %q", msg, want)
		}
		want := "the output y=0 does not determine the slope"
		if act.DerivedFrom() == ops.FromInput {
			want = "the slope is taken from the input"
		}
		if !strings.Contains(msg, want) {
			t.Errorf("report %q does not contain %q", msg, want)
		}
	}
}

// TestSlopeRandomRows runs check.Slope with other seeds and wider ranges.
func TestSlopeRandomRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, act := range ops.Activations() {
		for range 3 {
			opts := check.SlopeOptions{Lo: -30, Hi: 30, Points: 301, Rows: 200, Seed: rng.Uint64()}
			if _, err := check.Slope(act, opts); err != nil {
				t.Errorf("seed %d: %v", opts.Seed, err)
			}
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := ops.Lookup("nosuchact")
	if err == nil {
		t.Fatal("Lookup(swish) succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "ops: ") || !strings.Contains(msg, `"nosuchact"`) {
		t.Errorf("error %q: want the ops: prefix and the name asked for", msg)
	}
	for _, name := range ops.Names() {
		if !strings.Contains(msg, name) {
			t.Errorf("error %q does not list %q", msg, name)
		}
	}
	seen := map[string]bool{}
	for _, name := range ops.Names() {
		if seen[name] || name != strings.ToLower(name) || name == "" {
			t.Errorf("registry name %q is a duplicate, empty or not lowercase", name)
		}
		seen[name] = true
	}
}
