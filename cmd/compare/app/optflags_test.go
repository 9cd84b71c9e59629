package app

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOptimizerFlagsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-optimizer", "rmsprop"}, `unknown optimizer "rmsprop"`},
		{[]string{"-optimizer", "momentum", "-momentum", "1"}, "momentum β 1"},
		{[]string{"-optimizer", "adam", "-beta1", "-0.1"}, "adam β1 -0.1"},
		{[]string{"-optimizer", "adam", "-beta2", "1"}, "adam β2 1"},
		{[]string{"-optimizer", "adam", "-eps", "0"}, "adam ε 0"},
		{[]string{"-optimizer", "adam", "-eps", "NaN"}, "adam ε NaN"},
		{[]string{"-momentum", "0.5"}, "-momentum applies to -optimizer momentum only, not sgd"},
		{[]string{"-optimizer", "momentum", "-beta1", "0.5"}, "-beta1 applies to -optimizer adam only"},
		{[]string{"-lr-schedule", "linear"}, `schedule "linear"`},
		{[]string{"-lr-schedule", "step:0:0.5"}, "every 0 iterations"},
		{[]string{"-lr-schedule", "step:10:2"}, "γ 2"},
		{[]string{"-lr-schedule", "step:10"}, "want const, step:N:γ or cosine"},
	} {
		var out, errb bytes.Buffer
		if code := New().Main(append(tc.args, "-quiet"), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if s := errb.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, tc.want) {
			t.Errorf("%v: stderr %q, want one line containing %q", tc.args, s, tc.want)
		}
	}
}

// TestAdamRunReportsLosses runs Adam with a step schedule and checks the
// loss lines, the JSON's optimizer and points and the CSV's columns.
func TestAdamRunReportsLosses(t *testing.T) {
	dir := t.TempDir()
	js, cs := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.csv")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-iterations", "2", "-train-images", "200", "-eval-every", "1", "-quiet", "-check=false",
		"-optimizer", "adam", "-alpha", "0.001", "-beta2", "0.99", "-lr-schedule", "step:1:0.5", "-json", js, "-csv", cs}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var losses []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "    graph Test-Loss:") {
			losses = append(losses, l)
			// The same numbers for both implementations, in lock step.
			if g, h, ok := strings.Cut(strings.TrimPrefix(l, "    graph "), " | handrolled "); !ok || g != h {
				t.Errorf("loss line %q: graph and hand-rolled differ", l)
			}
		}
	}
	if len(losses) != 2 || !strings.Contains(out.String(), "optimizer: adam(β1=0.9, β2=0.99, ε=1e-08), learning rate step:1:0.5") {
		t.Errorf("want two loss lines and the optimizer:\n%s", out.String())
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Config struct {
			Optimizer  string `json:"optimizer"`
			LRSchedule string `json:"lr_schedule"`
		} `json:"config"`
		Runs map[string]struct {
			Trajectory []map[string]float64 `json:"trajectory"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	p := rep.Runs["handrolled"].Trajectory[1]
	if rep.Config.Optimizer != "adam(β1=0.9, β2=0.99, ε=1e-08)" || rep.Config.LRSchedule != "step:1:0.5" || !(p["test_loss"] > 0) || !(p["train_loss"] > 0) {
		t.Errorf("JSON config %+v, point %v", rep.Config, p)
	}
	rows := readCSV(t, cs)
	if got := strings.Join(rows[0][:6], ","); got != "iteration,impl,test_acc,train_acc,test_loss,train_loss" {
		t.Errorf("CSV header %s", got)
	}
}

// TestAdamDefaultAlpha: -optimizer adam without -alpha runs at AdamAlpha;
// an -alpha given is kept, and SGD keeps the book's 2.
func TestAdamDefaultAlpha(t *testing.T) {
	for _, c := range []struct {
		args []string
		want float64
	}{
		{[]string{"-optimizer", "adam"}, 0.001},
		{[]string{"-optimizer", "adam", "-alpha", "0.01"}, 0.01},
		{[]string{"-optimizer", "adam", "-alpha", "2"}, 2},
		{[]string{"-optimizer", "momentum"}, 2},
		{nil, 2},
	} {
		o, err := New().parse(c.args, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if o.cfg.Alpha != c.want {
			t.Errorf("%v: alpha %v, want %v", c.args, o.cfg.Alpha, c.want)
		}
	}
}
