// Package blas is the BLAS of outgrad: the matrix product [Gemm] and the
// update [Axpy] that the Gorgonia graph and the hand-rolled network both
// call, and [Implementation], the same routines behind gonum's blas.Float64
// and blas.Float32 interfaces, to install into gonum (blas64.Use,
// blas32.Use) and Gorgonia (gorgonia.Use).
//
// Two backends run them: OpenBLAS, found at run time, and gonum's pure Go.
// OpenBLAS is loaded without cgo (with github.com/ebitengine/purego), so the
// default build, even with CGO_ENABLED=0, uses the system's OpenBLAS when it
// is installed (Debian: the runtime package libopenblas0) and gonum when it
// is not. The two agree up to the order of summation.
//
// # Choosing the backend
//
// The environment variable OUTGRAD_BLAS chooses: "openblas", "gonum" or
// "auto" (the default, also when unset or empty: OpenBLAS if it loads, else
// gonum). A command calls [Init] at start to read it and learn of a bad value
// or of an OpenBLAS that was asked for and cannot load; [Select] chooses in
// code. A library user need call nothing: the first call that needs a
// backend chooses one from OUTGRAD_BLAS once, never panics and never fails
// (a bad value or a failed load falls back to gonum, and [Name] says why).
// [Name] describes what runs.
//
// OpenBLAS picks its kernels when it is loaded, from the CPU models it knows;
// Debian's 0.3.21 does not know every recent x86 and may fall back to slow
// generic kernels. So unless OPENBLAS_CORETYPE is set by the user, it is set
// for the load from the CPU's features: SkylakeX with AVX-512 (F, BW, DQ, VL,
// CD), Haswell with AVX2 and FMA. OpenBLAS runs one thread unless
// OPENBLAS_NUM_THREADS (or GOTO_NUM_THREADS, OMP_NUM_THREADS) says otherwise:
// the products here are small and share the cores with Go's own workers.
//
// # Mostly-zero left operands
//
// A float64 product whose left operand is mostly zeros, like a batch of
// MNIST images, skips most of them on CPUs with AVX-512 or with AVX2 and
// FMA (Kernels says which runs), on either backend:
// it multiplies only the columns where a block of four rows has a nonzero,
// each element a chain of fused multiply-adds in a fixed order, so the
// result does not depend on the backend or on the number of goroutines (see
// sparse.go). A run of the book's network spends most of its time in such
// products.
//
// On Linux and macOS (amd64, arm64) OpenBLAS is looked for as
// libopenblas.so.0 or libopenblas.so (on macOS libopenblas.dylib, as
// Homebrew installs it). Apple's Accelerate is not tried: macOS without
// OpenBLAS runs on gonum. Other platforms run on gonum.
package blas
