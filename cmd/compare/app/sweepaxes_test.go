package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"outgrad/models/mnist/sweep"
)

// TestSweepAlphasHiddensClaim runs a sweep over α × hidden sizes with a
// claim of the user's through Main: exit 0, the claim judged once per α
// (the cells that differ in the size only), its verdicts in the output and
// the JSON, and one CSV row per configuration and seed with its values.
func TestSweepAlphasHiddensClaim(t *testing.T) {
	dir := t.TempDir()
	js, cs, png := filepath.Join(dir, "s.json"), filepath.Join(dir, "s.csv"), filepath.Join(dir, "s.png")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-sweep", "-alphas", "0.5,2", "-hiddens", "32;64", "-claim", "hidden=64>hidden=32", "-seeds", "2",
		"-iterations", "2", "-train-images", "200", "-quiet", "-json", js, "-csv", cs, "-plot", png}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "claims given (-claim)") || strings.Contains(s, "tanh beats sigmoid") {
		t.Errorf("output does not judge the claim given alone:\n%s", s)
	}
	for _, alpha := range []string{"0.5", "2"} {
		re := regexp.MustCompile(`(?m)^  "hidden=64>hidden=32" \[alpha=` + regexp.QuoteMeta(alpha) + `\]: (supported|not shown) \(tanh hidden/softmax output, alpha=` +
			regexp.QuoteMeta(alpha) + `, hidden=64 0\.\d{4} ± 0\.\d{4} \(n=2\) vs tanh hidden/softmax output, alpha=` + regexp.QuoteMeta(alpha) + `, hidden=32 .*Welch's t`)
		if !re.MatchString(s) {
			t.Errorf("no claim line for α %s:\n%s", alpha, s)
		}
	}
	if n := strings.Count(s, `"hidden=64>hidden=32"`); n != 2 {
		t.Errorf("%d claim lines, want 2 (one per α)", n)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep sweep.SweepReport
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Runs) != 8 || len(rep.Cells) != 4 || len(rep.ClaimResults) != 2 || rep.ClaimResults[1].Where != "alpha=2" {
		t.Errorf("json: %v, %d runs, %d cells, claims %v", err, len(rep.Runs), len(rep.Cells), rep.ClaimResults)
	}
	rows := readCSV(t, cs)
	if len(rows) != 9 {
		t.Fatalf("%d CSV rows, want a header and 8", len(rows))
	}
	// α outside, the sizes inside, the seeds innermost.
	for i, want := range []string{"32 0.5 1", "32 0.5 2", "64 0.5 1", "64 0.5 2", "32 2 1", "32 2 2", "64 2 1", "64 2 2"} {
		if got := rows[i+1][1] + " " + rows[i+1][3] + " " + rows[i+1][11]; got != want {
			t.Errorf("CSV row %d: hidden_sizes alpha seed %q, want %q", i+1, got, want)
		}
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("plot: %v", err)
	}
}

// TestSweepOptimizersAndMix: -optimizers and a per-layer mix of hidden
// activations are axes of their own; the optimizer's parameters apply to
// the rule of the list that uses them.
func TestSweepOptimizersAndMix(t *testing.T) {
	o, err := New().parse([]string{"-sweep", "-hidden", "16,8", "-hidden-acts", "tanh,tanh+relu", "-optimizers", "sgd,momentum", "-momentum", "0.5",
		"-claim", "tanh+relu>tanh", "-claim", "momentum>sgd"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.configs) != 4 || o.configs[3].ActNames() != "tanh,relu" || o.configs[3].Optimizer.Name != "momentum" || o.configs[3].Optimizer.Beta != 0.5 || o.configs[0].Output.Name != "softmax" {
		t.Errorf("%d configurations: %+v", len(o.configs), o.configs)
	}
	if len(o.claims) != 2 || o.claims[0].Axis != sweep.AxisHiddenAct || o.claims[1].Axis != sweep.AxisOptimizer {
		t.Errorf("claims %+v", o.claims)
	}
}

// TestEveryFlagInREADME: every flag of -h has its row in the README's
// table of flags.
func TestEveryFlagInREADME(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// A row of the table begins "| `-name" (or names two flags:
	// "| `-beta1 β1`, `-beta2 β2` |").
	var rows []string
	for _, line := range strings.Split(string(readme), "\n") {
		if first, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " | "); ok && strings.HasPrefix(line, "| `-") {
			rows = append(rows, first)
		}
	}
	for _, name := range flagNames(t) {
		if name == "h" {
			continue
		}
		found := false
		for _, r := range rows {
			found = found || strings.Contains(r, "`-"+name+" ") || strings.Contains(r, "`-"+name+"`")
		}
		if !found {
			t.Errorf("README.md's table of flags has no row for -%s", name)
		}
	}
}
