package app

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/sweep"
)

// sweep runs mnist.Sweep and prints its table and claims. Exit status: 0
// when the sweep ran (diverged runs included) and every configuration
// passed the checks made before it was trained; 1 when a configuration
// failed them (it is not trained, and the failures are printed) or the
// sweep failed; 2 for missing data or files that could not be written.
// The reports are written in every case but an error of the sweep itself.
func (s *invocation) sweep() int {
	tr, err := s.trainer()
	if err != nil {
		return s.fail(2, err)
	}
	var rep *sweep.SweepReport
	if !s.o.sweep {
		rep, err = tr.seeds(s.o.seeds, s.pr.line)
	} else {
		rep, err = tr.sweep(s.o.configs, s.o.seeds, s.pr.line)
	}
	if errors.Is(err, mnist.ErrTooLarge) || errors.Is(err, sweep.ErrTooMany) {
		return s.fail(2, err) // refused before anything was trained
	}
	if err != nil {
		return s.fail(1, err)
	}
	if s.o.claims != nil {
		rep.ClaimResults = nil
		for _, spec := range s.o.claims {
			rep.ClaimResults = append(rep.ClaimResults, rep.Judge(spec)...)
		}
	}
	sweepTable(s.stdout, rep, s.o.claims != nil)
	var errs []error
	if t, ok := s.o.target("json"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeJSON(w, rep) }))
	}
	if t, ok := s.o.target("csv"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeSweepCSV(w, rep) }))
	}
	if t, ok := s.o.target("plot"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeSweepPlot(w, rep) }))
	}
	if err := errors.Join(errs...); err != nil {
		return s.fail(2, err)
	}
	if !rep.OK {
		return 1
	}
	return 0
}

// sweepTable prints one line per run, the best marked with *; with several
// seeds, one line per cell with the mean and standard deviation; then the
// claims (given: the user's, else the chapter's). The columns are the hidden
// activation, the output and every other axis the sweep varies, headed by
// the names a claim uses for them.
func sweepTable(w io.Writer, rep *sweep.SweepReport, given bool) {
	c := rep.Config
	seeds := fmt.Sprintf("seed %d", c.Seed)
	if len(rep.Seeds) > 1 {
		seeds = fmt.Sprintf("%d seeds (%s)", len(rep.Seeds), seedList(rep.Seeds))
	}
	fmt.Fprintf(w, "sweep: %s, %s; accuracies after the last iteration\n", rep.Impl, baseConfig(rep, seeds))
	cols := []string{sweep.AxisHiddenAct, sweep.AxisOutput}
	for _, ax := range rep.Varied {
		if ax != sweep.AxisHiddenAct && ax != sweep.AxisOutput {
			cols = append(cols, ax)
		}
	}
	widths := make([]int, len(cols))
	for i, col := range cols {
		widths[i] = len(col)
		for _, cell := range rep.Cells {
			widths[i] = max(widths[i], len(cell.Values[col]))
		}
	}
	// key writes the columns of a cell (of the names when cell is nil).
	key := func(cell *sweep.SweepCell) string {
		var b strings.Builder
		for i, col := range cols {
			v := col
			if cell != nil {
				v = cell.Values[col]
			}
			fmt.Fprintf(&b, "%-*s ", widths[i], v)
		}
		return b.String()
	}
	cellOf := func(r sweep.SweepRun) *sweep.SweepCell {
		if r.Cell >= 0 && r.Cell < len(rep.Cells) {
			return &rep.Cells[r.Cell]
		}
		return &sweep.SweepCell{Values: map[string]string{sweep.AxisHiddenAct: r.HiddenAct, sweep.AxisOutput: r.Output}}
	}
	fmt.Fprintf(w, "  %s%10s %10s %18s %11s %9s\n", key(nil), "seed", "final test", "best test (@iter)", "final train", "time")
	for _, r := range rep.Runs {
		mark := " "
		if r.Best {
			mark = "*"
		}
		k := key(cellOf(r))
		t := time.Duration(r.WallSeconds * 1e9).Round(10 * time.Millisecond).String()
		switch {
		case r.Failed:
			fmt.Fprintf(w, "%s %s%10d %s\n", mark, k, r.Seed, "FAILED the checks: not trained")
		case r.Diverged:
			fmt.Fprintf(w, "%s %s%10d %s (%s)\n", mark, k, r.Seed, "diverged", r.Error)
		default:
			best := fmt.Sprintf("%.4f (@%d)", r.BestTestAcc, r.BestIteration)
			fmt.Fprintf(w, "%s %s%10d %10.4f %18s %11.4f %9s\n", mark, k, r.Seed, r.FinalTestAcc, best, r.FinalTrainAcc, t)
		}
	}
	if rep.Best >= 0 {
		b := rep.Runs[rep.Best]
		fmt.Fprintf(w, "* best final test accuracy: %s, seed %d, %.4f (after iteration %d)\n", cellOf(b).Label, b.Seed, b.FinalTestAcc, b.FinalIteration)
	} else {
		fmt.Fprintln(w, "no run to rank: every run diverged or failed the checks")
	}
	if len(rep.Seeds) > 1 {
		fmt.Fprintf(w, "\nfinal test accuracy over the seeds (mean ± sample standard deviation, runs that diverged left out):\n")
		fmt.Fprintf(w, "  %s%3s %19s %15s %8s\n", key(nil), "n", "mean ± sd", "min … max", "diverged")
		for i := range rep.Cells {
			cell := &rep.Cells[i]
			switch {
			case cell.Failed:
				fmt.Fprintf(w, "  %s%3s %s\n", key(cell), "-", "FAILED the checks: not trained")
			case cell.N == 0:
				fmt.Fprintf(w, "  %s%3d %s %8d\n", key(cell), cell.N, fmt.Sprintf("%-35s", "diverged: no run to average"), cell.Diverged)
			default:
				fmt.Fprintf(w, "  %s%3d %9.4f ± %.4f %6.4f … %.4f %8d\n", key(cell), cell.N, cell.Mean, cell.Std, cell.Min, cell.Max, cell.Diverged)
			}
		}
	}
	sweepChecks(w, rep)
	whose := "claims of the chapter"
	if given {
		whose = "claims given (-claim)"
	}
	fmt.Fprintf(w, "whole sweep %s\n\n%s, judged by final test accuracy (one-sided Welch's t-test, supported when p < %g):\n",
		time.Duration(rep.WallSeconds*1e9).Round(time.Millisecond), whose, sweep.ClaimLevel)
	for _, cl := range rep.ClaimResults {
		fmt.Fprintln(w, "  "+cl.String())
	}
}

// baseConfig describes the configuration every cell shares: the values of
// an axis the sweep varies are listed in braces ("alpha {0.5, 2}"), the
// hidden activation and output only when they do not vary.
func baseConfig(rep *sweep.SweepReport, seeds string) string {
	c := rep.Config
	vals := func(axis, sep string) string {
		var vs []string
		seen := map[string]bool{}
		for _, cell := range rep.Cells {
			if v := cell.Values[axis]; !seen[v] {
				seen[v] = true
				vs = append(vs, v)
			}
		}
		return "{" + strings.Join(vs, sep) + "}"
	}
	isVaried := func(axis string) bool { return slices.Contains(rep.Varied, axis) }
	hidden, alpha, opt := sizesString(c.Hidden), fmt.Sprint(c.Alpha), c.Optimizer
	if isVaried(sweep.AxisHidden) {
		hidden = vals(sweep.AxisHidden, "; ")
	}
	if isVaried(sweep.AxisAlpha) {
		alpha = vals(sweep.AxisAlpha, ", ")
	}
	if isVaried(sweep.AxisOptimizer) {
		opt = vals(sweep.AxisOptimizer, ", ")
	}
	acts := ""
	if c.HiddenAct != "" {
		acts += " " + strings.ReplaceAll(c.HiddenAct, ",", "+")
	}
	out := ""
	if c.Output != "" {
		out = ", " + c.Output + " output"
	}
	steps := 0
	if c.Batch > 0 {
		steps = c.TrainImages / c.Batch
	}
	return fmt.Sprintf("%s, %d iterations × %d steps, hidden%s %s%s, batch %d, alpha %s (%s, learning rate %s), dropout %v, %s",
		c.Dtype, c.Iterations, steps, acts, hidden, out, c.Batch, alpha, opt, c.Schedule, c.Dropout, seeds)
}

// seedList prints seeds comma-separated, or as a range "1-N".
func seedList(seeds []uint32) string {
	consecutive := true
	for i, s := range seeds {
		if s != seeds[0]+uint32(i) {
			consecutive = false
		}
	}
	if consecutive && len(seeds) > 2 {
		return fmt.Sprintf("%d-%d", seeds[0], seeds[len(seeds)-1])
	}
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, ",")
}

// sweepChecks prints the checks made before each configuration was
// trained: one line when all passed, else every failure.
func sweepChecks(w io.Writer, rep *sweep.SweepReport) {
	if rep.OK {
		fmt.Fprintf(w, "checks: OK: the slopes and the first step's gradient of each of the %d configurations passed (%.2fs)\n",
			len(rep.Checks), rep.CheckSeconds)
		return
	}
	fmt.Fprintf(w, "checks: FAILED: %d failed check(s); a configuration that fails is not trained, ranked or averaged (%.2fs):\n",
		len(rep.Failures), rep.CheckSeconds)
	for _, f := range rep.Failures {
		fmt.Fprintln(w, "  "+f)
	}
}
