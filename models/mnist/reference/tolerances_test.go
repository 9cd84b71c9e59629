package reference_test

import (
	"testing"

	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/reference"
	"outgrad/models/mnist/sweep"
)

// TestDocumentedTolerances pins the tolerances the README documents.
func TestDocumentedTolerances(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"DefaultTolerance[float64]", compare.DefaultTolerance[float64](), 1e-10},
		{"DefaultTolerance[float32]", compare.DefaultTolerance[float32](), 1e-4},
		{"FDTol64", reference.FDTol64, 1e-6},
		{"FDTol32", reference.FDTol32, 1e-4},
		{"BuiltinTol64", reference.BuiltinTol64, 1e-9},
		{"BuiltinTol32", reference.BuiltinTol32, 1e-4},
		{"ClaimLevel", sweep.ClaimLevel, 0.05},
	} {
		if c.got != c.want {
			t.Errorf("%s = %g, documented as %g", c.name, c.got, c.want)
		}
	}
}
