package reference

import (
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
)

// linear returns a LinearNet with two 2×2 matrices, loss coefficients c and
// gradient c·(1+r): a gradient off by the relative factor r.
func linear(name string, r float64) *mnisttest.LinearNet {
	c := [][]float64{{0.5, -1.5, 2, 0.25}, {-0.75, 1, 3, -2}}
	n := &mnisttest.LinearNet{Impl: name, C: c, W: [][]float64{{0.1, 0.2, -0.3, 0.4}, {1, -1, 0.5, 0.25}}}
	for _, row := range c {
		g := make([]float64, len(row))
		for j, v := range row {
			g[j] = v * (1 + r)
		}
		n.G = append(n.G, g)
	}
	return n
}

// testChecker is a float64 checker of the book's configuration with no
// built-in network and the given finite-difference checks.
func testChecker(fd map[string]*FDCheck) *Checker[float64] {
	return &Checker[float64]{c: mnist.DefaultConfig(), fd: fd, ranges: newRangeTracker(2), rng: newPCG(1), closeB: func() {}, chk: Checks{Builtin: BuiltinCheck{Tol: BuiltinTol64}}}
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
		n := linear(mnist.ImplGraph, r)
		f := &FDCheck{Impl: mnist.ImplGraph, Tol: FDTol64}
		k := testChecker(map[string]*FDCheck{mnist.ImplGraph: f})
		if err := k.fdCheck(f, n, mnist.Batch[float64]{}, n.G, nil, nil); err != nil {
			t.Fatal(err)
		}
		if !f.Ran || f.OK != c.pass || f.Directions != 4 || math.Abs(f.WorstRelErr-c.rel) > 0.02*FDTol64 {
			t.Errorf("directional error %g: ran %v, ok %v, %d directions, worst %g; want ok %v over 4 directions, worst %g",
				c.rel, f.Ran, f.OK, f.Directions, f.WorstRelErr, c.pass, c.rel)
		}
		if got := k.Finish(); got.OK != c.pass || (len(got.Failures) == 1) == c.pass {
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
		ref := linear(mnist.ImplBuiltin, 0)
		for _, g := range ref.G {
			for j := range g {
				g[j] *= c.scale
			}
		}
		got := linear(mnist.ImplGraph, 0)
		for i, g := range got.G {
			copy(g, ref.G[i])
		}
		// The largest entry of the reference is 3 (matrix 1, entry 2).
		got.G[1][2] = ref.G[1][2] * (1 + c.rel)
		k := testChecker(map[string]*FDCheck{})
		k.builtin = ref
		if err := k.builtinCheck(mnist.Batch[float64]{Iteration: 7}, []mnist.Net[float64]{got}, map[string][][]float64{mnist.ImplGraph: got.G}); err != nil {
			t.Fatal(err)
		}
		bc := k.chk.Builtin
		if !bc.Ran || bc.OK != c.pass || bc.Checks != 1 || bc.Impl != mnist.ImplGraph || bc.At.Iteration != 7 || bc.At.Matrix != "w12" {
			t.Errorf("%s: %+v; want ran, ok %v, one check, worst in graph's w12 at iteration 7", c.name, bc, c.pass)
		}
		if v := k.Finish(); v.OK != c.pass || c.pass == (len(v.Failures) == 1 && strings.Contains(v.Failures[0], "gorgonia built-in ops: FAILED")) {
			t.Errorf("%s: verdict %v, failures %q; want %v", c.name, v.OK, v.Failures, c.pass)
		}
		// The weights compared are the net's own.
		if ref.W[1][3] != got.W[1][3] {
			t.Errorf("%s: the built-in network was not set to the compared net's weights", c.name)
		}
	}
}

// TestChecksVerdict: "every independent check passed" is the conjunction of
// the slope checks, the network checks that were not skipped (a check that
// did not run fails), and the built-in check when it ran.
func TestChecksVerdict(t *testing.T) {
	okFD := func() *FDCheck { return &FDCheck{Impl: mnist.ImplGraph, Ran: true, OK: true} }
	for _, c := range []struct {
		name    string
		slopes  []SlopeCheck
		fd      *FDCheck
		builtin BuiltinCheck
		want    bool
	}{
		{"all pass", []SlopeCheck{{OK: true}}, okFD(), BuiltinCheck{Ran: true, OK: true}, true},
		{"a slope fails", []SlopeCheck{{OK: true}, {OK: false, Activation: "x"}}, okFD(), BuiltinCheck{}, false},
		{"the network check fails", nil, &FDCheck{Impl: mnist.ImplGraph, Ran: true}, BuiltinCheck{}, false},
		{"the network check did not run", nil, &FDCheck{Impl: mnist.ImplGraph}, BuiltinCheck{}, false},
		{"a skipped network check neither passes nor fails", nil, &FDCheck{Impl: mnist.ImplHandRolled, Skipped: "book"}, BuiltinCheck{}, true},
		{"the built-in check fails", nil, okFD(), BuiltinCheck{Ran: true}, false},
		{"a built-in check that did not run", nil, okFD(), BuiltinCheck{Reason: "gelu"}, true},
	} {
		k := testChecker(map[string]*FDCheck{c.fd.Impl: c.fd})
		k.chk.Slopes, k.chk.Builtin = c.slopes, c.builtin
		v := k.Finish()
		if v.OK != c.want || (len(v.Failures) == 0) != c.want {
			t.Errorf("%s: verdict %v, failures %q; want %v", c.name, v.OK, v.Failures, c.want)
		}
	}
}
