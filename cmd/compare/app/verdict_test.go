package app

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/reference"
	"outgrad/ops"
)

// TestVerdictExitStatus: a comparison that is not OK exits 1 and says why on
// stderr (the disagreement, each failed check); an OK one exits 0 silently.
func TestVerdictExitStatus(t *testing.T) {
	for _, c := range []struct {
		name string
		rep  compare.Report
		want int
		says []string
	}{
		{"ok", compare.Report{OK: true, Agreement: &compare.Agreement{OK: true}, Checks: &reference.Checks{OK: true}}, 0, nil},
		{"disagreement", compare.Report{Agreement: &compare.Agreement{Summary: "they disagree"}, Checks: &reference.Checks{OK: true}}, 1,
			[]string{"compare: they disagree\n"}},
		{"failed check", compare.Report{Agreement: &compare.Agreement{OK: true}, Checks: &reference.Checks{Failures: []string{"slope of x", "built-in"}}}, 1,
			[]string{"compare: check failed: slope of x\n", "compare: check failed: built-in\n"}},
		{"one implementation, failed check", compare.Report{Checks: &reference.Checks{Failures: []string{"fd"}}}, 1, []string{"check failed: fd"}},
	} {
		var errb bytes.Buffer
		s := &invocation{stdout: io.Discard, stderr: &errb}
		if got := s.verdict(&c.rep); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
		for _, w := range c.says {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, errb.String(), w)
			}
		}
		if c.want == 0 && errb.Len() != 0 {
			t.Errorf("%s: stderr %q, want nothing", c.name, errb.String())
		}
	}
}

// TestFailedCheckExits1: the command with an activation whose slope is off by
// 1e-4 (graph and hand-rolled still agree, sharing it) exits 1 and names the
// failed check.
func TestFailedCheckExits1(t *testing.T) {
	a := New()
	off := ops.NewPointwise("tanh-off", math.Tanh, func(y float64) float64 { return (1 - y*y) * (1 + 1e-4) })
	if err := a.Register(off); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := a.Main([]string{"-hidden-act", "tanh-off", "-iterations", "1", "-train-images", "200", "-check=false", "-quiet"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "compare: check failed: slope of tanh-off") {
		t.Errorf("exit %d, stderr %q; want 1 and the failed slope check", code, errb.String())
	}
	if !strings.Contains(out.String(), "bit-identical") {
		t.Errorf("the implementations should agree with each other:\n%s", out.String())
	}
}

// softmaxBase returns act(row [0, 1])₁ / act([0, 1])₀: the base of a softmax.
func softmaxBase(act ops.Activation) float64 {
	y := make([]float64, 2)
	act.Forward64(y, []float64{0, 1}, 2)
	return y[1] / y[0]
}

// TestSoftmaxBaseReachesEveryLayer: -softmax-base changes the softmax of the
// output (and its fused loss) and that of a hidden layer; without it, both
// are base e.
func TestSoftmaxBaseReachesEveryLayer(t *testing.T) {
	for _, c := range []struct {
		args         []string
		hidden, outB float64 // 0: not a softmax
	}{
		{nil, 0, math.E},
		{[]string{"-softmax-base", "2"}, 0, 2},
		{[]string{"-softmax-base", "10"}, 0, 10},
		{[]string{"-hidden-act", "softmax", "-output", "sigmoid", "-softmax-base", "3"}, 3, 0},
		{[]string{"-hidden-act", "softmax,tanh", "-hidden", "20,10", "-softmax-base", "5"}, 5, 5},
		{[]string{"-hidden-act", "softmax"}, math.E, math.E},
	} {
		o, err := New().parse(c.args, io.Discard)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if h := o.cfg.Acts()[0]; c.hidden != 0 && math.Abs(softmaxBase(h)-c.hidden) > 1e-12*c.hidden {
			t.Errorf("%v: hidden softmax of base %g, want %g", c.args, softmaxBase(h), c.hidden)
		}
		if c.outB == 0 {
			continue
		}
		out := o.cfg.Output
		k, ok := out.LogitScale()
		if math.Abs(softmaxBase(out.Act)-c.outB) > 1e-12*c.outB || !ok || math.Abs(k-math.Log(c.outB)) > 1e-15 {
			t.Errorf("%v: output softmax of base %g, loss scale %g (%v); want base %g, scale ln %g", c.args, softmaxBase(out.Act), k, ok, c.outB, c.outB)
		}
	}
}
