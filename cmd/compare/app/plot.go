package app

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/idx"
)

// Colours of the implementations in the accuracy and loss panels.
var (
	graphColor   = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	handColor    = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	builtinColor = color.RGBA{R: 148, G: 103, B: 189, A: 255}
	bookColor    = color.RGBA{A: 255}
)

// implLine styles l, a line of implementation impl in the accuracy or loss
// panel, of the report's impls: the implementation's colour; when several
// ran, the first as a wide pale band and the others as thin lines, so that
// lines that coincide (as the implementations' do when they agree) stay
// visible one inside the other.
func implLine(l *plotter.Line, impl string, impls []string) {
	c := builtinColor
	switch impl {
	case mnist.ImplGraph:
		c = graphColor
	case mnist.ImplHandRolled:
		c = handColor
	}
	l.Color, l.Width = c, vg.Points(1.5)
	if len(impls) > 1 {
		l.Width = vg.Points(1.25)
		if impl == impls[0] {
			l.Color, l.Width = mix(c, color.RGBA{R: 255, G: 255, B: 255, A: 255}, 0.55), vg.Points(4)
		}
	}
}

// writeAccuracyPlot draws test (solid) and train (dashed) accuracy against
// the iteration for each implementation that ran, and in book mode the book's
// published test and train accuracies as points; below it the losses
// (lossPlot) and the gradient norms (gradNormPlot).
func writeAccuracyPlot(w io.Writer, rep *compare.Report) error {
	p := plot.New()
	c := rep.Config
	p.Title.Text = configTitle(c) + "\naccuracy"
	if a := rep.Agreement; a != nil && a.TrajectoriesEqual {
		p.Title.Text += ": graph and hand-rolled identical at every evaluation, the thin lines run inside the bands"
	}
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "iteration"
	p.X.Tick.Marker = integerTicks{}
	p.Y.Label.Text = "accuracy"
	p.Y.Tick.Marker = distinctTicks{}
	p.Add(plotter.NewGrid())
	for _, name := range rep.Impls {
		traj := rep.Runs[name].Trajectory
		test, train := make(plotter.XYs, len(traj)), make(plotter.XYs, len(traj))
		for i, pt := range traj {
			test[i] = plotter.XY{X: float64(pt.Iteration), Y: pt.TestAcc}
			train[i] = plotter.XY{X: float64(pt.Iteration), Y: pt.TrainAcc}
		}
		for _, s := range []struct {
			xy    plotter.XYs
			label string
			dash  []vg.Length
		}{{test, name + " test", nil}, {train, name + " train", []vg.Length{vg.Points(4), vg.Points(3)}}} {
			l, err := plotter.NewLine(s.xy)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			implLine(l, name, rep.Impls)
			l.Dashes = s.dash
			p.Add(l)
			p.Legend.Add(s.label, l)
		}
	}
	if c.Book {
		rows := mnist.BookTable()
		test, train := make(plotter.XYs, 0, len(rows)), make(plotter.XYs, 0, len(rows))
		for _, r := range rows {
			if r.Iteration < c.Iterations {
				test = append(test, plotter.XY{X: float64(r.Iteration), Y: r.TestAcc})
				train = append(train, plotter.XY{X: float64(r.Iteration), Y: r.TrainAcc})
			}
		}
		for _, s := range []struct {
			xy    plotter.XYs
			label string
			shape vgdraw.GlyphDrawer
		}{{test, "book test (published)", vgdraw.CircleGlyph{}}, {train, "book train (published)", vgdraw.BoxGlyph{}}} {
			sc, err := plotter.NewScatter(s.xy)
			if err != nil {
				return fmt.Errorf("plot: %w", err)
			}
			sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = bookColor, s.shape, vg.Points(2.5)
			p.Add(sc)
			p.Legend.Add(s.label, sc)
		}
	}
	l, err := lossPlot(rep)
	if err != nil {
		return err
	}
	g, err := gradNormPlot(rep)
	if err != nil {
		return err
	}
	return savePNGs([]*plot.Plot{p, l, g}, 10*vg.Inch, 13*vg.Inch, w)
}

// configTitle is the first lines of the run plot's title: the whole
// configuration the curves below come from.
func configTitle(c compare.ConfigReport) string {
	sizes := append(append([]int{idx.Pixels}, c.Hidden...), idx.Classes)
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = fmt.Sprint(n)
	}
	dropout := "dropout"
	if !c.Dropout {
		dropout = "no dropout"
	}
	start := "seed " + fmt.Sprint(c.Seed)
	if c.LoadedInit {
		start = "loaded weights, masks of seed " + fmt.Sprint(c.Seed)
	}
	book := ""
	if c.Book {
		book = ", book slope (hand-rolled)"
	}
	return fmt.Sprintf("MNIST %s: hidden %s, output %s, %s%s\nα = %g, batch %d, %d iterations × %d images, optimizer %s, learning rate %s, %s, %s",
		strings.Join(parts, "-"), c.HiddenAct, c.Output, c.Dtype, book,
		c.Alpha, c.Batch, c.Iterations, c.TrainImages, c.Optimizer, c.Schedule, dropout, start)
}

// lossPlot draws test (solid) and train (dashed) loss against the iteration
// for each implementation that ran: the per-example mean of the run's loss
// at every evaluation (mnist.Point). A non-finite loss is left out.
func lossPlot(rep *compare.Report) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "loss, per-example mean at evaluation (" + rep.Config.Output + " output)"
	p.X.Label.Text = "iteration"
	p.X.Tick.Marker = integerTicks{}
	p.Y.Label.Text = "loss"
	p.Y.Tick.Marker = distinctTicks{}
	p.Add(plotter.NewGrid())
	for _, name := range rep.Impls {
		var test, train plotter.XYs
		for _, pt := range rep.Runs[name].Trajectory {
			if !math.IsNaN(pt.TestLoss) && !math.IsInf(pt.TestLoss, 0) {
				test = append(test, plotter.XY{X: float64(pt.Iteration), Y: pt.TestLoss})
			}
			if !math.IsNaN(pt.TrainLoss) && !math.IsInf(pt.TrainLoss, 0) {
				train = append(train, plotter.XY{X: float64(pt.Iteration), Y: pt.TrainLoss})
			}
		}
		for _, s := range []struct {
			xy    plotter.XYs
			label string
			dash  []vg.Length
		}{{test, name + " test", nil}, {train, name + " train", []vg.Length{vg.Points(4), vg.Points(3)}}} {
			if len(s.xy) == 0 {
				continue
			}
			l, err := plotter.NewLine(s.xy)
			if err != nil {
				return nil, fmt.Errorf("plot: %w", err)
			}
			implLine(l, name, rep.Impls)
			l.Dashes = s.dash
			p.Add(l)
			p.Legend.Add(s.label, l)
		}
	}
	return p, nil
}

// normSeries is one line of the gradient-norm panel: the norms of one
// weight matrix in one implementation's run.
type normSeries struct {
	Label  string // "w01 graph"
	Impl   string
	Matrix int // 0 for w01
	XY     plotter.XYs
	Color  color.RGBA  // the matrix's hue, in the implementation's shade
	Dashes []vg.Length // the implementation's
	Width  vg.Length   // the implementation's
}

// implStyle is how an implementation's lines are drawn in the
// gradient-norm panel, given its matrix's colour c: graph a wide pale solid
// band, hand-rolled a thin dashed line of the full colour, built-in a thin
// dotted line of a darker shade; so that each is told apart by shade and
// dash, and where they coincide the thin lines run inside the band.
func implStyle(impl string, c color.RGBA) (color.RGBA, []vg.Length, vg.Length) {
	switch impl {
	case mnist.ImplGraph:
		return mix(c, color.RGBA{R: 255, G: 255, B: 255, A: 255}, 0.55), nil, vg.Points(4)
	case mnist.ImplHandRolled:
		return c, []vg.Length{vg.Points(5), vg.Points(3)}, vg.Points(1.25)
	default:
		return mix(c, color.RGBA{A: 255}, 0.35), []vg.Length{vg.Points(1.5), vg.Points(2)}, vg.Points(1.25)
	}
}

// mix returns a + t·(b − a), channel by channel.
func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
	return color.RGBA{R: f(a.R, b.R), G: f(a.G, b.G), B: f(a.B, b.B), A: 255}
}

// gradNormSeries returns the lines of the gradient-norm panel: for every
// weight matrix, one line per implementation that ran, in the order of
// rep.Impls. A matrix has its hue (the palette after the implementations'
// blue and red of the other panels), an implementation its shade, dash and
// width (implStyle). Only positive finite norms are kept (a log scale shows
// no other); a line with none is left out.
func gradNormSeries(rep *compare.Report) []normSeries {
	matrices := 0
	for _, impl := range rep.Impls {
		for _, n := range rep.Runs[impl].GradNorms {
			matrices = max(matrices, len(n.Norms))
		}
	}
	var out []normSeries
	for m := range matrices {
		for _, impl := range rep.Impls {
			var xy plotter.XYs
			for _, n := range rep.Runs[impl].GradNorms {
				if m < len(n.Norms) && n.Norms[m] > 0 && !math.IsInf(n.Norms[m], 0) {
					xy = append(xy, plotter.XY{X: float64(n.Iteration), Y: n.Norms[m]})
				}
			}
			if len(xy) == 0 {
				continue
			}
			col, dashes, width := implStyle(impl, seriesColor(m+2))
			out = append(out, normSeries{Label: rep.Config.WeightName(m) + " " + impl, Impl: impl, Matrix: m,
				XY: xy, Color: col, Dashes: dashes, Width: width})
		}
	}
	return out
}

// normsIdentical reports whether every implementation of rep recorded the
// same gradient norms as the first (then their lines coincide).
func normsIdentical(rep *compare.Report) bool {
	first := rep.Runs[rep.Impls[0]].GradNorms
	for _, impl := range rep.Impls[1:] {
		if !slices.EqualFunc(first, rep.Runs[impl].GradNorms, func(a, b compare.GradNorms) bool {
			return a.Iteration == b.Iteration && slices.Equal(a.Norms, b.Norms)
		}) {
			return false
		}
	}
	return true
}

// gradNormPlot draws, per weight matrix and implementation, the norm of
// the gradient after the last step of every evaluated iteration
// (gradNormSeries), on a log scale labelled by logTicks: where the gradient
// goes, layer by layer.
func gradNormPlot(rep *compare.Report) (*plot.Plot, error) {
	g := plot.New()
	g.Title.Text = "gradient norm ‖∂L/∂w‖ per weight matrix after the last step of the iteration"
	g.X.Label.Text = "iteration"
	g.X.Tick.Marker = integerTicks{}
	g.Y.Label.Text = "Frobenius norm"
	g.Y.Scale = plot.LogScale{}
	g.Y.Tick.Marker = logTicks{}
	g.Add(plotter.NewGrid())
	series := gradNormSeries(rep)
	lo, hi := math.Inf(1), math.Inf(-1) // of the values plotted
	for _, s := range series {
		for _, p := range s.XY {
			lo, hi = min(lo, p.Y), max(hi, p.Y)
		}
	}
	if lo > hi {
		// Nothing a log scale can show (no evaluation, or every norm zero
		// or non-finite): an empty panel that says so.
		g.Y.Scale, g.Y.Tick.Marker = plot.LinearScale{}, plot.DefaultTicks{}
		g.Y.Min, g.Y.Max = 0, 1
		g.Title.Text += ": no nonzero finite norm to plot"
		return g, nil
	}
	if len(rep.Impls) > 1 && normsIdentical(rep) {
		g.Title.Text += "\nidentical in every implementation: the dashed lines run inside the bands"
	}
	// The scale's range, explicitly: a log scale of one value (a single
	// evaluation, a flat line) has no width, so it is widened by 10× each
	// way, within float64's range.
	g.Y.Min, g.Y.Max = lo, hi
	if lo == hi {
		g.Y.Min, g.Y.Max = max(lo/10, math.SmallestNonzeroFloat64), min(hi*10, math.MaxFloat64)
	}
	for _, s := range series {
		l, err := plotter.NewLine(s.XY)
		if err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		l.Color, l.Width, l.Dashes = s.Color, s.Width, s.Dashes
		g.Add(l)
		g.Legend.Add(s.Label, l)
	}
	return g, nil
}

// savePNGs draws the plots stacked top to bottom, width × height in all, as
// PNG to w, each plot's legend in a column right of the plots (beside the
// top of its plot's data area), where it hides no data.
func savePNGs(ps []*plot.Plot, width, height vg.Length, w io.Writer) error {
	img := vgimg.New(width, height)
	dc := vgdraw.New(img)
	var legendW vg.Length
	for _, p := range ps {
		legendW = max(legendW, p.Legend.Rectangle(dc).Size().X)
	}
	const gap = 10 // points between the plots and the legends, and after them
	legends := make([]plot.Legend, len(ps))
	rows := make([][]*plot.Plot, len(ps))
	for i, p := range ps {
		legends[i] = p.Legend
		p.Legend = plot.NewLegend() // drawn apart, below
		rows[i] = []*plot.Plot{p}
	}
	area := vgdraw.Crop(dc, 0, -(legendW + 2*vg.Points(gap)), 0, 0)
	canvases := plot.Align(rows, vgdraw.Tiles{Rows: len(ps), Cols: 1, PadY: vg.Points(12), PadTop: vg.Points(4), PadBottom: vg.Points(4)}, area)
	for i, p := range ps {
		c := canvases[i][0]
		p.Draw(c)
		top := c.Max.Y
		if p.Title.Text != "" {
			top -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		}
		l := legends[i]
		l.Top, l.Left, l.Padding = true, true, vg.Points(2)
		l.Draw(vgdraw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: c.Max.X + vg.Points(gap), Y: c.Min.Y},
			Max: vg.Point{X: dc.Max.X - vg.Points(gap), Y: top},
		}})
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// Layout of the weights image.
const (
	tileScale = 3  // screen pixels per weight
	tileGap   = 4  // between tiles
	tileCols  = 10 // tiles per row
	textH     = 22 // height of a caption line
	// maxWeightTiles is how many hidden units' tiles are drawn at most: the
	// first 1000, 100 rows, keep the image under 9000 pixels tall, where
	// PNG's decoders and viewers (many stop at 65535 or less) open it; a
	// wider layer's image says that it shows the first 1000.
	maxWeightTiles = 1000
)

// weightsTitle is the first line of the weights image: whose weights, and
// which hidden units are drawn.
func weightsTitle(impl string, hidden int) string {
	if hidden > maxWeightTiles {
		return fmt.Sprintf("%s weights: w01 of the first %d of the %d hidden units (28x28; blue < 0 < red, per-tile scale)", impl, maxWeightTiles, hidden)
	}
	return fmt.Sprintf("%s weights: first layer w01 of each of the %d hidden units (28x28; blue < 0 < red, per-tile scale)", impl, hidden)
}

// writeWeightsPNG draws each hidden unit's 784 incoming weights (a column of
// w01) as a 28×28 tile, then for each digit d the projection w01·w12[:,d]
// onto the pixels (w01·w12·…·wL[:,d] for several hidden layers, activations
// left out): what raises the logit of d. Each tile is coloured on its own
// scale: blue negative, white zero, red positive. The title names impl, the
// implementation whose weights ws are. Of a layer wider than maxWeightTiles,
// the first maxWeightTiles units are drawn, and the title says so.
func writeWeightsPNG(w io.Writer, impl string, hidden int, ws [][]float64) error {
	w01 := ws[0]
	const side = 28
	ts := side*tileScale + tileGap
	drawn := min(hidden, maxWeightTiles)
	rows := (drawn + tileCols - 1) / tileCols
	width := tileCols*ts + tileGap
	height := textH + rows*ts + textH + ts + textH + tileGap
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	tile := make([]float64, idx.Pixels)
	label(img, tileGap, textH-6, weightsTitle(impl, hidden))
	for h := 0; h < drawn; h++ {
		for p := range tile {
			tile[p] = w01[p*hidden+h]
		}
		drawTile(img, tileGap+(h%tileCols)*ts, textH+(h/tileCols)*ts, tile)
	}
	y0 := textH + rows*ts + textH
	names := make([]string, len(ws))
	for i := range ws {
		names[i] = fmt.Sprintf("w%d%d", i, i+1)
	}
	caption := "what each digit's logit responds to: " + strings.Join(names, " . ") + "[:,d], d = 0..9"
	if len(ws) > 2 {
		caption += " (activations left out)"
	}
	label(img, tileGap, y0-6, caption)
	proj := project(ws)
	for d := 0; d < idx.Classes; d++ {
		for p := range tile {
			tile[p] = proj[p*idx.Classes+d]
		}
		drawTile(img, tileGap+d*ts, y0, tile)
		label(img, tileGap+d*ts+side*tileScale/2-3, y0+ts+textH-8, fmt.Sprint(d))
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("weights image: %w", err)
	}
	return nil
}

// project multiplies the weight matrices, 784×h1, h1×h2, …, hL×10, into the
// 784×10 matrix of the network without its activations.
func project(ws [][]float64) []float64 {
	p, cols := ws[0], len(ws[0])/idx.Pixels
	for _, m := range ws[1:] {
		next := len(m) / cols
		q := make([]float64, idx.Pixels*next)
		for i := range idx.Pixels {
			for k := range cols {
				a := p[i*cols+k]
				for j := range next {
					q[i*next+j] += a * m[k*next+j]
				}
			}
		}
		p, cols = q, next
	}
	return p
}

// drawTile draws a 28×28 tile at (x, y), scaled by its largest magnitude.
func drawTile(img *image.RGBA, x, y int, v []float64) {
	var m float64
	for _, w := range v {
		m = math.Max(m, math.Abs(w))
	}
	if m == 0 {
		m = 1
	}
	for p, w := range v {
		c := diverging(w / m)
		px, py := x+(p%28)*tileScale, y+(p/28)*tileScale
		for dy := 0; dy < tileScale; dy++ {
			for dx := 0; dx < tileScale; dx++ {
				img.SetRGBA(px+dx, py+dy, c)
			}
		}
	}
}

// diverging maps t in [−1, 1] to blue (−1), white (0) and red (+1).
func diverging(t float64) color.RGBA {
	t = math.Max(-1, math.Min(1, t))
	if t != t {
		return color.RGBA{G: 255, A: 255}
	}
	a := uint8(255 * (1 - math.Abs(t)))
	if t < 0 {
		return color.RGBA{R: a, G: a, B: 255, A: 255}
	}
	return color.RGBA{R: 255, G: a, B: a, A: 255}
}

// label writes s with its baseline at (x, y).
func label(img *image.RGBA, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.Black, Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
