package sweep

import (
	"testing"
)

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
