package reference

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/ops"
)

// The tests in this file hold the parts of the reference checks that the
// verdict tests leave loose: the interval a slope check reports, the kinks it
// lists, the lines it writes, the directions and steps of the network check,
// the pre-activation ranges, and the bookkeeping of Finish. (The mutants no
// test can tell apart from the code are listed with their reasons in
// testdata/equivalent-mutants.txt.)

// TestSlopeCheckInterval: a slope check reports the interval it checked:
// the default [−6, 6] for the grid, the given one, or ±1e-3 around a single
// value; an interval that is none is reported as the error and fails.
func TestSlopeCheckInterval(t *testing.T) {
	for _, c := range []struct {
		lo, hi, wantLo, wantHi float64
	}{
		{0, 0, -6, 6},
		{-1, 2, -1, 2},
		{0.5, 0.5, 0.5 - 1e-3, 0.5 + 1e-3},
		{-2, -2, -2 - 1e-3, -2 + 1e-3},
		{0, 3, 0, 3},
		{-3, 0, -3, 0},
	} {
		sc := slopeCheck(ops.Tanh, "hidden 1", "run", c.lo, c.hi, false)
		if !sc.OK || sc.Lo != c.wantLo || sc.Hi != c.wantHi {
			t.Errorf("[%g, %g]: ok %v, reported [%g, %g], want ok on [%g, %g]: %s", c.lo, c.hi, sc.OK, sc.Lo, sc.Hi, c.wantLo, c.wantHi, sc.Report)
		}
		if !(sc.WorstX >= c.wantLo && sc.WorstX <= c.wantHi) {
			t.Errorf("[%g, %g]: worst point %g outside the interval", c.lo, c.hi, sc.WorstX)
		}
	}
	sc := slopeCheck(ops.Tanh, "hidden 1", "run", 2, 1, false)
	if sc.OK || !strings.Contains(sc.Report, "not a finite interval") {
		t.Errorf("[2, 1]: ok %v, report %q; want a failure naming the interval", sc.OK, sc.Report)
	}
	// A failed check is still described: its worst point and the report.
	sc = slopeCheck(selu(1.01), "hidden 1", "grid", 0, 0, false)
	if sc.OK || !(sc.WorstErr > sc.Tol) || !strings.Contains(sc.Report, "slope selu: FAILED") {
		t.Errorf("selu off by 1%%: ok %v, worst %g (tol %g), report %q; want a failure with its worst point", sc.OK, sc.WorstErr, sc.Tol, sc.Report)
	}
}

// TestSlopeCheckListsAtMostMaxKinks: |x − round(x)| has kinks at the
// integers and half-integers; the default grid ([−6, 6] in steps of 0.006)
// holds nine of them, the multiples of 1.5; the check lists the first
// maxKinks, distinct.
func TestSlopeCheckListsAtMostMaxKinks(t *testing.T) {
	saw := ops.NewPointwiseInput("saw", func(x float64) float64 { return math.Abs(x - math.Round(x)) }, func(x float64) float64 {
		if x < math.Round(x) {
			return -1
		}
		return 1
	})
	sc := slopeCheck(saw, "hidden 1", "grid", 0, 0, false)
	if len(sc.Kinks) != maxKinks {
		t.Fatalf("%d kinks listed, want %d: %+v", len(sc.Kinks), maxKinks, sc.Kinks)
	}
	for i, k := range sc.Kinks {
		if k.X != -6+1.5*float64(i) {
			t.Errorf("kinks %+v: want -6, -4.5, -3, -1.5", sc.Kinks)
		}
	}
}

// TestSlopeCheckLines: the float32 part of a line appears when float32 was
// judged and failed (not at exactly its tolerance); a skipped network check
// says so and why.
func TestSlopeCheckLines(t *testing.T) {
	for _, c := range []struct {
		judged string
		err32  float64
		want   bool
	}{
		{"float64 and float32", 2e-5, true},
		{"float64 and float32", 1e-5, false},
		{"float64", 2e-5, false},
	} {
		s := SlopeCheck{Activation: "tanh", Judged: c.judged, Err32: c.err32, Tol32: 1e-5}
		if got := strings.Contains(s.String(), "; float32 path: worst error"); got != c.want {
			t.Errorf("judged %q, float32 error %g: float32 part %v, want %v: %s", c.judged, c.err32, got, c.want, s)
		}
	}
	f := FDCheck{Impl: mnist.ImplHandRolled, Skipped: "book mode"}
	if s := f.String(); !strings.HasSuffix(s, ": skipped: book mode") {
		t.Errorf("skipped check: %q", s)
	}
	f.Skipped = ""
	if s := f.String(); strings.Contains(s, "skipped") || !strings.Contains(s, "FAILED") {
		t.Errorf("a check that did not pass: %q", s)
	}
}

// TestDirection: an aligned direction is g_i·(1 + u_i) with u uniform in
// [−1, 1] (so d_i/g_i in [0, 2], both halves reached); a random one is u_i·s
// with s = ‖g‖∞, or 1 for a zero gradient.
func TestDirection(t *testing.T) {
	const n = 200
	g := make([]float64, n)
	for i := range g {
		g[i] = float64(i%7-3) * 2.5 // ‖g‖∞ = 7.5, with zeros
	}
	rng := rand.New(rand.NewPCG(1, 2))
	d := make([]float64, n)
	direction(d, g, true, rng)
	var low, high int
	for i := range d {
		if g[i] == 0 {
			if d[i] != 0 {
				t.Errorf("aligned d[%d] = %g where g is 0", i, d[i])
			}
			continue
		}
		q := d[i] / g[i]
		switch {
		case q < 0 || q > 2:
			t.Errorf("aligned d[%d]/g[%d] = %g, want in [0, 2]", i, i, q)
		case q < 0.5:
			low++
		case q > 1.5:
			high++
		}
	}
	if low == 0 || high == 0 {
		t.Errorf("aligned ratios: %d below 0.5, %d above 1.5; want both", low, high)
	}
	for _, c := range []struct {
		g []float64
		s float64
	}{{g, 7.5}, {make([]float64, n), 1}} {
		direction(d, c.g, false, rng)
		var neg, pos bool
		for i, v := range d {
			if math.Abs(v) > c.s {
				t.Errorf("random d[%d] = %g beyond s = %g", i, v, c.s)
			}
			neg, pos = neg || v < -c.s/2, pos || v > c.s/2
		}
		if !neg || !pos {
			t.Errorf("random direction for s = %g: below −s/2 %v, above s/2 %v; want both", c.s, neg, pos)
		}
	}
}

// TestFDStepIsRelativeToTheLoss: the first step displaces the weights so that
// the loss changes by fdSteps[0] of itself; a linear loss with its exact
// gradient is accepted there.
func TestFDStepIsRelativeToTheLoss(t *testing.T) {
	w := [][]float64{{0.1, -0.2, 0.3}}
	c := []float64{2, -0.5, 3}
	loss := func() (float64, error) { return 4 + c[0]*w[0][0] + c[1]*w[0][1] + c[2]*w[0][2], nil }
	l0, _ := loss()
	d := []float64{0.25, 1, -0.75} // g·d has terms of both signs
	r, err := fdDirection(w, 0, c, d, l0, FDTol64, loss)
	if err != nil || r.rel > FDTol64/10 {
		t.Fatalf("exact gradient: %+v, %v", r, err)
	}
	// Σ|g·d| = 0.5 + 0.5 + 2.25 = 3.25; the change is (2h)·(g·d) = fdSteps[0]·l0·(g·d)/Σ|g·d|.
	want := fdSteps[0] * l0 * (c[0]*d[0] + c[1]*d[1] + c[2]*d[2]) / 3.25
	if math.Abs(r.diff-want) > 1e-6*math.Abs(want) {
		t.Errorf("loss difference %g at the first step, want %g", r.diff, want)
	}
}

// TestFDZeroGradientProbe: where the gradient is zero the weights move by a
// thousandth of their size (of 1e-3 when they are smaller), along d both
// ways; a change of the loss within its rounding (64 ulps of it) is no
// change.
func TestFDZeroGradientProbe(t *testing.T) {
	for _, w0 := range [][]float64{{0.5, -4, 1}, {1e-6, 0, -2e-6}} {
		w := [][]float64{append([]float64(nil), w0...)}
		wmax := 0.0
		for _, v := range w0 {
			wmax = math.Max(wmax, math.Abs(v))
		}
		d := []float64{0.5, -2, 1}
		var moves [][]float64
		loss := func() (float64, error) {
			m := make([]float64, len(w0))
			for k := range m {
				m[k] = w[0][k] - w0[k]
			}
			moves = append(moves, m)
			return 1000, nil
		}
		if r, err := fdDirection(w, 0, []float64{0, 0, 0}, d, 1000, FDTol64, loss); err != nil || r.rel != 0 {
			t.Errorf("flat loss: %+v, %v", r, err)
		}
		h := 1e-3 * math.Max(wmax, 1e-3) / 2 // ‖d‖∞ = 2
		if len(moves) != 2 {
			t.Fatalf("%d loss evaluations, want 2", len(moves))
		}
		for k := range d {
			if math.Abs(moves[0][k]-h*d[k]) > 1e-9*h || math.Abs(moves[1][k]+h*d[k]) > 1e-9*h {
				t.Errorf("weights %v: moved by %v and %v, want ±%g·%v", w0, moves[0], moves[1], h, d)
			}
		}
	}
	// A loss of 1000 that moves by one ulp is flat; by 1e-9 it is not.
	for _, c := range []struct {
		step float64
		rel  float64
	}{{math.Nextafter(1000, 2000) - 1000, 0}, {1e-9, 1}} {
		w := [][]float64{{0.1, -0.2}}
		loss := func() (float64, error) {
			if w[0][0] > 0.1 {
				return 1000 + c.step, nil
			}
			return 1000, nil
		}
		if r, err := fdDirection(w, 0, []float64{0, 0}, []float64{1, 1}, 1000, FDTol64, loss); err != nil || r.rel != c.rel {
			t.Errorf("zero gradient, loss changing by %g: rel %v (%v), want %v", c.step, r.rel, err, c.rel)
		}
	}
}

// TestObserveRanges: the ranges are the smallest and largest pre-activation
// of each layer over the batch, after the hidden activation and the dropout
// mask (kept units doubled) for the next layer.
func TestObserveRanges(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch = []int{2}, 2
	sizes := c.Sizes()
	rng := rand.New(rand.NewPCG(3, 4))
	ws := [][]float64{make([]float64, sizes[0]*sizes[1]), make([]float64, sizes[1]*sizes[2])}
	for _, w := range ws {
		for i := range w {
			w[i] = rng.Float64() - 0.3
		}
	}
	x := make([]float64, c.Batch*sizes[0])
	for i := range x {
		x[i] = rng.Float64() * 0.01
	}
	masks := [][]float64{{1, 0, 0, 1}}
	// The forward by hand.
	lo, hi := []float64{math.Inf(1), math.Inf(1)}, []float64{math.Inf(-1), math.Inf(-1)}
	h := make([]float64, c.Batch*2)
	for r := range c.Batch {
		for j := range 2 {
			var z float64
			for k := range sizes[0] {
				z += x[r*sizes[0]+k] * ws[0][k*2+j]
			}
			lo[0], hi[0] = math.Min(lo[0], z), math.Max(hi[0], z)
			h[r*2+j] = math.Tanh(z) * 2 * masks[0][r*2+j]
		}
		for j := range sizes[2] {
			z := h[r*2]*ws[1][j] + h[r*2+1]*ws[1][sizes[2]+j]
			lo[1], hi[1] = math.Min(lo[1], z), math.Max(hi[1], z)
		}
	}
	tr := newRangeTracker(2)
	tr.observe(c, ws, x, masks)
	for l := range 2 {
		if math.Abs(tr.lo[l]-lo[l]) > 1e-12 || math.Abs(tr.hi[l]-hi[l]) > 1e-12 || !(lo[l] < hi[l]) {
			t.Errorf("layer %d: range [%g, %g], want [%g, %g]", l, tr.lo[l], tr.hi[l], lo[l], hi[l])
		}
	}
}

// TestFinishBookkeeping: Finish counts the network checks run, and says why
// the built-in comparison did not run when nothing else did.
func TestFinishBookkeeping(t *testing.T) {
	n := linear(mnist.ImplGraph, 0)
	f := &FDCheck{Impl: mnist.ImplGraph, Tol: FDTol64}
	k := testChecker(map[string]*FDCheck{mnist.ImplGraph: f})
	for range 3 {
		if err := k.fdCheck(f, n, mnist.Batch[float64]{}, n.G, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	v := k.Finish()
	if f.Checks != 3 || v.NetworkFD[0].Checks != 3 || !v.OK {
		t.Errorf("three network checks: counted %d (%d in the verdict), ok %v", f.Checks, v.NetworkFD[0].Checks, v.OK)
	}
	if !strings.HasPrefix(v.Builtin.Reason, "no implementation with a true gradient") {
		t.Errorf("built-in not run with the graph only: reason %q", v.Builtin.Reason)
	}
	k = testChecker(map[string]*FDCheck{mnist.ImplBuiltin: {Impl: mnist.ImplBuiltin, Ran: true, OK: true}})
	if r := k.Finish().Builtin.Reason; !strings.HasPrefix(r, "only the built-in network ran") {
		t.Errorf("built-in alone: reason %q", r)
	}
	k = testChecker(map[string]*FDCheck{mnist.ImplGraph: {Impl: mnist.ImplGraph, Ran: true, OK: true}, mnist.ImplHandRolled: {Impl: mnist.ImplHandRolled, Ran: true, OK: true}})
	if r := k.Finish().Builtin.Reason; !strings.HasPrefix(r, "no implementation with a true gradient") {
		t.Errorf("two nets, built-in not run: reason %q", r)
	}
	k = testChecker(map[string]*FDCheck{mnist.ImplGraph: {Impl: mnist.ImplGraph, Ran: true, OK: true}})
	k.chk.Builtin.Reason = "gelu has no built-in op"
	if r := k.Finish().Builtin.Reason; r != "gelu has no built-in op" {
		t.Errorf("built-in unsupported: reason %q, want the reason given", r)
	}
}

// TestBuiltinCheckWhatIsCompared: in book mode with dropout the hand-rolled
// net (whose slope is the book's, not the gradient) is left out of the
// built-in comparison, and only then; the first comparison names its net
// even when it agrees exactly; a difference of exactly the tolerance passes.
func TestBuiltinCheckWhatIsCompared(t *testing.T) {
	run := func(book bool, rel float64) BuiltinCheck {
		ref := linear(mnist.ImplBuiltin, 0)
		good, bad := linear(mnist.ImplGraph, 0), linear(mnist.ImplHandRolled, 0.5)
		k := testChecker(map[string]*FDCheck{})
		k.c.Book, k.c.Dropout = book, true
		k.builtin = ref
		good.G[0][0] = ref.G[0][0] + rel*3 // ‖g‖∞ = 3, exact in binary for rel = 2⁻²⁰
		nets := []mnist.Net[float64]{good, bad}
		grads := map[string][][]float64{mnist.ImplGraph: good.G, mnist.ImplHandRolled: bad.G}
		if err := k.builtinCheck(mnist.Batch[float64]{}, nets, grads); err != nil {
			t.Fatal(err)
		}
		return k.chk.Builtin
	}
	if bc := run(true, 0); !bc.OK || bc.Impl != mnist.ImplGraph || bc.WorstRelDiff != 0 || bc.At.Matrix != "w01" {
		t.Errorf("book mode: %+v; want ok, exact agreement named at graph's w01", bc)
	}
	if bc := run(false, 0); bc.OK || bc.Impl != mnist.ImplHandRolled {
		t.Errorf("not book mode: %+v; want the hand-rolled net compared and failing", bc)
	}
	k := testChecker(map[string]*FDCheck{})
	k.chk.Builtin.Tol = 0x1p-20
	ref, got := linear(mnist.ImplBuiltin, 0), linear(mnist.ImplGraph, 0)
	got.G[1][0] = ref.G[1][0] + 3*0x1p-20 // −0.75 + 3·2⁻²⁰: exact; ‖ref‖∞ = 3
	k.builtin = ref
	if err := k.builtinCheck(mnist.Batch[float64]{}, []mnist.Net[float64]{got}, map[string][][]float64{mnist.ImplGraph: got.G}); err != nil {
		t.Fatal(err)
	}
	if bc := k.chk.Builtin; bc.WorstRelDiff != 0x1p-20 || !bc.OK {
		t.Errorf("difference of exactly the tolerance: %+v, want ok", bc)
	}
}

// TestFDRefinesUntilATenthOfTheTolerance: the steps shrink until one is
// within tol/10. The loss 1 + w + b·w³ at w = 0 has the gradient 1, and its
// central difference over ±h is off by b·h²: with b = 4e4 that is 1e-6 at the
// first step (h = 5e-6), above tol/10, and 1e-8 at the second.
func TestFDRefinesUntilATenthOfTheTolerance(t *testing.T) {
	const b = 4e4
	w := [][]float64{{0}}
	loss := func() (float64, error) { v := w[0][0]; return 1 + v + b*v*v*v, nil }
	r, err := fdDirection(w, 0, []float64{1}, []float64{1}, 1, FDTol64, loss)
	if err != nil || !(r.rel <= FDTol64/10) || r.rel < 1e-9 {
		t.Errorf("cubic loss: rel %g (%v), want about 1e-8 (the second step's), within %g", r.rel, err, FDTol64/10)
	}
}
