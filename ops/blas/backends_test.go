package blas

import (
	"errors"
	"testing"
)

// forEachBackend runs f once per backend, with that backend selected, and
// restores the previous one afterwards. The OpenBLAS part is skipped, saying
// why, when OpenBLAS cannot be loaded.
func forEachBackend(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	prev := current.Load()
	t.Cleanup(func() { current.Store(prev) })
	for _, choice := range []string{Gonum, OpenBLAS} {
		t.Run(choice, func(t *testing.T) {
			if err := Select(choice); err != nil {
				if errors.Is(err, ErrUnavailable) {
					t.Skipf("no OpenBLAS here (install libopenblas0): %v", err)
				}
				t.Fatal(err)
			}
			if got := active().lib != nil; got != (choice == OpenBLAS) {
				t.Fatalf("Select(%q) runs %s", choice, Name())
			}
			f(t)
		})
	}
}
