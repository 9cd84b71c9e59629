package reference

import (
	"math"
	"strings"
	"testing"

	"outgrad/ops"
)

// selu is SELU with its slope read off the output; seluPrime is f′(x).
const seluLambda, seluAlpha = 1.0507009873554805, 1.6732632423543772

func selu(slopeFactor float64) ops.Activation {
	return ops.NewPointwise("selu",
		func(x float64) float64 {
			if x > 0 {
				return seluLambda * x
			}
			return seluLambda * seluAlpha * math.Expm1(x)
		},
		func(y float64) float64 {
			if y > 0 {
				return seluLambda * slopeFactor
			}
			return (y + seluLambda*seluAlpha) * slopeFactor
		})
}

func seluPrime(x float64) float64 {
	if x > 0 {
		return seluLambda
	}
	return seluLambda * seluAlpha * math.Exp(x)
}

// TestSlopeCheckSaysTheSlope checks that a slope check reports f′ given and
// its finite difference at the worst point, whether that point was a
// single point or an entry of a random row (whose vector-Jacobian product
// is dy·f′), names SELU's kink at 0 with its two slopes, and gives a
// row-wise activation's entry as a vector-Jacobian product with its row.
func TestSlopeCheckSaysTheSlope(t *testing.T) {
	for _, factor := range []float64{1, 1.0001} {
		sc := slopeCheck(selu(factor), "hidden 1", "grid", 0, 0, false)
		if want := seluPrime(sc.WorstX); math.Abs(sc.FiniteDiff-want) > 1e-6*want || math.Abs(sc.Given-factor*want) > 1e-9*want {
			t.Errorf("factor %v: at x=%v slope given %v, finite difference %v; f′ = %v", factor, sc.WorstX, sc.Given, sc.FiniteDiff, want)
		}
		if sc.VJP != nil || sc.OK != (factor == 1) {
			t.Errorf("factor %v: vjp %v, ok %v", factor, sc.VJP, sc.OK)
		}
		if len(sc.Kinks) != 1 || sc.Kinks[0].X != 0 ||
			math.Abs(sc.Kinks[0].Left-seluLambda*seluAlpha) > 1e-6 || math.Abs(sc.Kinks[0].Right-seluLambda) > 1e-6 {
			t.Fatalf("factor %v: kinks %+v, want one at 0 with slopes %v and %v", factor, sc.Kinks, seluLambda*seluAlpha, seluLambda)
		}
		if s := sc.String(); !strings.Contains(s, "kink at x=0 (y=0): slope 1.7581 from the left, 1.0507 from the right") {
			t.Errorf("factor %v: %s", factor, s)
		}
	}
	sm := slopeCheck(ops.Softmax, "output", "grid", 0, 0, false)
	if sm.VJP == nil || len(sm.VJP.Row) == 0 || len(sm.VJP.DY) != len(sm.VJP.Row) || sm.VJP.Row[sm.VJP.Col] != sm.WorstX {
		t.Fatalf("softmax: vjp %+v at x=%v", sm.VJP, sm.WorstX)
	}
	if !strings.Contains(sm.String(), "entry ") || !strings.Contains(sm.String(), "vector-Jacobian product") {
		t.Errorf("softmax: %s", sm)
	}
}
