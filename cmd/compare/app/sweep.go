package app

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"outgrad/models/mnist"
	"outgrad/models/mnist/sweep"
)

// parseSweep fills o.acts and o.outs from the -hidden-acts and -outputs
// lists and rejects flags that do not apply to the mode chosen.
func (a *App) parseSweep(o *options, acts, outs string, set map[string]bool) error {
	if !o.sweep {
		for _, name := range []string{"hidden-acts", "outputs"} {
			if set[name] {
				return fmt.Errorf("-%s needs -sweep", name)
			}
		}
		return nil
	}
	for _, name := range []string{"hidden-act", "output", "impl", "save", "load", "weights", "tol", "book", "softmax-base"} {
		if set[name] {
			return fmt.Errorf("-%s does not apply to -sweep (it trains the hand-rolled net once per hidden activation × output)", name)
		}
	}
	o.acts, o.outs = a.Activations(), a.Outputs()
	if set["hidden-acts"] {
		o.acts = nil
		seen := map[string]bool{}
		for _, name := range splitList(acts) {
			act, err := a.Lookup(name)
			if err != nil {
				return err
			}
			if seen[name] {
				return fmt.Errorf("-hidden-acts: %s is given twice (its runs would count twice)", name)
			}
			seen[name] = true
			o.acts = append(o.acts, act)
		}
		if len(o.acts) == 0 {
			return fmt.Errorf("-hidden-acts %q: no activation named", acts)
		}
	}
	if set["outputs"] {
		o.outs = nil
		seen := map[string]bool{}
		for _, name := range splitList(outs) {
			out, err := a.LookupOutput(name)
			if err != nil {
				return err
			}
			if seen[name] {
				return fmt.Errorf("-outputs: %s is given twice (its runs would count twice)", name)
			}
			seen[name] = true
			o.outs = append(o.outs, out)
		}
		if len(o.outs) == 0 {
			return fmt.Errorf("-outputs %q: no output named", outs)
		}
	}
	return nil
}

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
		rep, err = tr.sweep(s.o.seeds, s.o.acts, s.o.outs, s.pr.line)
	}
	if errors.Is(err, mnist.ErrTooLarge) {
		return s.fail(2, err) // refused before anything was trained
	}
	if err != nil {
		return s.fail(1, err)
	}
	sweepTable(s.stdout, rep)
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
// claims.
func sweepTable(w io.Writer, rep *sweep.SweepReport) {
	c := rep.Config
	seeds := fmt.Sprintf("seed %d", c.Seed)
	if len(rep.Seeds) > 1 {
		seeds = fmt.Sprintf("%d seeds (%s)", len(rep.Seeds), seedList(rep.Seeds))
	}
	fmt.Fprintf(w, "sweep: %s, %s, %d iterations × %d steps, hidden %s, batch %d, alpha %g (%s, learning rate %s), dropout %v, %s; accuracies after the last iteration\n",
		rep.Impl, c.Dtype, c.Iterations, c.TrainImages/c.Batch, sizesString(c.Hidden), c.Batch, c.Alpha, c.Optimizer, c.Schedule, c.Dropout, seeds)
	hw, ow := len("hidden"), len("output")
	for _, r := range rep.Runs {
		hw, ow = max(hw, len(r.HiddenAct)), max(ow, len(r.Output))
	}
	fmt.Fprintf(w, "  %-*s %-*s %10s %10s %18s %11s %9s\n", hw, "hidden", ow, "output", "seed", "final test", "best test (@iter)", "final train", "time")
	for _, r := range rep.Runs {
		mark := " "
		if r.Best {
			mark = "*"
		}
		t := time.Duration(r.WallSeconds * 1e9).Round(10 * time.Millisecond).String()
		if r.Failed {
			fmt.Fprintf(w, "%s %-*s %-*s %10d %s\n", mark, hw, r.HiddenAct, ow, r.Output, r.Seed, "FAILED the checks: not trained")
			continue
		}
		if r.Diverged {
			fmt.Fprintf(w, "%s %-*s %-*s %10d %s (%s)\n", mark, hw, r.HiddenAct, ow, r.Output, r.Seed, "diverged", r.Error)
			continue
		}
		best := fmt.Sprintf("%.4f (@%d)", r.BestTestAcc, r.BestIteration)
		fmt.Fprintf(w, "%s %-*s %-*s %10d %10.4f %18s %11.4f %9s\n", mark, hw, r.HiddenAct, ow, r.Output, r.Seed, r.FinalTestAcc, best, r.FinalTrainAcc, t)
	}
	if rep.Best >= 0 {
		b := rep.Runs[rep.Best]
		fmt.Fprintf(w, "* best final test accuracy: %s hidden, %s output, seed %d, %.4f (after iteration %d)\n", b.HiddenAct, b.Output, b.Seed, b.FinalTestAcc, b.FinalIteration)
	} else {
		fmt.Fprintln(w, "no run to rank: every run diverged or failed the checks")
	}
	if len(rep.Seeds) > 1 {
		fmt.Fprintf(w, "\nfinal test accuracy over the seeds (mean ± sample standard deviation, runs that diverged left out):\n")
		fmt.Fprintf(w, "  %-*s %-*s %3s %19s %15s %8s\n", hw, "hidden", ow, "output", "n", "mean ± sd", "min … max", "diverged")
		for _, cell := range rep.Cells {
			if cell.Failed {
				fmt.Fprintf(w, "  %-*s %-*s %3s %s\n", hw, cell.HiddenAct, ow, cell.Output, "-", "FAILED the checks: not trained")
				continue
			}
			if cell.N == 0 {
				fmt.Fprintf(w, "  %-*s %-*s %3d %s %8d\n", hw, cell.HiddenAct, ow, cell.Output, cell.N, fmt.Sprintf("%-35s", "diverged: no run to average"), cell.Diverged)
				continue
			}
			fmt.Fprintf(w, "  %-*s %-*s %3d %9.4f ± %.4f %6.4f … %.4f %8d\n", hw, cell.HiddenAct, ow, cell.Output, cell.N, cell.Mean, cell.Std, cell.Min, cell.Max, cell.Diverged)
		}
	}
	sweepChecks(w, rep)
	fmt.Fprintf(w, "whole sweep %s\n\nclaims of the chapter, judged by final test accuracy (one-sided Welch's t-test, supported when p < %g):\n",
		time.Duration(rep.WallSeconds*1e9).Round(time.Millisecond), sweep.ClaimLevel)
	for _, cl := range rep.Claims() {
		fmt.Fprintln(w, "  "+cl.String())
	}
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

// writeSweepPlot draws the final test accuracy of every run as grouped bars:
// one group per hidden activation, one bar per output. A diverged run has no bar.
func writeSweepPlot(w io.Writer, rep *sweep.SweepReport) error {
	var hidden, outs []string
	seen := map[string]bool{}
	for _, r := range rep.Runs {
		if !seen["h:"+r.HiddenAct] {
			seen["h:"+r.HiddenAct] = true
			hidden = append(hidden, r.HiddenAct)
		}
		if !seen["o:"+r.Output] {
			seen["o:"+r.Output] = true
			outs = append(outs, r.Output)
		}
	}
	if len(hidden) == 0 {
		return errors.New("plot: the sweep has no run to draw")
	}
	p := plot.New()
	c := rep.Config
	what := "test accuracy after the last iteration"
	if len(rep.Seeds) > 1 {
		what = fmt.Sprintf("mean test accuracy over %d seeds after the last iteration", len(rep.Seeds))
	}
	p.Title.Text = fmt.Sprintf("MNIST sweep: %s (I:%d of %d iterations; %s, %s)", what, c.Iterations-1, c.Iterations, rep.Impl, c.Dtype)
	p.X.Label.Text = "hidden activation"
	p.Y.Label.Text = "final test accuracy"
	p.Y.Min, p.Y.Max = 0, 1.15 // room for the legend above the bars
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	width := vg.Points(60 / float64(len(outs)))
	for k, out := range outs {
		vals := make(plotter.Values, len(hidden))
		for i, h := range hidden {
			if cell, ok := rep.Cell(h, out); ok && cell.N > 0 {
				vals[i] = cell.Mean
			}
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		bars.Color = seriesColor(k)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(k)-float64(len(outs)-1)/2)
		p.Add(bars)
		p.Legend.Add(out+" output", bars)
	}
	p.NominalX(hidden...)
	p.X.Min, p.X.Max = -0.6, float64(len(hidden))-0.4
	return savePNG(p, vg.Length(max(8, len(hidden)))*vg.Inch, 5*vg.Inch, w)
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
