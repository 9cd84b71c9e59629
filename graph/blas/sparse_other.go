//go:build !amd64 || noasm

package blas

// haveAVX512 is false: without the assembly kernels, every product is dense.
var haveAVX512 = false

// sparseOff says why: the kernels are amd64 assembly, left out by the noasm
// build tag.
const sparseOff = "amd64 assembly, not in this build"

func block4x32(c []float64, ldc int, b []float64, l view) { block4Go(c, ldc, 32, b, l) }

func block4x8(c []float64, ldc int, b []float64, l view) { block4Go(c, ldc, 8, b, l) }

func block4x4(c []float64, ldc int, b []float64, l view) { block4Go(c, ldc, 4, b, l) }

// list4 lists nothing: the Go loop lists every column.
func list4([]float64, int, int, *sparseBuf) (t, p int) { return 0, 0 }

// finiteBlocks is not used without AVX-512.
func finiteBlocks([]float64) int { return 0 }

// listAllTAsm is not used without AVX-512; it lists no block.
func listAllTAsm([]float64, int, int, int, *allLists) int { return 0 }
