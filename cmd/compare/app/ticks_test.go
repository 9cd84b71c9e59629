package app

import (
	"math"
	"slices"
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

// TestLogTicks: a log axis has at least three labels whatever its range,
// with every power of ten in a range of fewer than three decades labelled
// together with its 2 and 5 multiples (1e-3..2e-2: 1, 2, 5 ×10^-3, 1, 2
// ×10^-2), at most a dozen over a huge range, and every label reads back as
// its tick's value, which lies within the range, in increasing order.
func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string // labels, when they are known exactly
	}{
		{1e-3, 2e-2, []string{"0.001", "0.002", "0.005", "0.01", "0.02"}},
		{0.3, 40, []string{"0.5", "1", "2", "5", "10", "20"}},
		{1e-6, 1e2, []string{"1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100"}},
		{0.011, 0.045, []string{"0.02", "0.03", "0.04"}},
		{0.0121, 0.0135, nil},
		{5e-324, math.MaxFloat64, nil},
		{1e-300, 1e-290, nil},
	} {
		var labels []string
		prev := math.Inf(-1)
		for _, tk := range (logTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Value < tc.lo || tk.Value > tc.hi || !(tk.Value > prev) {
				t.Errorf("%g..%g: tick %g out of the range or order", tc.lo, tc.hi, tk.Value)
			}
			prev = tk.Value
			if tk.Label == "" {
				continue
			}
			labels = append(labels, tk.Label)
			if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || math.Abs(v-tk.Value) > 1e-12*tk.Value {
				t.Errorf("%g..%g: tick %g labelled %q", tc.lo, tc.hi, tk.Value, tk.Label)
			}
		}
		if len(labels) < 3 || len(labels) > 12 {
			t.Errorf("%g..%g: %d labels %q, want 3..12", tc.lo, tc.hi, len(labels), labels)
		}
		if tc.want != nil && !slices.Equal(labels, tc.want) {
			t.Errorf("%g..%g: labels %q, want %q", tc.lo, tc.hi, labels, tc.want)
		}
	}
	if ts := (logTicks{}).Ticks(5, 5); len(ts) != 1 || ts[0].Value != 5 || ts[0].Label != "5" {
		t.Errorf("5..5: %v, want the one tick 5", ts)
	}
}

// TestDistinctTicks: no two labels of a linear axis read the same, however
// narrow its range, and each reads back as its tick's value (to a millionth
// of the range).
func TestDistinctTicks(t *testing.T) {
	for _, r := range [][2]float64{{2.2987, 2.3012}, {0, 1}, {0.1, 0.9}, {0.0896, 0.3926}, {1000, 1000.002}} {
		seen := map[string]bool{}
		labels := 0
		for _, tk := range (distinctTicks{}).Ticks(r[0], r[1]) {
			if tk.Label == "" {
				continue
			}
			labels++
			if seen[tk.Label] {
				t.Errorf("%v: label %q twice", r, tk.Label)
			}
			seen[tk.Label] = true
			if v, err := strconv.ParseFloat(tk.Label, 64); err != nil || math.Abs(v-tk.Value) > (r[1]-r[0])*1e-6 {
				t.Errorf("%v: tick %v labelled %q", r, tk.Value, tk.Label)
			}
		}
		if labels < 2 {
			t.Errorf("%v: %d labels", r, labels)
		}
	}
}
