package graph

import (
	"os/exec"
	"strings"
	"testing"
)

// TestGorgoniaVersion checks that go.mod requires the Gorgonia whose machine
// loop a Runner calls. A test binary records no dependencies, so directOK
// trusts this module's go.mod there; this test is what holds it to the
// version the loop's signature was read from.
func TestGorgoniaVersion(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go tool here to read go.mod with (%v): the version check runs where the module is built", err)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}} {{if .Replace}}replaced{{end}}", "gorgonia.org/gorgonia").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != gorgoniaVersion {
		t.Errorf("go.mod gives gorgonia %q; the Runner's direct call was written for %s: read (*tapeMachine).runall in the new version's vm_tape.go before changing gorgoniaVersion", got, gorgoniaVersion)
	}
}
