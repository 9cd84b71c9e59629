package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outgrad/models/mnist/compare"
)

// TestDivergedRunWritesItsReports checks that a training that diverges
// still writes the reports asked for, with the divergence in them and the
// run up to it, but not -save or -weights (the weights are no longer
// finite), says so, and exits 1.
func TestDivergedRunWritesItsReports(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	var out, errb bytes.Buffer
	code := New().Main([]string{"-iterations", "3", "-eval-every", "1", "-hidden-act", "relu", "-alpha", "1e150", "-quiet",
		"-json", p("r.json"), "-csv", p("r.csv"), "-plot", p("r.png"), "-save", p("w.bin"), "-weights", p("w.png")}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errb.String())
	}
	for _, w := range []string{"compare: training diverged:", "-save " + p("w.bin") + " not written", "-weights " + p("w.png") + " not written"} {
		if !strings.Contains(errb.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, errb.String())
		}
	}
	if !strings.Contains(out.String(), "verdict:   FAIL: training diverged") {
		t.Errorf("summary lacks the divergence:\n%s", out.String())
	}
	b, err := os.ReadFile(p("r.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep compare.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.OK || !strings.Contains(rep.Diverged, "diverged") || len(rep.Impls) != 2 {
		t.Errorf("json: ok %v, diverged %q, impls %v", rep.OK, rep.Diverged, rep.Impls)
	}
	for _, name := range []string{"r.csv", "r.png"} {
		if fi, err := os.Stat(p(name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"w.bin", "w.png"} {
		if _, err := os.Stat(p(name)); !os.IsNotExist(err) {
			t.Errorf("%s written for a diverged run: %v", name, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("%d files in the directory, want the three reports", len(ents))
	}
}
