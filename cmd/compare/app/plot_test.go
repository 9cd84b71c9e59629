package app

import (
	"slices"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
)

// twoImplReport is a report of graph and hand-rolled runs of a 784-20-10-10
// network: three matrices, norms at two evaluations, the hand-rolled ones
// a little apart from the graph's.
func twoImplReport() *compare.Report {
	run := func(scale float64) *compare.RunReport {
		return &compare.RunReport{GradNorms: []compare.GradNorms{
			{Iteration: 0, Norms: []float64{1e-3 * scale, 2e-2 * scale, 0.5 * scale}},
			{Iteration: 1, Norms: []float64{2e-3 * scale, 1e-2 * scale, 0.25 * scale}},
		}}
	}
	return &compare.Report{
		Config: compare.ConfigReport{Dtype: "float32", Hidden: []int{20, 10}, HiddenAct: "tanh,relu", Output: "sigmoid",
			Alpha: 0.05, Batch: 50, Iterations: 7, TrainImages: 500, Optimizer: "adam(β1=0.9, β2=0.999, ε=1e-08)", Schedule: "cosine", Seed: 3},
		Impls: []string{mnist.ImplGraph, mnist.ImplHandRolled},
		Runs:  map[string]*compare.RunReport{mnist.ImplGraph: run(1), mnist.ImplHandRolled: run(1.01)},
	}
}

// TestGradNormSeriesBothImpls: the gradient-norm panel draws, for every
// matrix, the norms of both implementations, each with its own values, the
// two told apart by shade and dash and the matrices by hue.
func TestGradNormSeriesBothImpls(t *testing.T) {
	rep := twoImplReport()
	series := gradNormSeries(rep)
	var labels []string
	for _, s := range series {
		labels = append(labels, s.Label)
	}
	want := []string{"w01 graph", "w01 handrolled", "w12 graph", "w12 handrolled", "w23 graph", "w23 handrolled"}
	if !slices.Equal(labels, want) {
		t.Fatalf("series %q, want %q", labels, want)
	}
	for _, s := range series {
		norms := rep.Runs[s.Impl].GradNorms
		if len(s.XY) != 2 || s.XY[1].X != 1 || s.XY[1].Y != norms[1].Norms[s.Matrix] {
			t.Errorf("%s: points %v, want the norms of %s's matrix %d", s.Label, s.XY, s.Impl, s.Matrix)
		}
	}
	for m := 0; m < len(series); m += 2 {
		g, h := series[m], series[m+1]
		if g.Color == h.Color || slices.Equal(g.Dashes, h.Dashes) {
			t.Errorf("%s and %s: colours %v %v, dashes %v %v: not told apart by both", g.Label, h.Label, g.Color, h.Color, g.Dashes, h.Dashes)
		}
		if m > 0 && g.Color == series[m-2].Color {
			t.Errorf("%s and %s share a colour", g.Label, series[m-2].Label)
		}
	}
	if normsIdentical(rep) {
		t.Errorf("norms 1%% apart reported identical")
	}
	rep.Runs[mnist.ImplHandRolled] = rep.Runs[mnist.ImplGraph]
	if !normsIdentical(rep) {
		t.Errorf("equal norms not reported identical")
	}
}

// TestConfigTitle: the run plot's title names the whole configuration.
func TestConfigTitle(t *testing.T) {
	title := configTitle(twoImplReport().Config)
	for _, want := range []string{"784-20-10-10", "hidden tanh,relu", "output sigmoid", "float32", "α = 0.05", "batch 50",
		"7 iterations × 500 images", "optimizer adam(β1=0.9, β2=0.999, ε=1e-08)", "learning rate cosine", "no dropout", "seed 3"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
}
