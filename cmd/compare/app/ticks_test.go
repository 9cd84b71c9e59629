package app

import (
	"strconv"
	"testing"
)

func TestIntegerTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 2}, {0, 250}, {0, 299}, {0, 1}} {
		labels := 0
		for _, tk := range (integerTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			labels++
			if n, err := strconv.Atoi(tk.Label); err != nil || float64(n) != tk.Value {
				t.Errorf("%v: tick %v labelled %q", r, tk.Value, tk.Label)
			}
		}
		if labels < 2 {
			t.Errorf("%v: %d labels", r, labels)
		}
	}
}

func TestSeriesColorsDistinct(t *testing.T) {
	const n = 30
	for i := range n {
		for j := range i {
			a, b := seriesColor(i), seriesColor(j)
			d := abs(int(a.R)-int(b.R)) + abs(int(a.G)-int(b.G)) + abs(int(a.B)-int(b.B))
			if d < 30 {
				t.Errorf("series %d %v and %d %v look alike (distance %d)", i, a, j, b, d)
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
