package app

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outgrad/models/mnist/sweep"
	"outgrad/ops"
)

// researcher returns the command as a program of one's own builds it,
// with SELU (slope from the output, right) and a sigmoid whose slope is
// y(1−y) + 0.01 (wrong) registered.
func researcher(t *testing.T) *App {
	t.Helper()
	const lambda, alpha = 1.0507009873554805, 1.6732632423543772
	selu := ops.NewPointwise("selu",
		func(x float64) float64 {
			if x > 0 {
				return lambda * x
			}
			return lambda * alpha * math.Expm1(x)
		},
		func(y float64) float64 {
			if y > 0 {
				return lambda
			}
			return y + lambda*alpha
		})
	wrong := ops.NewPointwise("wrongsig",
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(y float64) float64 { return y*(1-y) + 0.01 })
	a := New()
	for _, act := range []ops.Activation{selu, wrong} {
		if err := a.Register(act); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// TestSweepAndSeedsRefuseWrongActivation checks that the paths a
// researcher compares activations with, -sweep and -seeds, check every
// configuration before training it: a wrong slope exits 1, names the
// activation and its worst point, is not trained, ranked or averaged,
// and the claims using it are not tested; SELU passes and is trained.
func TestSweepAndSeedsRefuseWrongActivation(t *testing.T) {
	small := []string{"-iterations", "1", "-train-images", "200", "-quiet"}
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"sweep wrong", []string{"-sweep", "-hidden-acts", "wrongsig,tanh", "-outputs", "softmax", "-seeds", "1,2"}, 1,
			[]string{"checks: FAILED", "wrongsig hidden, softmax output: slope of wrongsig (hidden 1, grid [-6, 6], from the output): FAILED",
				"network finite differences, handrolled: FAILED", "FAILED the checks: not trained", "* tanh"}},
		{"seeds wrong", []string{"-hidden-act", "wrongsig", "-seeds", "1,2"}, 1,
			[]string{"checks: FAILED", "slope of wrongsig", "FAILED the checks: not trained", "no run to rank: every run diverged or failed the checks"}},
		{"sweep selu", []string{"-sweep", "-hidden-acts", "selu,tanh", "-outputs", "softmax", "-seeds", "1,2"}, 0,
			[]string{"checks: OK: the slopes and the first step's gradient of each of the 2 configurations passed"}},
		{"seeds selu", []string{"-hidden-act", "selu", "-seeds", "1,2"}, 0,
			[]string{"checks: OK"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			js := filepath.Join(t.TempDir(), "r.json")
			var out, errb bytes.Buffer
			code := researcher(t).Main(append(append(c.args, small...), "-json", js), &out, &errb)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out.String(), errb.String())
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			b, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			var rep sweep.SweepReport
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.OK != (c.code == 0) {
				t.Errorf("json ok = %v", rep.OK)
			}
			for _, r := range rep.Runs {
				wrong := r.HiddenAct == "wrongsig"
				if r.Failed != wrong || (wrong && (r.Best || r.FinalTestAcc != 0 || len(r.Failures) == 0)) {
					t.Errorf("run %s seed %d: failed %v, best %v, acc %v, failures %q", r.HiddenAct, r.Seed, r.Failed, r.Best, r.FinalTestAcc, r.Failures)
				}
				if !wrong && !(r.FinalTestAcc > 0.1) {
					t.Errorf("run %s seed %d was not trained: acc %v", r.HiddenAct, r.Seed, r.FinalTestAcc)
				}
			}
			for _, cell := range rep.Cells {
				if wrong := cell.HiddenAct == "wrongsig"; cell.Failed != wrong || (wrong && cell.N != 0) {
					t.Errorf("cell %s: failed %v, n %d", cell.HiddenAct, cell.Failed, cell.N)
				}
			}
		})
	}
}
