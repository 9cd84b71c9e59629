package blas

// Describe says which BLAS runs the products and whether the sparse
// kernels do: Name and Kernels, e.g. "openblas 0.3.21 (SkylakeX kernels,
// 1 thread, loaded at run time) + sparse float64 kernels (AVX-512)".
func Describe() string { return Name() + " + " + Kernels() }
