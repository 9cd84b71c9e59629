package floats

import (
	"math"
	"testing"
)

func TestRelDiff(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		a, g     []float64
		rel, abs float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 0, 0},
		{[]float64{1, 2.5, 3}, []float64{1, -2, 4}, 4.5 / 4, 4.5},
		{[]float64{0.5, 0}, []float64{0, 0}, 0.5, 0.5},
		{[]float64{1, nan}, []float64{1, 2}, nan, nan},
		{[]float64{1, 2}, []float64{nan, 2}, nan, nan},
		{[]float64{inf, 2}, []float64{inf, 2}, nan, nan},
		{[]float64{inf, 2}, []float64{1, 2}, inf / 2, inf},
	} {
		rel, abs := RelDiff(tc.a, tc.g)
		same := func(x, y float64) bool { return x == y || (x != x && y != y) }
		if !same(rel, tc.rel) || !same(abs, tc.abs) {
			t.Errorf("relDiff(%v, %v) = %v, %v, want %v, %v", tc.a, tc.g, rel, abs, tc.rel, tc.abs)
		}
	}
}
