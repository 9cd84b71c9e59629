package check

import (
	"strings"
	"testing"
)

// TestSlopePointSlope checks the slope form of a comparison: a single point
// as it is, an entry of an elementwise activation's row divided by its dy,
// and no slope for a row-wise activation's entry or a zero dy.
func TestSlopePointSlope(t *testing.T) {
	row := []float64{0.5, -1, 2}
	for _, c := range []struct {
		name         string
		p            SlopePoint
		elementwise  bool
		given, fd    float64
		ok           bool
		wherePhrases []string
	}{
		{"point", SlopePoint{X: 0.5, Analytic: 0.75, Numeric: 0.74}, true, 0.75, 0.74, true,
			[]string{"slope 0.75 given, finite difference 0.74"}},
		{"elementwise row", SlopePoint{X: -1, Row: row, DY: []float64{0.1, -0.25, 3}, Col: 1, Analytic: -0.5, Numeric: -0.25}, true, 2, 1, true,
			[]string{"slope 2 given, finite difference 1", "entry 1 of row", "(dx -0.5 and -0.25)"}},
		{"row-wise row", SlopePoint{X: -1, Row: row, DY: []float64{0.1, -0.25, 3}, Col: 1, Analytic: -0.5, Numeric: -0.25}, false, 0, 0, false,
			[]string{"dx -0.5 given, finite difference -0.25"}},
		{"zero dy", SlopePoint{X: 2, Row: row, DY: []float64{0.1, -0.25, 0}, Col: 2, Analytic: 0, Numeric: 0}, true, 0, 0, false,
			[]string{"dx 0 given"}},
	} {
		given, fd, ok := c.p.Slope(c.elementwise)
		if given != c.given || fd != c.fd || ok != c.ok {
			t.Errorf("%s: Slope = %v, %v, %v; want %v, %v, %v", c.name, given, fd, ok, c.given, c.fd, c.ok)
		}
		w := c.p.where(c.elementwise)
		for _, ph := range c.wherePhrases {
			if !strings.Contains(w, ph) {
				t.Errorf("%s: where() = %q, want it to contain %q", c.name, w, ph)
			}
		}
	}
}
