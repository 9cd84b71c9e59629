package compare

import (
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// TestAgreementRuleAtTheBound: the implementations agree when the normwise
// RELATIVE difference is at most the tolerance, whatever the absolute one.
func TestAgreementRuleAtTheBound(t *testing.T) {
	const tol = 1e-10
	for _, c := range []struct {
		name     string
		rel, abs float64
		book     bool
		want     bool
		summary  string
	}{
		{"bit-identical", 0, 0, false, true, "bit-identical"},
		{"at the tolerance", tol, 1e-20, false, true, "agree: worst relative difference"},
		{"just outside", above(tol), 1e-20, false, false, "disagree: relative difference"},
		// Small gradients: an absolute rule would pass this.
		{"relative large, absolute tiny", 1e-3, 1e-15, false, false, "disagree"},
		// Large gradients: an absolute rule would fail this.
		{"relative tiny, absolute large", 1e-12, 1, false, true, "agree"},
		{"NaN", math.NaN(), math.NaN(), false, false, "disagree"},
		{"book mode expects a difference", 0.5, 0.1, true, true, "expected finding"},
	} {
		ag := &Agreement{Tolerance: tol, GradMaxRelDiff: c.rel, GradMaxAbsDiff: c.abs}
		finishAgreement(ag, c.book, false)
		if ag.OK != c.want || !strings.Contains(ag.Summary, c.summary) {
			t.Errorf("%s: OK %v, summary %q; want OK %v and %q", c.name, ag.OK, ag.Summary, c.want, c.summary)
		}
	}
}

// TestBuiltinReferenceCatchesADifferentSlope: an activation that calls
// itself tanh, with tanh's forward and a slope off by a relative 1e-7, passes
// the slope and the network finite-difference checks (their tolerance is
// 1e-6) but not the built-in reference, whose gradient comes from Gorgonia's
// own derivative of tanh: the run's verdict is a failure, naming that check.
func TestBuiltinReferenceCatchesADifferentSlope(t *testing.T) {
	tr, te := mnisttest.LoadSets(t, 300)
	train, err := mnist.NewData[float64](tr, 300)
	if err != nil {
		t.Fatal(err)
	}
	test, err := mnist.NewData[float64](te, 500)
	if err != nil {
		t.Fatal(err)
	}
	off := ops.NewPointwise("tanh", math.Tanh, func(y float64) float64 { return (1 - y*y) * (1 + 1e-7) })
	c := checkConfig(off)
	c.Iterations = 1
	rep, err := Compare(c, train, test, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Checks.Builtin
	if !b.Available || !b.Ran || b.OK || b.WorstRelDiff < 1e-8 {
		t.Fatalf("built-in check %+v: want it to run and fail with a difference near 1e-7", b)
	}
	if rep.OK || rep.Checks.OK || len(rep.Checks.Failures) != 1 || !strings.HasPrefix(rep.Checks.Failures[0], "gorgonia built-in ops: FAILED") {
		t.Errorf("verdict %v, failures %q; want only the built-in check failing", rep.OK, rep.Checks.Failures)
	}
	if rep.Agreement == nil || !rep.Agreement.OK || rep.Agreement.Tolerance != 1e-10 {
		t.Errorf("agreement %+v: graph and hand-rolled share the slope and must agree, at the default 1e-10", rep.Agreement)
	}
	t.Log(rep.Checks.Failures[0])
}

// TestInputDerivedOutputRefused: an output must read its slope off y, so a
// Config whose output activation is input-derived is refused.
func TestInputDerivedOutputRefused(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Output = ops.Output{Name: "mish", Act: ops.Mish}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "input-derived") || !strings.Contains(err.Error(), "mish") {
		t.Errorf("an input-derived output: error %v, want one naming it as input-derived", err)
	}
	c.Output = ops.SigmoidSquared
	if err := c.Validate(); err != nil {
		t.Errorf("an output-derived output refused: %v", err)
	}
}

// above is the next float64 after x towards +Inf: just outside a tolerance x.
func above(x float64) float64 { return math.Nextafter(x, math.Inf(1)) }
