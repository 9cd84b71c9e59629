package app

import (
	"bytes"
	"strings"
	"testing"
)

// TestImplAllRunsWhatCanRun checks -impl all with an activation Gorgonia
// has no built-in op for: the graph and hand-rolled networks train and are
// checked, the built-in reference is reported "not run" with the reason,
// and the run passes; with tanh all three run.
func TestImplAllRunsWhatCanRun(t *testing.T) {
	for _, c := range []struct {
		act  string
		want []string
	}{
		{"gelu", []string{"gorgonia built-in ops: not run: ", "no built-in op for gelu", "verdict:   OK"}},
		{"tanh", []string{"builtin Test-Acc", "gorgonia built-in ops: ok", "verdict:   OK"}},
	} {
		var out, errb bytes.Buffer
		code := New().Main([]string{"-impl", "all", "-hidden-act", c.act, "-iterations", "1", "-train-images", "200", "-quiet"}, &out, &errb)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.act, code, errb.String())
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output lacks %q:\n%s", c.act, w, out.String())
			}
		}
	}
}
