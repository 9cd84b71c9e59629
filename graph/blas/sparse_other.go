//go:build !amd64 || noasm

package blas

// haveSparse is false: without the assembly kernels, every product is dense.
var haveSparse = false

func block4x32(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	block4Go(c, ldc, 32, b, s, t)
}

func block4x8(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	block4Go(c, ldc, 8, b, s, t)
}

func block4x4(c []float64, ldc int, b []float64, s *sparseBuf, t int) {
	block4Go(c, ldc, 4, b, s, t)
}

// list4 lists nothing: the Go loop lists every column.
func list4([]float64, int, int, *sparseBuf) (t, p int) { return 0, 0 }

// list4T lists nothing: the Go loop lists every row.
func list4T([]float64, int, int, int, int, *sparseBuf) (t, p int) { return 0, 0 }

// finiteBlocks is not used without AVX-512.
func finiteBlocks([]float64) int { return 0 }
