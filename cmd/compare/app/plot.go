package app

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
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

// Colours of the implementations in the accuracy plot.
var (
	graphColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	handColor  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	bookColor  = color.RGBA{A: 255}
)

// writeAccuracyPlot draws test (solid) and train (dashed) accuracy against
// the iteration for each implementation that ran, and in book mode the book's
// published test and train accuracies as points; below it the losses
// (lossPlot) and the gradient norms (gradNormPlot).
func writeAccuracyPlot(w io.Writer, rep *compare.Report) error {
	p := plot.New()
	c := rep.Config
	p.Title.Text = fmt.Sprintf("MNIST, %s hidden ×%s, %s output, %s%s", c.HiddenAct, sizesString(c.Hidden), c.Output, c.Dtype, map[bool]string{true: ", book slope (hand-rolled)"}[c.Book])
	if a := rep.Agreement; a != nil && a.TrajectoriesEqual {
		p.Title.Text += "\ngraph and hand-rolled accuracies identical at every evaluation: their lines coincide"
	}
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "iteration"
	p.X.Tick.Marker = integerTicks{}
	p.Y.Label.Text = "accuracy"
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.YOffs = vg.Points(40)
	p.Add(plotter.NewGrid())
	for _, name := range rep.Impls {
		col := graphColor
		if name == mnist.ImplHandRolled {
			col = handColor
		}
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
			l.Color, l.Width, l.Dashes = col, vg.Points(1.5), s.dash
			if name == mnist.ImplHandRolled && len(rep.Impls) == 2 {
				l.Width = vg.Points(1) // drawn over the graph's line, which it may hide exactly
			}
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
	return savePNGs([]*plot.Plot{p, l, g}, 8*vg.Inch, 12*vg.Inch, w)
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
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	for _, name := range rep.Impls {
		col := graphColor
		if name == mnist.ImplHandRolled {
			col = handColor
		}
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
			l.Color, l.Width, l.Dashes = col, vg.Points(1.5), s.dash
			if name == mnist.ImplHandRolled && len(rep.Impls) == 2 {
				l.Width = vg.Points(1)
			}
			p.Add(l)
			p.Legend.Add(s.label, l)
		}
	}
	return p, nil
}

// gradNormPlot draws, per weight matrix, the norm of its gradient after the
// last step of every evaluated iteration (the first implementation's), on a
// log scale: where the gradient goes, layer by layer.
func gradNormPlot(rep *compare.Report) (*plot.Plot, error) {
	g := plot.New()
	impl := rep.Impls[0]
	g.Title.Text = "gradient norm ‖∂L/∂w‖ per weight matrix (" + impl + ")"
	g.X.Label.Text = "iteration"
	g.X.Tick.Marker = integerTicks{}
	g.Y.Label.Text = "Frobenius norm"
	g.Y.Scale = plot.LogScale{}
	g.Y.Tick.Marker = plot.LogTicks{}
	g.Legend.Top = true
	g.Add(plotter.NewGrid())
	norms := rep.Runs[impl].GradNorms
	lo, hi := math.Inf(1), math.Inf(-1) // of the values plotted
	for _, n := range norms {
		for _, v := range n.Norms {
			if v > 0 && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
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
	// The scale's range, explicitly: a log scale of one value (a single
	// evaluation, a flat line) has no width, so it is widened by 10× each
	// way, within float64's range.
	g.Y.Min, g.Y.Max = lo, hi
	if lo == hi {
		g.Y.Min, g.Y.Max = max(lo/10, math.SmallestNonzeroFloat64), min(hi*10, math.MaxFloat64)
	}
	for m := range norms[0].Norms {
		var xy plotter.XYs
		for _, n := range norms {
			if m < len(n.Norms) && n.Norms[m] > 0 && !math.IsInf(n.Norms[m], 0) {
				xy = append(xy, plotter.XY{X: float64(n.Iteration), Y: n.Norms[m]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("plot: %w", err)
		}
		l.Color, l.Width = seriesColor(m), vg.Points(1.5)
		g.Add(l)
		g.Legend.Add(fmt.Sprintf("w%d%d", m, m+1), l)
	}
	return g, nil
}

// savePNGs draws the plots stacked top to bottom, width × height in all, as
// PNG to w.
func savePNGs(ps []*plot.Plot, width, height vg.Length, w io.Writer) error {
	img := vgimg.New(width, height)
	dc := vgdraw.New(img)
	rows := make([][]*plot.Plot, len(ps))
	for i, p := range ps {
		rows[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(rows, vgdraw.Tiles{Rows: len(ps), Cols: 1, PadY: vg.Points(12), PadTop: vg.Points(4), PadBottom: vg.Points(4)}, dc)
	for i, p := range ps {
		p.Draw(canvases[i][0])
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}

// savePNG draws p, width × height, as PNG to w.
func savePNG(p *plot.Plot, width, height vg.Length, w io.Writer) error {
	wt, err := p.WriterTo(width, height, "png")
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
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
