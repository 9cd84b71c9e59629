package mnist

import (
	"math"
	"strings"
	"testing"

	"outgrad/ops"
)

// The tests in this file hold the rules that turn numbers into the verdicts
// "agree", "every independent check passed" and "supported": each at its
// bound from both sides, each default pinned, and each check failing for the
// reason it exists.

// above is the next float64 after x towards +Inf: just outside a tolerance x.
func above(x float64) float64 { return math.Nextafter(x, math.Inf(1)) }

// TestDocumentedTolerances pins the tolerances the README documents.
func TestDocumentedTolerances(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"DefaultTolerance[float64]", DefaultTolerance[float64](), 1e-10},
		{"DefaultTolerance[float32]", DefaultTolerance[float32](), 1e-4},
		{"FDTol64", FDTol64, 1e-6},
		{"FDTol32", FDTol32, 1e-4},
		{"BuiltinTol64", BuiltinTol64, 1e-9},
		{"BuiltinTol32", BuiltinTol32, 1e-4},
		{"ClaimLevel", ClaimLevel, 0.05},
	} {
		if c.got != c.want {
			t.Errorf("%s = %g, documented as %g", c.name, c.got, c.want)
		}
	}
}

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

// fakeNet is a network whose loss is linear in its weights, Σ_i c_i·w_i, and
// whose gradient is whatever the test sets: the finite-difference and
// built-in checks are then judged on known numbers.
type fakeNet struct {
	name string
	w, c [][]float64
	g    [][]float64
}

func (n *fakeNet) Name() string                                 { return n.name }
func (n *fakeNet) Gradient(x, t []float64, m [][]float64) error { return nil }
func (n *fakeNet) Step(x, t []float64, m [][]float64) error     { return nil }
func (n *fakeNet) Output() []float64                            { return nil }
func (n *fakeNet) Grads() [][]float64                           { return n.g }
func (n *fakeNet) Weights() [][]float64                         { return n.w }
func (n *fakeNet) Logits(x []float64, k int) ([]float64, error) { return nil, nil }
func (n *fakeNet) Loss(x, t []float64, m [][]float64) (float64, error) {
	var s float64
	for i, w := range n.w {
		for j, v := range w {
			s += n.c[i][j] * v
		}
	}
	return s, nil
}

// linear returns a fakeNet with two 2×2 matrices, loss coefficients c and
// gradient c·(1+r): a gradient off by the relative factor r.
func linear(name string, r float64) *fakeNet {
	c := [][]float64{{0.5, -1.5, 2, 0.25}, {-0.75, 1, 3, -2}}
	n := &fakeNet{name: name, c: c, w: [][]float64{{0.1, 0.2, -0.3, 0.4}, {1, -1, 0.5, 0.25}}}
	for _, row := range c {
		g := make([]float64, len(row))
		for j, v := range row {
			g[j] = v * (1 + r)
		}
		n.g = append(n.g, g)
	}
	return n
}

// testChecker is a float64 checker of the book's configuration with no
// built-in network and the given finite-difference checks.
func testChecker(fd map[string]*FDCheck) *checker[float64] {
	return &checker[float64]{c: DefaultConfig(), fd: fd, ranges: newRangeTracker(2), rng: newPCG(1), closeB: func() {}, chk: Checks{Builtin: BuiltinCheck{Tol: BuiltinTol64}}}
}

// TestFDCheckAtTheTolerance: a gradient off by r has a directional error of
// r/(1+r) along the aligned direction; the network check passes it just
// inside FDTol64 and fails it just outside. (The check keeps the smallest
// error over its steps, and rounding at the smallest step moves it by up to
// about 1% here: the margins are 3%.)
func TestFDCheckAtTheTolerance(t *testing.T) {
	for _, c := range []struct {
		rel  float64 // r/(1+r)
		pass bool
	}{
		{0.97 * FDTol64, true},
		{1.03 * FDTol64, false},
		{0, true},
	} {
		r := c.rel / (1 - c.rel)
		n := linear(ImplGraph, r)
		f := &FDCheck{Impl: ImplGraph, Tol: FDTol64}
		k := testChecker(map[string]*FDCheck{ImplGraph: f})
		if err := k.fdCheck(f, n, Batch[float64]{}, n.g, nil, nil); err != nil {
			t.Fatal(err)
		}
		if !f.Ran || f.OK != c.pass || f.Directions != 4 || math.Abs(f.WorstRelErr-c.rel) > 0.02*FDTol64 {
			t.Errorf("directional error %g: ran %v, ok %v, %d directions, worst %g; want ok %v over 4 directions, worst %g",
				c.rel, f.Ran, f.OK, f.Directions, f.WorstRelErr, c.pass, c.rel)
		}
		if got := k.finish(); got.OK != c.pass || (len(got.Failures) == 1) == c.pass {
			t.Errorf("directional error %g: verdict %v, failures %q; want %v", c.rel, got.OK, got.Failures, c.pass)
		}
	}
}

// TestBuiltinCheckAtTheTolerance: the built-in reference judges ‖Δ‖∞/‖g‖∞
// against BuiltinTol64, relatively, from both sides of the bound.
func TestBuiltinCheckAtTheTolerance(t *testing.T) {
	for _, c := range []struct {
		name  string
		scale float64 // of the reference gradient
		rel   float64 // of the compared one
		pass  bool
	}{
		{"inside", 1, 0.99 * BuiltinTol64, true},
		{"outside", 1, 1.01 * BuiltinTol64, false},
		// Large gradients: absolute difference 1e-7, relative 1e-10.
		{"large, relatively close", 1e3, 1e-10, true},
		// Small gradients: absolute difference 1e-12, relative 1e-8.
		{"small, relatively far", 1e-4, 1e-8, false},
	} {
		ref := linear(ImplBuiltin, 0)
		for _, g := range ref.g {
			for j := range g {
				g[j] *= c.scale
			}
		}
		got := linear(ImplGraph, 0)
		for i, g := range got.g {
			copy(g, ref.g[i])
		}
		// The largest entry of the reference is 3 (matrix 1, entry 2).
		got.g[1][2] = ref.g[1][2] * (1 + c.rel)
		k := testChecker(map[string]*FDCheck{})
		k.builtin = ref
		if err := k.builtinCheck(Batch[float64]{Iteration: 7}, []Net[float64]{got}, map[string][][]float64{ImplGraph: got.g}); err != nil {
			t.Fatal(err)
		}
		bc := k.chk.Builtin
		if !bc.Ran || bc.OK != c.pass || bc.Checks != 1 || bc.Impl != ImplGraph || bc.At.Iteration != 7 || bc.At.Matrix != "w12" {
			t.Errorf("%s: %+v; want ran, ok %v, one check, worst in graph's w12 at iteration 7", c.name, bc, c.pass)
		}
		if v := k.finish(); v.OK != c.pass || c.pass == (len(v.Failures) == 1 && strings.Contains(v.Failures[0], "gorgonia built-in ops: FAILED")) {
			t.Errorf("%s: verdict %v, failures %q; want %v", c.name, v.OK, v.Failures, c.pass)
		}
		// The weights compared are the net's own.
		if ref.w[1][3] != got.w[1][3] {
			t.Errorf("%s: the built-in network was not set to the compared net's weights", c.name)
		}
	}
}

// TestChecksVerdict: "every independent check passed" is the conjunction of
// the slope checks, the network checks that were not skipped (a check that
// did not run fails), and the built-in check when it ran.
func TestChecksVerdict(t *testing.T) {
	okFD := func() *FDCheck { return &FDCheck{Impl: ImplGraph, Ran: true, OK: true} }
	for _, c := range []struct {
		name    string
		slopes  []SlopeCheck
		fd      *FDCheck
		builtin BuiltinCheck
		want    bool
	}{
		{"all pass", []SlopeCheck{{OK: true}}, okFD(), BuiltinCheck{Ran: true, OK: true}, true},
		{"a slope fails", []SlopeCheck{{OK: true}, {OK: false, Activation: "x"}}, okFD(), BuiltinCheck{}, false},
		{"the network check fails", nil, &FDCheck{Impl: ImplGraph, Ran: true}, BuiltinCheck{}, false},
		{"the network check did not run", nil, &FDCheck{Impl: ImplGraph}, BuiltinCheck{}, false},
		{"a skipped network check neither passes nor fails", nil, &FDCheck{Impl: ImplHandRolled, Skipped: "book"}, BuiltinCheck{}, true},
		{"the built-in check fails", nil, okFD(), BuiltinCheck{Ran: true}, false},
		{"a built-in check that did not run", nil, okFD(), BuiltinCheck{Reason: "gelu"}, true},
	} {
		k := testChecker(map[string]*FDCheck{c.fd.Impl: c.fd})
		k.chk.Slopes, k.chk.Builtin = c.slopes, c.builtin
		v := k.finish()
		if v.OK != c.want || (len(v.Failures) == 0) != c.want {
			t.Errorf("%s: verdict %v, failures %q; want %v", c.name, v.OK, v.Failures, c.want)
		}
	}
}

// TestBuiltinReferenceCatchesADifferentSlope: an activation that calls
// itself tanh, with tanh's forward and a slope off by a relative 1e-7, passes
// the slope and the network finite-difference checks (their tolerance is
// 1e-6) but not the built-in reference, whose gradient comes from Gorgonia's
// own derivative of tanh: the run's verdict is a failure, naming that check.
func TestBuiltinReferenceCatchesADifferentSlope(t *testing.T) {
	tr, te := loadSets(t, 300)
	train, err := NewData[float64](tr, 300)
	if err != nil {
		t.Fatal(err)
	}
	test, err := NewData[float64](te, 500)
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
	c := DefaultConfig()
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

// TestClaimAtTheLevel: a claim is supported just below p = ClaimLevel and not
// just above it. The two cells differ by a mean difference d found by
// bisection so that p = 0.05 exactly, then moved by 2% either way.
func TestClaimAtTheLevel(t *testing.T) {
	report := func(d float64) *SweepReport {
		var runs []SweepRun
		for i, v := range []float64{0.80, 0.81, 0.83} {
			runs = append(runs, SweepRun{HiddenAct: "tanh", Output: "softmax", Seed: uint32(i), FinalTestAcc: v + d})
			runs = append(runs, SweepRun{HiddenAct: "tanh", Output: "sigmoid", Seed: uint32(i), FinalTestAcc: v})
		}
		r := &SweepReport{Runs: runs}
		r.Cells = cells(r.Runs)
		return r
	}
	p := func(d float64) float64 {
		a, _ := report(d).Cell("tanh", "softmax")
		b, _ := report(d).Cell("tanh", "sigmoid")
		_, _, p := welch(a, b)
		return p
	}
	lo, hi := 0.0, 0.1
	for range 100 {
		if mid := (lo + hi) / 2; p(mid) > ClaimLevel {
			lo = mid
		} else {
			hi = mid
		}
	}
	for _, c := range []struct {
		d    float64
		want string
	}{{lo * 1.02, Supported}, {lo * 0.98, NotShown}} {
		cl := report(c.d).Claims()[1]
		if cl.Verdict != c.want || (cl.P < ClaimLevel) != (c.want == Supported) {
			t.Errorf("mean difference %g: %v (p %g); want %s", c.d, cl, cl.P, c.want)
		}
	}
}
