package app

import (
	"image/color"
	"math"
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
