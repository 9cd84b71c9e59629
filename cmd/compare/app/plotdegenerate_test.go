package app

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/sweep"
)

// degenerateReports are reports whose plots have degenerate data: one
// point, flat lines, gradient norms that are all zero, non-finite or
// missing, accuracies that never move.
func degenerateReports() map[string]*compare.Report {
	mk := func(traj []mnist.Point, norms []compare.GradNorms) *compare.Report {
		return &compare.Report{
			Config: compare.ConfigReport{Dtype: "float64", Hidden: []int{100}, HiddenAct: "tanh", Output: "softmax"},
			Impls:  []string{mnist.ImplHandRolled},
			Runs:   map[string]*compare.RunReport{mnist.ImplHandRolled: {Trajectory: traj, GradNorms: norms}},
		}
	}
	one := []mnist.Point{{Iteration: 0, TestAcc: 0.5, TrainAcc: 0.5}}
	two := []mnist.Point{{Iteration: 0, TestAcc: 0.1, TrainAcc: 0.1}, {Iteration: 1, TestAcc: 0.1, TrainAcc: 0.1}}
	norms := func(vs ...[]float64) []compare.GradNorms {
		var out []compare.GradNorms
		for i, v := range vs {
			out = append(out, compare.GradNorms{Iteration: i, Norms: v})
		}
		return out
	}
	return map[string]*compare.Report{
		"one point":          mk(one, norms([]float64{1, 2})),
		"no points":          mk(nil, nil),
		"zero norms":         mk(two, norms([]float64{0, 0}, []float64{0, 0})),
		"non-finite norms":   mk(two, norms([]float64{math.NaN(), math.Inf(1)}, []float64{math.Inf(1), math.NaN()})),
		"equal norms":        mk(two, norms([]float64{3, 3}, []float64{3, 3})),
		"one norm":           mk(one, norms([]float64{5e-300})),
		"tiny and huge":      mk(two, norms([]float64{5e-324, math.MaxFloat64}, []float64{1, 1})),
		"negative norm":      mk(two, norms([]float64{-1, 0}, []float64{-2, 0})),
		"no norms per point": mk(two, norms([]float64{}, []float64{})),
	}
}

// TestPlotsOfDegenerateData checks that every plot of degenerate data is
// drawn (a PNG) or refused with an error, never a panic.
func TestPlotsOfDegenerateData(t *testing.T) {
	for name, rep := range degenerateReports() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return writeAccuracyPlot(&b, rep)
			}()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG")) {
				t.Error("no PNG written")
			}
		})
	}
}

// TestOutputPanicIsAnError checks that a panic while making one output is
// that output's error, naming it, and that Write leaves no file behind.
func TestOutputPanicIsAnError(t *testing.T) {
	err := recovering("x.png", func(io.Writer) error { panic("Values must be greater than 0 for a log scale.") })(io.Discard)
	if err == nil || !strings.Contains(err.Error(), "x.png: could not be made: Values must be greater than 0") {
		t.Fatalf("got %v", err)
	}
	if err := recovering("y", func(io.Writer) error { return nil })(io.Discard); err != nil {
		t.Fatalf("no panic: %v", err)
	}
}

// TestSweepPlotOfDegenerateData checks the sweep's bar chart with cells
// that failed, diverged, or hold one run.
func TestSweepPlotOfDegenerateData(t *testing.T) {
	for name, rep := range map[string]*sweep.SweepReport{
		"failed": {Seeds: []uint32{1, 2}, Runs: []sweep.SweepRun{{HiddenAct: "x", Output: "softmax", Failed: true}},
			Cells: []sweep.SweepCell{{HiddenAct: "x", Output: "softmax", Failed: true}}},
		"diverged": {Seeds: []uint32{1}, Runs: []sweep.SweepRun{{HiddenAct: "x", Output: "softmax", Diverged: true}},
			Cells: []sweep.SweepCell{{HiddenAct: "x", Output: "softmax", Diverged: 1}}},
		"empty": {Seeds: []uint32{1}},
	} {
		var b bytes.Buffer
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", name, r)
				}
			}()
			return writeSweepPlot(&b, rep)
		}()
		switch {
		case name == "empty" && err == nil:
			t.Errorf("empty: drawn, want an error")
		case name != "empty" && (err != nil || !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG"))):
			t.Errorf("%s: %v", name, err)
		}
	}
}
