package graph

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"outgrad/graph/blas"
)

// TestBLASInstalled checks that gonum's BLAS users run on package blas.
func TestBLASInstalled(t *testing.T) {
	if _, ok := blas64.Implementation().(blas.Implementation); !ok {
		t.Errorf("blas64 uses %T, want blas.Implementation", blas64.Implementation())
	}
	if _, ok := blas32.Implementation().(blas.Implementation); !ok {
		t.Errorf("blas32 uses %T, want blas.Implementation", blas32.Implementation())
	}
	if want := blas.Name() + " + " + blas.Kernels(); BLAS() != want {
		t.Errorf("BLAS() = %q, want %q", BLAS(), want)
	}
}
