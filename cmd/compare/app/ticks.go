package app

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
)

// integerTicks marks an axis of whole numbers (iterations): gonum's default
// ticks, labelled as integers ("250", not "250.00"), with the labels of
// ticks that fall between integers dropped.
type integerTicks struct{}

// Ticks returns the ticks of [lo, hi].
func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i, t := range ts {
		switch {
		case t.Label == "":
		case t.Value == math.Trunc(t.Value):
			ts[i].Label = strconv.FormatFloat(t.Value, 'f', 0, 64)
		default:
			ts[i].Label = ""
		}
	}
	return ts
}

// distinctTicks marks a linear axis with gonum's default ticks, labelled
// with the fewest decimals that write every value exactly (to a millionth
// of the range), so that no two labels read the same: a loss that moves
// from 2.3012 to 2.2987 is not labelled "2.3" four times.
type distinctTicks struct{}

// Ticks returns the ticks of [lo, hi].
func (distinctTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for prec := 0; prec <= 15; prec++ {
		exact := true
		for _, t := range ts {
			if t.Label == "" {
				continue
			}
			v, _ := strconv.ParseFloat(strconv.FormatFloat(t.Value, 'f', prec, 64), 64)
			exact = exact && math.Abs(v-t.Value) <= (hi-lo)*1e-6
		}
		if !exact {
			continue
		}
		for i, t := range ts {
			if t.Label != "" {
				ts[i].Label = strconv.FormatFloat(t.Value, 'f', prec, 64)
			}
		}
		break
	}
	return ts
}

// logTicks marks a log axis so that it can be read: a labelled tick at
// every power of ten and, when the range spans fewer than three decades
// (where powers of ten alone would give one or two labels), at 2 and 5
// times each; unlabelled ticks at the other whole multiples. Over more than
// ten decades only every k-th power of ten is labelled, about eight in all,
// and the multiples are left out. A range too narrow for three labels so
// (less than about a decade) is labelled at every whole multiple, and if
// that is still too few, at gonum's linear ticks, which sit where their
// values are on the log scale all the same.
type logTicks struct{}

// minLogLabels is the fewest labels logTicks gives a range before trying
// finer ticks.
const minLogLabels = 3

// Ticks returns the ticks of [lo, hi], 0 < lo < hi; of a range of one
// value, that value.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if lo == hi {
		return []plot.Tick{{Value: lo, Label: tickLabel(lo)}}
	}
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	decades := e1 - e0
	span := math.Log10(hi) - math.Log10(lo)
	every := 1 // label every power of ten whose exponent is a multiple
	if decades > 10 {
		every = (decades + 7) / 8
	}
	ticks := func(labelled func(k int) bool) ([]plot.Tick, int) {
		var ts []plot.Tick
		labels := 0
		for e := e0; e <= e1; e++ {
			for k := 1; k <= 9; k++ {
				if k > 1 && decades > 10 {
					break
				}
				v := powerOfTen(k, e)
				if v < lo || v > hi {
					continue
				}
				t := plot.Tick{Value: v}
				if (k == 1 && ((e%every)+every)%every == 0) || (k > 1 && labelled(k)) {
					t.Label = tickLabel(v)
					labels++
				}
				ts = append(ts, t)
			}
		}
		return ts, labels
	}
	ts, n := ticks(func(k int) bool { return span < 3 && (k == 2 || k == 5) })
	if n >= minLogLabels {
		return ts
	}
	if ts, n = ticks(func(int) bool { return true }); n >= minLogLabels {
		return ts
	}
	ts = plot.DefaultTicks{}.Ticks(lo, hi)
	slices.SortFunc(ts, func(a, b plot.Tick) int { return cmp.Compare(a.Value, b.Value) })
	return ts
}

// powerOfTen returns k·10^e, the float64 nearest it (as written in decimal,
// so that 3·10^-1 is 0.3, not 0.30000000000000004).
func powerOfTen(k, e int) float64 {
	v, _ := strconv.ParseFloat(strconv.Itoa(k)+"e"+strconv.Itoa(e), 64)
	return v
}

// tickLabel writes a tick value of a log axis: in decimal from 0.0001 to
// 99999 ("0.002", "50"), else in exponent form ("1e-05", "2e+06").
func tickLabel(v float64) string {
	if v >= 1e-4 && v < 1e5 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'e', -1, 64)
}

// palette is the first colours of the series of a chart, distinct and
// readable (matplotlib's tab10).
var palette = []color.RGBA{
	{R: 31, G: 119, B: 180, A: 255},
	{R: 214, G: 39, B: 40, A: 255},
	{R: 44, G: 160, B: 44, A: 255},
	{R: 255, G: 127, B: 14, A: 255},
	{R: 148, G: 103, B: 189, A: 255},
	{R: 140, G: 86, B: 75, A: 255},
	{R: 227, G: 119, B: 194, A: 255},
	{R: 127, G: 127, B: 127, A: 255},
	{R: 188, G: 189, B: 34, A: 255},
	{R: 23, G: 190, B: 207, A: 255},
}

// seriesColor returns the colour of series k: the palette, then hues spaced
// by the golden angle at alternating lightness, so no two series share one.
func seriesColor(k int) color.RGBA {
	if k < len(palette) {
		return palette[k]
	}
	j := k - len(palette)
	h := math.Mod(float64(j)*137.50776405, 360)
	l := []float64{0.35, 0.55, 0.45}[j%3]
	return hsl(h, 0.75, l)
}

// hsl converts hue h (degrees), saturation s and lightness l to RGB.
func hsl(h, s, l float64) color.RGBA {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	case h < 120:
		r, g = x, c
	case h < 180:
		g, b = c, x
	case h < 240:
		g, b = x, c
	case h < 300:
		r, b = x, c
	default:
		r, b = c, x
	}
	u := func(v float64) uint8 { return uint8(math.Round(255 * (v + m))) }
	return color.RGBA{R: u(r), G: u(g), B: u(b), A: 255}
}
