package app

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/sweep"
)

// writeRunCSV writes one row per evaluation of every implementation that ran:
// iteration, impl, test_acc, train_acc, test_loss, train_loss (the
// per-example mean loss, mnist.Point), then the run's configuration
// (configColumns), the same on every row, so that the rows of several runs'
// files concatenated still say which configuration each came from, then the
// gradient norm of every weight tensor after the iteration's last step
// (grad_norm_w01, grad_norm_w12, …, then grad_norm_prelu1 for a learnable
// activation's parameters; empty where none was recorded), last
// because their number depends on the network's depth.
func writeRunCSV(w io.Writer, rep *compare.Report) error {
	matrices := 0
	for _, name := range rep.Impls {
		for _, g := range rep.Runs[name].GradNorms {
			matrices = max(matrices, len(g.Norms))
		}
	}
	names, values := configColumns(rep.Config)
	header := []string{"iteration", "impl", "test_acc", "train_acc", "test_loss", "train_loss"}
	header = append(header, names...)
	for i := range matrices {
		header = append(header, "grad_norm_"+rep.Config.WeightName(i))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, name := range rep.Impls {
		run := rep.Runs[name]
		norms := map[int][]float64{}
		for _, g := range run.GradNorms {
			norms[g.Iteration] = g.Norms
		}
		for _, p := range run.Trajectory {
			rec := []string{strconv.Itoa(p.Iteration), name, num(p.TestAcc), num(p.TrainAcc), num(p.TestLoss), num(p.TrainLoss)}
			rec = append(rec, values...)
			n := norms[p.Iteration]
			for i := range matrices {
				v := ""
				if i < len(n) {
					v = num(n[i])
				}
				rec = append(rec, v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// configColumns returns the names and values of the configuration columns
// of the run CSV: lists as their flags take them ("128,64", "tanh,relu",
// quoted by the CSV writer), numbers in the shortest form that reads back
// exactly, and initial_weights "seed" (drawn from the seed) or "loaded"
// (-load).
func configColumns(c compare.ConfigReport) (names, values []string) {
	start := "seed"
	if c.LoadedInit {
		start = "loaded"
	}
	cols := []struct{ name, value string }{
		{"hidden_sizes", sizesString(c.Hidden)},
		{"hidden_acts", c.HiddenAct},
		{"output", c.Output},
		{"dtype", c.Dtype},
		{"alpha", num(c.Alpha)},
		{"batch", strconv.Itoa(c.Batch)},
		{"iterations", strconv.Itoa(c.Iterations)},
		{"train_images", strconv.Itoa(c.TrainImages)},
		{"dropout", strconv.FormatBool(c.Dropout)},
		{"book", strconv.FormatBool(c.Book)},
		{"optimizer", c.Optimizer},
		{"schedule", c.Schedule},
		{"seed", strconv.FormatUint(uint64(c.Seed), 10)},
		{"initial_weights", start},
		{"eval_every", strconv.Itoa(c.EvalEvery)},
		{"w01_range", num(c.W01Range)},
		{"w12_range", num(c.W12Range)},
	}
	for _, col := range cols {
		names = append(names, col.name)
		values = append(values, col.value)
	}
	return names, values
}

// sweepCSVHeader names the columns of the sweep's CSV: the run's whole
// configuration (hidden_acts holds the activation names as -hidden-acts
// takes them, a per-layer mix joined by '+'; hidden_sizes the layers' sizes
// comma-separated; optimizer the rule with its parameters), its results,
// then the summary of its cell (the configuration over every seed).
var sweepCSVHeader = []string{"hidden_acts", "hidden_sizes", "output", "alpha", "batch", "iterations", "train_images",
	"dropout", "optimizer", "schedule", "dtype", "seed",
	"final_iteration", "final_test_acc", "best_test_acc", "best_iteration", "final_train_acc", "diverged", "failed_checks", "seconds",
	"cell_n", "cell_mean_final_test_acc", "cell_std_final_test_acc"}

// writeSweepCSV writes one row per configuration and seed of the sweep
// (sweepCSVHeader).
func writeSweepCSV(w io.Writer, rep *sweep.SweepReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(sweepCSVHeader); err != nil {
		return err
	}
	for _, r := range rep.Runs {
		if r.Cell < 0 || r.Cell >= len(rep.Cells) {
			return fmt.Errorf("csv: run of cell %d: the sweep has %d cells", r.Cell, len(rep.Cells))
		}
		cell := rep.Cells[r.Cell]
		c := cell.Config
		mean, std := "", "" // no run of the cell finished
		if cell.N > 0 {
			mean, std = num(cell.Mean), num(cell.Std)
		}
		res := []string{strconv.Itoa(r.FinalIteration), num(r.FinalTestAcc),
			num(r.BestTestAcc), strconv.Itoa(r.BestIteration), num(r.FinalTrainAcc)}
		if r.Failed {
			res = []string{"", "", "", "", ""} // not trained
		}
		row := []string{cell.Values[sweep.AxisHiddenAct], sizesString(c.Hidden), c.Output, num(c.Alpha),
			strconv.Itoa(c.Batch), strconv.Itoa(c.Iterations), strconv.Itoa(c.TrainImages), strconv.FormatBool(c.Dropout),
			c.Optimizer, c.Schedule, c.Dtype, strconv.FormatUint(uint64(r.Seed), 10)}
		row = append(row, res...)
		row = append(row, strconv.FormatBool(r.Diverged), strconv.FormatBool(r.Failed),
			strconv.FormatFloat(r.WallSeconds, 'f', 3, 64), strconv.Itoa(cell.N), mean, std)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// num formats a value in the shortest form that reads back exactly.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
