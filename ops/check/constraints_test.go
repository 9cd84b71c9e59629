package check_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"outgrad/ops"
	"outgrad/ops/check"
)

func TestConstraintsOfRegistered(t *testing.T) {
	for _, act := range ops.Activations() {
		t.Run(act.Name(), func(t *testing.T) {
			r, err := check.Constraints(act)
			if act == ops.Softmax {
				if err == nil {
					t.Fatal("softmax is row-wise: want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Output-derived activations must be monotonic with a slope the
			// output determines; input-derived ones (swish, GELU, Mish) turn,
			// which is why they read x, and the report must say so.
			// A Learnable is checked at its initial parameters, where its
			// shape need not be why it reads x (PReLU: monotonic while α >
			// 0, and training may carry α through 0): only finiteness.
			if ops.LearnableOf(act) != nil {
				if len(r.NonFinite) != 0 {
					t.Errorf("want finite:\n%v", r)
				}
			} else if act.DerivedFrom() == ops.FromInput {
				if len(r.NonFinite) != 0 || r.Monotonic || r.Ambiguous == nil || !strings.Contains(r.String(), "reads the input") {
					t.Errorf("want finite, not monotonic, the ambiguity shown as the reason it reads x:\n%v", r)
				}
			} else if len(r.NonFinite) != 0 || !r.Monotonic || r.Ambiguous != nil {
				t.Errorf("want finite, monotonic, slope well-defined:\n%v", r)
			}
			if r.Linear != (act == ops.Identity) {
				t.Errorf("Linear = %v:\n%v", r.Linear, r)
			}
			if !(r.NsPerElement > 0) || !(r.TanhNsPerElement > 0) {
				t.Errorf("cost not measured: %v", r)
			}
		})
	}
}

func TestConstraintsFindAmbiguousSlope(t *testing.T) {
	// f(x) = x·sigmoid(x) (swish) falls, then rises: f(x1) = f(x2) with slopes
	// of opposite sign, so no function of y can give the slope.
	swish := ops.NewPointwise("swish",
		func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(y float64) float64 { return 1 }) // no correct slope-of-output exists
	r, err := check.Constraints(swish)
	if err != nil {
		t.Fatal(err)
	}
	if r.Monotonic || r.Ambiguous == nil {
		t.Fatalf("swish: want non-monotonic with an ambiguous slope:\n%v", r)
	}
	a := r.Ambiguous
	f := func(x float64) float64 { return x / (1 + math.Exp(-x)) }
	if math.Abs(f(a.X1)-f(a.X2)) > 1e-12 || math.Abs(a.X1-a.X2) < 1e-3 || a.Slope1*a.Slope2 >= 0 {
		t.Errorf("the pair does not show the ambiguity: %+v (f = %v, %v)", a, f(a.X1), f(a.X2))
	}
	if s := r.String(); !strings.Contains(s, "ILL-DEFINED") || !strings.Contains(s, "monotonic: NO") {
		t.Errorf("report does not say so:\n%s", s)
	}
}

func TestConstraintsFindNonFinite(t *testing.T) {
	// e^x/e^x is 1 until both overflow, then NaN.
	bad := ops.NewPointwise("expratio",
		func(x float64) float64 { return math.Exp(x) / math.Exp(x) },
		func(float64) float64 { return 0 })
	r, err := check.Constraints(bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.NonFinite) == 0 || r.OK() {
		t.Fatalf("want non-finite inputs reported:\n%v", r)
	}
	if !strings.Contains(r.String(), "defined everywhere: NO") {
		t.Errorf("report:\n%v", r)
	}
}

func ExampleConstraints() {
	swish := ops.NewPointwise("swish",
		func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(y float64) float64 { return 1 })
	r, err := check.Constraints(swish)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("monotonic:", r.Monotonic)
	a := r.Ambiguous
	fmt.Printf("x = %.4f and x = %.4f both give y = %.4f, slopes %.4f and %.4f\n", a.X1, a.X2, a.Y, a.Slope1, a.Slope2)
	// Output:
	// monotonic: false
	// x = -1.3800 and x = -1.1814 both give y = -0.2774, slopes -0.0206 and 0.0225
}

// TestConstraintsInputDerived: for an input-derived activation a turn and two
// inputs with one output and different slopes are information (why it needs
// x), not a failure.
func TestConstraintsInputDerived(t *testing.T) {
	swish := ops.NewPointwiseInput("swish",
		func(x float64) float64 { return x / (1 + math.Exp(-x)) },
		func(x float64) float64 { s := 1 / (1 + math.Exp(-x)); return s + x*s*(1-s) })
	r, err := check.Constraints(swish)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != ops.FromInput || r.Monotonic || r.Ambiguous == nil || !r.OK() {
		t.Errorf("want a turn and a pair shown, and OK:\n%v", r)
	}
	s := r.String()
	for _, want := range []string{"monotonic: no: changes direction near x = ", "(its slope is taken from the input)", "slope from output: not determined: x = ", "this is why its backward reads the input x"} {
		if !strings.Contains(s, want) {
			t.Errorf("report does not say %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "NO") || strings.Contains(s, "ILL-DEFINED") {
		t.Errorf("report calls the turn a fault:\n%s", s)
	}
}
