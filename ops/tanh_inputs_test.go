package ops

import (
	"math"
	"math/rand"
)

// tanhTestInputs returns edge values of tanh (zeros, the branch points 0.625
// and 22 and their neighbours, infinities, NaNs, subnormals) followed by n
// seeded random values of several kinds: uniform on small and large ranges,
// log-spaced magnitudes, and arbitrary bit patterns.
func tanhTestInputs(n int) []float64 {
	edges := []float64{
		0, math.Copysign(0, -1), 0.625, 22, 1, 0.5, 2, 19, 20, 44, 710, 1e300,
		math.Inf(1), math.NaN(), math.Float64frombits(0x7ff8000000000123),
		math.Float64frombits(0x7ff0000000000001), math.SmallestNonzeroFloat64,
		math.Float64frombits(0x000fffffffffffff), 0x1p-1022, math.MaxFloat64,
		0x1p-27, 0x1p-26, 1e-300, 1e-8,
	}
	for _, v := range []float64{0.625, 22, 0x1p-26, 1, 0.5} {
		for k := 0; k < 4; k++ {
			edges = append(edges, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1)))
			v = math.Nextafter(v, 0)
		}
	}
	// 2|x|·log2(e) halfway between integers, where the rounding of n turns.
	for k := 2; k < 64; k++ {
		v := (float64(k) + 0.5) * math.Ln2 / 2
		edges = append(edges, v, math.Nextafter(v, 0), math.Nextafter(v, 1))
	}
	var xs []float64
	for _, v := range edges {
		xs = append(xs, v, -v)
	}
	rng := rand.New(rand.NewSource(1))
	for len(xs) < len(edges)*2+n {
		var v float64
		switch rng.Intn(5) {
		case 0:
			v = rng.Float64()*2 - 1
		case 1:
			v = rng.Float64()*60 - 30
		case 2:
			v = math.Exp(rng.Float64()*700 - 690)
		case 3:
			v = math.Float64frombits(rng.Uint64())
		default:
			v = 0.625 * (1 + (rng.Float64()-0.5)*1e-3)
		}
		if rng.Intn(2) == 0 {
			v = -v
		}
		xs = append(xs, v)
	}
	return xs
}
