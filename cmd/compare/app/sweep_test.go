package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"outgrad/models/mnist/sweep"
)

func TestSweepBadFlagsExit2OneLine(t *testing.T) {
	for _, args := range [][]string{
		{"-sweep", "-hidden-acts", "tanh,nosuch"}, {"-sweep", "-outputs", "softmax,softplus"},
		{"-sweep", "-hidden-acts", ","}, {"-sweep", "-outputs", ""},
		{"-hidden-acts", "tanh"}, {"-outputs", "softmax"},
		{"-sweep", "-hidden-act", "relu", "-hidden-acts", "tanh"}, {"-sweep", "-alphas", "1", "-claim", "alpha=2>alpha=1"}, {"-sweep", "-impl", "graph"}, {"-sweep", "-load", "w.bin"},
		{"-sweep", "-iterations", "0"},
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

func TestSweepSmall(t *testing.T) {
	dir := t.TempDir()
	js, png := filepath.Join(dir, "sweep.json"), filepath.Join(dir, "sweep.png")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-sweep", "-hidden-acts", "tanh, sigmoid", "-outputs", "softmax,sigmoid", "-iterations", "2",
		"-train-images", "200", "-eval-every", "1", "-quiet", "-json", js, "-plot", png}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"* tanh       softmax", "  sigmoid    sigmoid", "(@", "tanh beats sigmoid in the hidden layer", "softmax beats sigmoid at the output"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if errb.Len() != 0 {
		t.Errorf("-quiet wrote to stderr: %q", errb.String())
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep sweep.SweepReport
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Runs) != 4 || len(rep.ClaimResults) != 2 {
		t.Errorf("json: %v, %d runs, %d claims", err, len(rep.Runs), len(rep.ClaimResults))
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("plot: %v", err)
	}
}

// TestSweepRefusesRepeats: a name given twice would count its runs twice in
// the claims' test.
func TestSweepRefusesRepeats(t *testing.T) {
	for _, args := range [][]string{
		{"-sweep", "-hidden-acts", "tanh,tanh"},
		{"-sweep", "-outputs", "softmax,sigmoid,softmax"},
		{"-sweep", "-softmax-bases", "2,2.0"},
	} {
		var out, errb bytes.Buffer
		if code := New().Main(args, &out, &errb); code != 2 || !strings.Contains(errb.String(), "given twice") {
			t.Errorf("%v: exit %d, stderr %q, want 2 and \"given twice\"", args, code, errb.String())
		}
	}
}

func TestParseSeeds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []uint32
	}{
		{"3", []uint32{1, 2, 3}},
		{"3,7,11", []uint32{3, 7, 11}},
		{" 0, 4294967295 ", []uint32{0, 4294967295}},
		{"3,", nil}, {"3,3", nil}, {"0", nil}, {"-1", nil}, {",,", nil}, {"1001", nil}, {"1,x", nil},
	} {
		got, err := parseSeeds(tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("parseSeeds(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("parseSeeds(%q) = %v, %v, want %v", tc.in, got, err, tc.want)
		}
	}
}
