//go:build !amd64 || noasm

package ops

// tanhVector computes no elements here: there is no vector kernel.
func tanhVector(_, _ []float64) int { return 0 }
