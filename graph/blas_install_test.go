package graph

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/gorgonia"

	"outgrad/ops/blas"
)

// TestInstallBLAS checks that importing this package installs nothing (no
// test of this package calls InstallBLAS before this one) and that
// InstallBLAS makes gonum's and Gorgonia's products run on package blas.
func TestInstallBLAS(t *testing.T) {
	if _, ok := blas64.Implementation().(blas.Implementation); ok {
		t.Fatal("gonum's blas64 runs on package blas before InstallBLAS: something installs it on import")
	}
	if _, ok := gorgonia.WhichBLAS().(blas.Implementation); ok {
		t.Fatal("gorgonia runs on package blas before InstallBLAS: something installs it on import")
	}
	InstallBLAS()
	if _, ok := blas64.Implementation().(blas.Implementation); !ok {
		t.Errorf("blas64 uses %T, want blas.Implementation", blas64.Implementation())
	}
	if _, ok := blas32.Implementation().(blas.Implementation); !ok {
		t.Errorf("blas32 uses %T, want blas.Implementation", blas32.Implementation())
	}
	if _, ok := gorgonia.WhichBLAS().(blas.Implementation); !ok {
		t.Errorf("gorgonia uses %T, want blas.Implementation", gorgonia.WhichBLAS())
	}
}
