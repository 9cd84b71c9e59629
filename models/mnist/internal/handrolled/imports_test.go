package handrolled

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSharesNoGorgonia checks that the hand-rolled network, a reference for
// the Gorgonia graph, links neither Gorgonia nor the graph package.
func TestSharesNoGorgonia(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "gorgonia.org/") || dep == "outgrad/graph" {
			t.Errorf("handrolled depends on %s", dep)
		}
	}
}
