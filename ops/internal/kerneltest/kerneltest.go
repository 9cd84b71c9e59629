// Package kerneltest holds what the tests of the vector kernels (packages
// ops and ops/blas) share.
package kerneltest

import (
	"os"
	"strings"
	"testing"
)

// SkipUnrun skips the test of a kernel this CPU does not run, saying so,
// unless OUTGRAD_REQUIRE_KERNELS (a comma-separated list of kernel names)
// names it: CI sets it where the CPU is known to have the kernel's features
// (an emulated AVX2 CPU, arm64), so that a kernel the dispatch stopped
// choosing fails there instead of being skipped, as the standard library's
// crypto tests treat a skip on the machine meant to run it.
func SkipUnrun(t testing.TB, name string) {
	t.Helper()
	for _, want := range strings.Split(os.Getenv("OUTGRAD_REQUIRE_KERNELS"), ",") {
		if strings.TrimSpace(want) == name {
			t.Fatalf("the %s kernel does not run here, but OUTGRAD_REQUIRE_KERNELS requires it", name)
		}
	}
	t.Skipf("this CPU does not run the %s kernel", name)
}
