package graph

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gorgonia.org/gorgonia"

	"outgrad/ops/blas"
)

// InstallBLAS makes gonum (blas64, blas32) and Gorgonia and tensor
// (gorgonia.Use) run their matrix products on package blas, the BLAS that
// outgrad's own ops and the hand-rolled network call directly: Gorgonia's
// own gorgonia.Mul, in graphs built from its built-in ops, then uses it too.
// Without it they run on gonum's pure Go BLAS, which gives the same products
// to rounding. It changes process-wide state, so a command calls it once at
// start (the compare command does), as do the tests that time or compare
// Gorgonia's products; nothing calls it on import. Installing only stores
// blas.Implementation, which looks up the backend at each call, so nothing
// is loaded and nothing can fail until the first product, and a later
// blas.Select or blas.Init takes effect everywhere.
func InstallBLAS() {
	blas64.Use(blas.Implementation{})
	blas32.Use(blas.Implementation{})
	gorgonia.Use(blas.Implementation{})
}
