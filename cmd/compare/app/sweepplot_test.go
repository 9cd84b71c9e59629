package app

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"outgrad/models/mnist/sweep"
)

// TestSweepChart: each cell's bar stands at its mean with its sd as the
// error bar and one point per finished run (the failed and diverged runs
// left out); bars are grouped by the varied values but the output, one
// colour per output, and no two bars overlap.
func TestSweepChart(t *testing.T) {
	vals := func(out, alpha string) map[string]string {
		return map[string]string{sweep.AxisHiddenAct: "tanh", sweep.AxisOutput: out, sweep.AxisAlpha: alpha, sweep.AxisHidden: "100", sweep.AxisOptimizer: "sgd"}
	}
	rep := &sweep.SweepReport{
		Seeds:  []uint32{1, 2, 3},
		Varied: []string{sweep.AxisOutput, sweep.AxisAlpha},
		Cells: []sweep.SweepCell{
			{Values: vals("softmax", "0.5"), N: 3, Mean: 0.5, Std: 0.1},
			{Values: vals("sigmoid", "0.5"), N: 2, Mean: 0.3, Std: 0.05, Diverged: 1},
			{Values: vals("softmax", "2"), N: 0, Failed: true},
			{Values: vals("sigmoid", "2"), N: 1, Mean: 0.2},
		},
	}
	accs := [][]float64{{0.4, 0.5, 0.6}, {0.25, -1, 0.35}, {-2, -2, -2}, {0.2, -1, -1}}
	for cell, as := range accs {
		for i, a := range as {
			rep.Runs = append(rep.Runs, sweep.SweepRun{Cell: cell, Seed: uint32(i + 1), FinalTestAcc: a, Diverged: a == -1, Failed: a == -2})
		}
	}
	ch := newSweepChart(rep)
	if ch.SeriesAxis != sweep.AxisOutput || !slices.Equal(ch.Series, []string{"softmax output", "sigmoid output"}) || !slices.Equal(ch.Groups, []string{"α=0.5", "α=2"}) {
		t.Fatalf("series %s %q, groups %q", ch.SeriesAxis, ch.Series, ch.Groups)
	}
	wantPoints := [][]float64{{0.4, 0.5, 0.6}, {0.25, 0.35}, nil, {0.2}}
	wantNote := []string{"", "", "failed", ""}
	for i, b := range ch.Bars {
		c := rep.Cells[i]
		if b.Cell != i || b.Mean != c.Mean || b.SD != c.Std || !slices.Equal(b.Points, wantPoints[i]) || b.Note != wantNote[i] || len(b.PointX) != len(b.Points) {
			t.Errorf("bar %d: %+v, want mean %g sd %g points %v note %q", i, b, c.Mean, c.Std, wantPoints[i], wantNote[i])
		}
		for _, x := range b.PointX {
			if x <= b.X-b.Width/2 || x >= b.X+b.Width/2 {
				t.Errorf("bar %d: a point at x %g outside the bar [%g, %g]", i, x, b.X-b.Width/2, b.X+b.Width/2)
			}
		}
		if math.Abs(b.X-float64(b.Group)) >= 0.5 || b.Series != i%2 || b.Group != i/2 {
			t.Errorf("bar %d at x %g: group %d series %d", i, b.X, b.Group, b.Series)
		}
		for _, o := range ch.Bars[:i] {
			if math.Abs(o.X-b.X) < b.Width-1e-9 {
				t.Errorf("bars %d and %d overlap: x %g and %g, width %g", o.Cell, i, o.X, b.X, b.Width)
			}
		}
	}
	var png bytes.Buffer
	if err := writeSweepPlot(&png, rep); err != nil || !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
		t.Errorf("plot: %v", err)
	}
}

// TestSweepTitle: the chart's title gives the configuration the cells
// share, and the values of an axis that varies.
func TestSweepTitle(t *testing.T) {
	rep := &sweep.SweepReport{Varied: []string{sweep.AxisAlpha}, Cells: []sweep.SweepCell{
		{Values: map[string]string{sweep.AxisAlpha: "0.5"}}, {Values: map[string]string{sweep.AxisAlpha: "2"}}}}
	rep.Config.Dtype, rep.Config.Hidden, rep.Config.HiddenAct, rep.Config.Output = "float64", []int{128, 64}, "tanh,relu", "softmax"
	rep.Config.Batch, rep.Config.TrainImages, rep.Config.Iterations, rep.Config.Optimizer, rep.Config.Schedule = 50, 200, 7, "adam(β1=0.9, β2=0.999, ε=1e-08)", "cosine"
	got := sweepTitle(rep, "final test accuracy", "seed 1")
	want := "MNIST sweep (, float64): final test accuracy\nhidden tanh+relu 128,64, softmax output, batch 50, α {0.5; 2}, 7 iterations × 4 steps\nadam(β1=0.9, β2=0.999, ε=1e-08), learning rate cosine, dropout false, seed 1"
	if got != want {
		t.Errorf("title\n%s\nwant\n%s", got, want)
	}
}
