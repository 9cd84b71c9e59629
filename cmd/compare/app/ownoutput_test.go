package app

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"outgrad/ops"
)

// huber is the Huber loss with δ = 1 of outputs against targets, of one's
// own; off scales its gradient (a wrong loss).
type huber struct {
	name string
	off  float64
}

func (h huber) Name() string { return h.name }

func (huber) Value(y, t []float64, _ int) float64 {
	var s float64
	for i, v := range y {
		d := math.Abs(v - t[i])
		if d <= 1 {
			s += d * d / 2
		} else {
			s += d - 0.5
		}
	}
	return s
}

func (h huber) Grad(d, y, t []float64, _ int) {
	for i, v := range y {
		d[i] = max(-1, min(1, v-t[i])) * h.off
	}
}

// scaledTanh is tanh(a·x) with a learnable a shared by the layer, of one's
// own: ∂f/∂x = a(1 − y²), ∂f/∂a = x(1 − y²).
func scaledTanh(t *testing.T) ops.Learnable {
	t.Helper()
	l, err := ops.NewLearnable("scaled-tanh", ops.FromInput,
		ops.Params{Names: []string{"a"}, Init: []float64{1}},
		ops.ParamFuncs{
			F:  func(x float64, th []float64) float64 { return math.Tanh(th[0] * x) },
			DX: func(_, y float64, th []float64) float64 { return th[0] * (1 - y*y) },
			DTheta: func(x, y float64, _, d []float64) {
				d[0] = x * (1 - y*y)
			},
		})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestOwnOutputAndLearnable registers, as a program of one's own would, an
// output with a loss of its own (Huber; and one whose gradient is 1% off)
// and an activation with a learnable parameter, and runs them: the right
// ones pass every check in a single run and with -seeds and -sweep; the
// wrong loss exits 1 on each path, naming the loss.
func TestOwnOutputAndLearnable(t *testing.T) {
	a := New()
	if err := a.Register(scaledTanh(t)); err != nil {
		t.Fatal(err)
	}
	for _, o := range []ops.Output{
		{Name: "huber", Act: ops.Identity, Loss: huber{"huber", 1}},
		{Name: "huber-off", Act: ops.Identity, Loss: huber{"huber-off", 1.01}},
	} {
		if err := a.RegisterOutput(o); err != nil {
			t.Fatal(err)
		}
	}
	small := []string{"-iterations", "1", "-train-images", "200", "-quiet", "-alpha", "0.5"}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"-hidden-act", "scaled-tanh", "-output", "huber"}, 0,
			[]string{"loss huber of output huber: ok", "learned:   graph, a of hidden layer 1", "verdict:   OK"}},
		{[]string{"-hidden-act", "scaled-tanh", "-output", "huber-off"}, 1,
			[]string{"loss huber-off of output huber-off: FAILED", "verdict:   FAIL"}},
		{[]string{"-hidden-act", "scaled-tanh", "-output", "huber-off", "-seeds", "1,2"}, 1,
			[]string{"loss huber-off of output huber-off: FAILED"}},
		{[]string{"-sweep", "-hidden-acts", "scaled-tanh,tanh", "-outputs", "huber,huber-off", "-seeds", "1,2"}, 1,
			[]string{"loss huber-off of output huber-off: FAILED"}},
		{[]string{"-hidden-act", "scaled-tanh", "-output", "huber", "-impl", "all"}, 0,
			[]string{"gorgonia built-in ops: not run"}},
	} {
		var out, errb bytes.Buffer
		code := a.Main(append(c.args, small...), &out, &errb)
		all := out.String() + errb.String()
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, all)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, all)
			}
		}
	}
}

// TestRegisterOutputRefuses checks what RegisterOutput refuses.
func TestRegisterOutputRefuses(t *testing.T) {
	a := New()
	for _, c := range []struct {
		o    ops.Output
		want string
	}{
		{ops.Output{Name: "softmax", Act: ops.Softmax, CrossEntropy: true}, `output "softmax" is already registered`},
		{ops.Output{Name: "Bad", Act: ops.Identity}, "output name"},
		{ops.Output{Name: "nil-act"}, "has no activation"},
		{ops.Output{Name: "swish-out", Act: ops.Swish}, "input-derived"},
		{ops.Output{Name: "tanh-ce", Act: ops.Tanh, CrossEntropy: true}, "needs a softmax"},
		{ops.Output{Name: "both", Act: ops.Softmax, CrossEntropy: true, Loss: huber{"h", 1}}, "both the fused cross-entropy"},
		{ops.Output{Name: "panics", Act: ops.Identity, Loss: panicLoss{}}, "its Value panics"},
	} {
		err := a.RegisterOutput(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RegisterOutput(%q): %v, want an error containing %q", c.o.Name, err, c.want)
		}
	}
	if n := len(a.Outputs()); n != len(ops.Outputs()) {
		t.Errorf("%d outputs after refusals, want %d", n, len(ops.Outputs()))
	}
}

type panicLoss struct{}

func (panicLoss) Name() string                        { return "panics" }
func (panicLoss) Value(_, _ []float64, _ int) float64 { panic("not written yet") }
func (panicLoss) Grad(_, _, _ []float64, _ int)       {}
