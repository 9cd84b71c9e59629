//go:build !(amd64 || arm64) || noasm || gccgo

package blas

// sparseKernel is "": without the assembly kernels, every product is dense.
func sparseKernel() string { return "" }

// sparseOff says why: the kernels are assembly for amd64 and arm64, and
// the noasm build tag (and gccgo, which has no Go assembler) leaves them
// out.
func sparseOff() string { return "no assembly kernels in this build" }

// block4Impls is empty: there is no vector kernel.
var block4Impls []block4Impl

// block4Vector computes no columns: block4Go computes them all.
func block4Vector([]float64, int, []float64, view) int { return 0 }

// block4Last4 computes nothing: there is no vector kernel.
func block4Last4([]float64, int, []float64, view) bool { return false }

// block4Last4f32 computes nothing: there is no vector kernel.
func block4Last4f32([]float32, int, []float32, view32) bool { return false }

// list4 lists nothing: the Go loop lists every column.
func list4([]float64, int, int, *sparseBuf) (t, p int) { return 0, 0 }

// finiteBlocks leaves every value to the Go loop.
func finiteBlocks([]float64) int { return 0 }

// listAllTAsm lists no block: listBlocksT lists them all.
func listAllTAsm([]float64, int, int, int, *allLists) int { return 0 }

// sparseKernel32 is "": every float32 product is dense.
func sparseKernel32() string { return "" }

// block4Impls32 is empty: there is no float32 vector kernel.
var block4Impls32 []block4Impl32

// block4Vector32 computes no columns: block4Go32 computes them all.
func block4Vector32([]float32, int, []float32, view32) int { return 0 }

// list4f32 lists nothing: the Go loop lists every column.
func list4f32([]float32, int, int, *sparseBuf32) (t, p int) { return 0, 0 }
