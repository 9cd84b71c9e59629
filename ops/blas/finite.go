package blas

import "math"

// FirstNonFinite returns the index of the first NaN or ±Inf in v, or −1. A
// training checks every weight and gradient after every step, so it is a
// vector kernel here: eight values at a time with AVX-512 or AVX2, else sums of
// x − x (0 for finite x, NaN otherwise) in four independent chains, and a
// search only when the sum is not zero.
func FirstNonFinite[T Float](v []T) int {
	i := 0
	if v64, ok := any(v).([]float64); ok && len(v64) >= 8 {
		i = 8 * finiteBlocks(v64) // the values before i are finite
	}
	var s0, s1, s2, s3 T
	rest := v[i:]
	j := 0
	for ; j+4 <= len(rest); j += 4 {
		s0 += rest[j] - rest[j]
		s1 += rest[j+1] - rest[j+1]
		s2 += rest[j+2] - rest[j+2]
		s3 += rest[j+3] - rest[j+3]
	}
	for ; j < len(rest); j++ {
		s0 += rest[j] - rest[j]
	}
	if s0+s1+s2+s3 == 0 {
		return -1
	}
	for j, x := range rest {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return i + j
		}
	}
	return -1
}
