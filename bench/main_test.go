package bench

import (
	"os"
	"testing"

	"outgrad/graph"
)

// TestMain installs package blas for gonum and Gorgonia, as the compare
// command does, so that the built-in network's gorgonia.Mul runs on the
// same BLAS as the other two.
func TestMain(m *testing.M) {
	graph.InstallBLAS()
	os.Exit(m.Run())
}
