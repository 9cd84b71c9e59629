package app

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"outgrad/models/mnist/sweep"
)

// sweepBar is one bar of the sweep's chart: one cell, drawn at X (data
// units) with height Mean, an error bar of ±SD when it has two finished
// runs or more, and one point per finished run at the heights in Points.
type sweepBar struct {
	Cell   int
	Group  int // index in sweepChart.Groups
	Series int // index in sweepChart.Series
	X      float64
	Width  float64
	Mean   float64
	SD     float64
	// Points holds each finished run's final test accuracy, in the order
	// of the seeds; PointX where each is drawn (spread across the bar).
	Points []float64
	PointX []float64
	// Note says why a cell has no bar: "failed" or "diverged"; "" otherwise.
	Note string
}

// sweepChart is what the sweep's chart draws: the cells as bars grouped on
// the x axis by the values of every varied axis but one, the series axis
// (the output when it varies, else the last axis that varies), whose values
// are the bars' colours and the legend's entries.
type sweepChart struct {
	SeriesAxis string
	Series     []string // the series axis's values, the legend's names
	Groups     []string // the x axis's labels: the other varied values
	Bars       []sweepBar
}

// barFill is the share of a group's width the bars take.
const barFill = 0.8

// newSweepChart lays out the bars of rep.
func newSweepChart(rep *sweep.SweepReport) sweepChart {
	var ch sweepChart
	for _, ax := range rep.Varied {
		if ax == sweep.AxisOutput || ch.SeriesAxis != sweep.AxisOutput {
			ch.SeriesAxis = ax
		}
	}
	groupOf, seriesOf := map[string]int{}, map[string]int{}
	for i, cell := range rep.Cells {
		var parts []string
		for _, ax := range rep.Varied {
			if ax != ch.SeriesAxis {
				parts = append(parts, axisLabel(ax, cell.Values[ax]))
			}
		}
		g := strings.Join(parts, "\n")
		if _, ok := groupOf[g]; !ok {
			groupOf[g] = len(ch.Groups)
			ch.Groups = append(ch.Groups, g)
		}
		s := cell.Values[ch.SeriesAxis]
		if _, ok := seriesOf[s]; !ok {
			seriesOf[s] = len(ch.Series)
			ch.Series = append(ch.Series, axisLabel(ch.SeriesAxis, s))
		}
		b := sweepBar{Cell: i, Group: groupOf[g], Series: seriesOf[s], Mean: cell.Mean, SD: cell.Std}
		switch {
		case cell.Failed:
			b.Note = "failed"
		case cell.N == 0:
			b.Note = "diverged"
		}
		ch.Bars = append(ch.Bars, b)
	}
	k := float64(len(ch.Series))
	for i := range ch.Bars {
		b := &ch.Bars[i]
		b.Width = barFill / k
		b.X = float64(b.Group) + (float64(b.Series)-(k-1)/2)*b.Width
		for _, r := range rep.Runs {
			if r.Cell == b.Cell && !r.Failed && !r.Diverged {
				b.Points = append(b.Points, r.FinalTestAcc)
			}
		}
		// Spread the points over the middle half of the bar.
		n := float64(len(b.Points))
		for j := range b.Points {
			b.PointX = append(b.PointX, b.X+(float64(j)-(n-1)/2)*b.Width/(2*n))
		}
	}
	return ch
}

// axisLabel writes a value of an axis as the chart labels it.
func axisLabel(axis, v string) string {
	switch axis {
	case "":
		return "final test accuracy"
	case sweep.AxisHiddenAct:
		return v + " hidden"
	case sweep.AxisOutput:
		return v + " output"
	case sweep.AxisAlpha:
		return "α=" + v
	case sweep.AxisHidden:
		return "hidden " + v
	}
	return v
}

// errorPoints are the tops of the bars with their ±sd.
type errorPoints struct {
	plotter.XYs
	errs plotter.YErrors
}

func (e errorPoints) YError(i int) (float64, float64) { return e.errs.YError(i) }

// writeSweepPlot draws the sweep's chart (newSweepChart): a bar per cell
// at its mean final test accuracy, with ±sd error bars and each seed's
// result as a point; the title gives the configuration every cell shares,
// the x labels the values that vary, the legend (beside the chart, off the
// data) the series. A cell that failed or diverged has no bar.
func writeSweepPlot(w io.Writer, rep *sweep.SweepReport) error {
	if len(rep.Runs) == 0 || len(rep.Cells) == 0 {
		return errors.New("plot: the sweep has no run to draw")
	}
	ch := newSweepChart(rep)
	p := plot.New()
	seeds := fmt.Sprintf("seed %d", rep.Config.Seed)
	what := "final test accuracy"
	if len(rep.Seeds) > 1 {
		seeds = fmt.Sprintf("%d seeds (%s)", len(rep.Seeds), seedList(rep.Seeds))
		what = "mean final test accuracy ± sd, each seed a point"
	}
	p.Title.Text = sweepTitle(rep, what, seeds)
	p.X.Label.Text = strings.Join(rep.Varied, " × ")
	p.Y.Label.Text = "final test accuracy"
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(plotter.NewGrid())
	leg := plot.NewLegend()
	legended := make([]bool, len(ch.Series))
	var tops errorPoints
	var points plotter.XYs
	for _, b := range ch.Bars {
		if b.Note != "" {
			continue
		}
		x0, x1 := b.X-b.Width/2, b.X+b.Width/2
		bar, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: 0}, {X: x1, Y: 0}, {X: x1, Y: b.Mean}, {X: x0, Y: b.Mean}})
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		bar.Color = seriesColor(b.Series)
		bar.LineStyle.Width = 0
		p.Add(bar)
		if !legended[b.Series] {
			legended[b.Series] = true
			leg.Add(ch.Series[b.Series], bar)
		}
		if len(b.Points) >= 2 {
			tops.XYs = append(tops.XYs, plotter.XY{X: b.X, Y: b.Mean})
			tops.errs = append(tops.errs, struct{ Low, High float64 }{b.SD, b.SD})
		}
		for j, y := range b.Points {
			points = append(points, plotter.XY{X: b.PointX[j], Y: y})
		}
	}
	if len(tops.XYs) > 0 {
		eb, err := plotter.NewYErrorBars(tops)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		eb.LineStyle.Width = vg.Points(1.2)
		p.Add(eb)
		leg.Add("± sd over the seeds", errorThumb{eb.LineStyle})
	}
	if len(points) > 0 {
		sc, err := plotter.NewScatter(points)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		sc.GlyphStyle.Color = color.Black
		sc.GlyphStyle.Radius = vg.Points(2)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(sc)
		leg.Add("one seed's run", sc)
	}
	p.NominalX(ch.Groups...)
	p.X.Min, p.X.Max = -0.6, float64(len(ch.Groups))-0.4
	width := vg.Length(max(10, 1.2*float64(len(ch.Groups))+3)) * vg.Inch
	height := 5 * vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	legendWidth := 2.2 * vg.Inch
	p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
	leg.Top, leg.Left = true, true
	leg.Draw(draw.Crop(dc, width-legendWidth+vg.Points(8), 0, 0, -vg.Inch))
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// errorThumb is the legend's picture of an error bar: a vertical line with
// caps.
type errorThumb struct{ style draw.LineStyle }

func (e errorThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	cap := (c.Max.X - c.Min.X) / 4
	c.StrokeLine2(e.style, x, c.Min.Y, x, c.Max.Y)
	c.StrokeLine2(e.style, x-cap, c.Min.Y, x+cap, c.Min.Y)
	c.StrokeLine2(e.style, x-cap, c.Max.Y, x+cap, c.Max.Y)
}

// sweepTitle is the chart's title: what is drawn, then the configuration
// every cell shares, an axis that varies given as the set of its values.
func sweepTitle(rep *sweep.SweepReport, what, seeds string) string {
	c := rep.Config
	value := func(axis, fixed string) string {
		if !slices.Contains(rep.Varied, axis) {
			return fixed
		}
		var vs []string
		for _, cell := range rep.Cells {
			if v := cell.Values[axis]; !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		return "{" + strings.Join(vs, "; ") + "}"
	}
	steps := 0
	if c.Batch > 0 {
		steps = c.TrainImages / c.Batch
	}
	return fmt.Sprintf("MNIST sweep (%s, %s): %s\nhidden %s %s, %s output, batch %d, α %s, %d iterations × %d steps\n%s, learning rate %s, dropout %v, %s",
		rep.Impl, c.Dtype, what,
		value(sweep.AxisHiddenAct, strings.ReplaceAll(c.HiddenAct, ",", "+")), value(sweep.AxisHidden, sizesString(c.Hidden)),
		value(sweep.AxisOutput, c.Output), c.Batch, value(sweep.AxisAlpha, fmt.Sprint(c.Alpha)), c.Iterations, steps,
		value(sweep.AxisOptimizer, c.Optimizer), c.Schedule, c.Dropout, seeds)
}
