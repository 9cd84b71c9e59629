package app

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestBadFlagsExit2OneLine(t *testing.T) {
	for _, args := range [][]string{
		{"-alpha", "NaN"}, {"-alpha", "+Inf"}, {"-alpha", "-1"}, {"-hidden-act", "nosuch"},
		{"-output", "softplus"}, {"-dtype", "int8"}, {"-impl", "numpy"}, {"extra"},
		{"-iterations", "0"}, {"-batch", "2000"}, {"-seed", "99999999999"}, {"-tol", "-1"},
		{"-nosuchflag"}, {"-hidden", "x"},
		{"-json", "/nonexistent-dir/r.json"}, {"-plot", "/nonexistent-dir/p.png"},
		{"-weights", "/"}, {"-save", "/nonexistent-dir/w.bin"},
	} {
		var out, errb bytes.Buffer
		if code := New().Main(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if s := errb.String(); strings.Count(s, "\n") != 1 || !strings.HasPrefix(s, "compare: ") {
			t.Errorf("%v: stderr %q, want one line", args, s)
		}
	}
}

func TestList(t *testing.T) {
	var out, errb bytes.Buffer
	if code := New().Main([]string{"-list"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"tanh", "relu", "softmax + cross-entropy", "identity"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-list lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunSmall(t *testing.T) {
	var out, errb bytes.Buffer
	code := New().Main([]string{"-iterations", "2", "-train-images", "200", "-eval-every", "1", "-quiet"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"I:0 graph Test-Acc:", "| handrolled Test-Acc:", "I:1 ", "bit-identical", "graph/hand"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if errb.Len() != 0 {
		t.Errorf("-quiet wrote to stderr: %q", errb.String())
	}
}

func TestSoftmaxBaseFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-softmax-base", "0"}, {"-softmax-base", "1"}, {"-output", "sigmoid", "-softmax-base", "2"},
		{"-softmax-bases", "2,10"}, {"-sweep", "-softmax-bases", "2,x"}, {"-sweep", "-softmax-bases", ","},
		{"-sweep", "-outputs", "sigmoid", "-softmax-bases", "2"}, {"-sweep", "-softmax-base", "2"},
	} {
		var out, errb bytes.Buffer
		if code := New().Main(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if lines := strings.Count(strings.TrimSpace(errb.String()), "\n"); lines != 0 || errb.Len() == 0 {
			t.Errorf("%v: want one line on stderr, got %q", args, errb.String())
		}
	}
}

func TestDivergedExit1(t *testing.T) {
	var out, errb bytes.Buffer
	code := New().Main([]string{"-hidden-act", "identity", "-output", "identity", "-alpha", "1e6", "-iterations", "3", "-train-images", "200", "-quiet"}, &out, &errb)
	if code != 1 || !strings.HasPrefix(errb.String(), "compare: training diverged: ") || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestHelpExit0(t *testing.T) {
	var out, errb bytes.Buffer
	if code := New().Main([]string{"-h"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "-csv FILE") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestSerialFlag: -serial makes the evaluations between the steps, and the
// output says so; the rows printed are the same either way.
func TestSerialFlag(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: every run evaluates between the steps")
	}
	rows := map[bool]string{}
	for _, serial := range []bool{false, true} {
		args := []string{"-iterations", "3", "-train-images", "200", "-eval-every", "1", "-quiet"}
		if serial {
			args = append(args, "-serial")
		}
		var out, errb bytes.Buffer
		if code := New().Main(args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		want := "the evaluations beside the steps, on a second core"
		if serial {
			want = "the evaluations between the steps"
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("%v: output lacks %q:\n%s", args, want, out.String())
		}
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "I:") || strings.Contains(l, "Test-Loss:") {
				rows[serial] += l + "\n"
			}
		}
	}
	if rows[false] != rows[true] || strings.Count(rows[true], "\n") != 6 {
		t.Errorf("rows beside the steps:\n%s\nbetween them:\n%s\nwant the same 6 lines", rows[false], rows[true])
	}
}
