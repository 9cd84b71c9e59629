// Package floats holds the conversions and comparisons of float slices that
// the packages of models/mnist share: float64 copies of weights (ToF64,
// AllF64), the normwise relative difference of two gradients (RelDiff) and
// the order in which a worst case is kept (Worse).
//
// It is not numerics for the networks (that is ops and ops/blas), and not
// API: it is internal so that it can change with its callers.
package floats
