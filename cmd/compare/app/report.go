package app

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/ops"
)

// list prints the registered activations and outputs.
func (a *App) list(w io.Writer) {
	fmt.Fprintln(w, "hidden activations (-hidden-act):")
	width := 9
	for _, act := range a.known() {
		width = max(width, len(act.Name()))
	}
	for _, act := range a.known() {
		fmt.Fprintf(w, "  %-*s slope from the %s%s\n", width, act.Name(), act.DerivedFrom(), learnableText(act))
	}
	fmt.Fprintln(w, "outputs (-output):")
	for _, o := range a.Outputs() {
		fmt.Fprintf(w, "  %-9s %s\n", o.Name, o)
	}
}

// learnableText describes the learnable parameters of act, if any:
// "; learns alpha per unit (from 0.25)".
func learnableText(act ops.Activation) string {
	l := ops.LearnableOf(act)
	if l == nil {
		return ""
	}
	p := l.Params()
	var b strings.Builder
	b.WriteString("; learns ")
	for i, n := range p.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (from %g)", n, p.Init[i])
	}
	if p.PerUnit {
		b.WriteString(" per unit")
	} else {
		b.WriteString(" shared by the layer")
	}
	return b.String()
}

// acc prints an accuracy as Python prints a float: the shortest repr.
func acc(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// row formats one evaluation in the book's style, implementations side by
// side, and below it, on a line of its own indented under the first
// implementation's name, their losses (the per-example mean of the run's
// loss, mnist.Point): the book's row stays as the book prints it.
//
//	I:10 graph Test-Acc:0.7037 Train-Acc:0.736 | handrolled Test-Acc:0.7037 Train-Acc:0.736
//	     graph Test-Loss:0.9461 Train-Loss:0.8517 | handrolled Test-Loss:0.9461 Train-Loss:0.8517
func row(book bool, names []string, points []mnist.Point) string {
	return accRow(book, names, points) + "\n" + lossRow(names, points)
}

// lossRow formats the losses of one evaluation, indented under row's first
// implementation.
func lossRow(names []string, points []mnist.Point) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", len(fmt.Sprintf("I:%d", points[0].Iteration))))
	for i, p := range points {
		if i > 0 {
			b.WriteString(" |")
		}
		fmt.Fprintf(&b, " %s Test-Loss:%s Train-Loss:%s", names[i], lossText(p.TestLoss), lossText(p.TrainLoss))
	}
	return b.String()
}

// lossText prints a loss to 6 significant digits.
func lossText(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// accRow formats the accuracies of one evaluation in the book's style.
func accRow(book bool, names []string, points []mnist.Point) string {
	var b strings.Builder
	fmt.Fprintf(&b, "I:%d", points[0].Iteration)
	for i, p := range points {
		if i > 0 {
			b.WriteString(" |")
		}
		fmt.Fprintf(&b, " %s Test-Acc:%s Train-Acc:%s", names[i], acc(p.TestAcc), acc(p.TrainAcc))
	}
	if book {
		h := points[len(points)-1] // the hand-rolled side, if it ran
		for _, r := range mnist.BookTable() {
			if r.Iteration == h.Iteration {
				mark := "✗"
				if names[len(names)-1] == mnist.ImplHandRolled && mnist.MatchesBook(h, r) {
					mark = "✓"
				}
				fmt.Fprintf(&b, " | book Test-Acc:%s Train-Acc:%s %s", acc(r.TestAcc), acc(r.TrainAcc), mark)
			}
		}
	}
	return b.String()
}

// summary prints the agreement and the timing table.
func summary(w io.Writer, rep *compare.Report) {
	c := rep.Config
	init := "the seed's draw"
	if c.LoadedInit {
		init = "loaded (-load)"
	}
	fmt.Fprintf(w, "\nconfig: %s, %d iterations × %d steps, hidden %s %s, output %s, batch %d, alpha %g, dropout %v, book %v, seed %d, initial weights %s\n",
		c.Dtype, c.Iterations, c.TrainImages/c.Batch, sizesString(c.Hidden), c.HiddenAct, c.Output, c.Batch, c.Alpha, c.Dropout, c.Book, c.Seed, init)
	fmt.Fprintf(w, "optimizer: %s, learning rate %s from alpha; losses are per-example means at evaluation (no dropout), without the 1/batch² of training\n",
		c.Optimizer, c.Schedule)
	for _, impl := range rep.Impls {
		for _, p := range rep.Runs[impl].Learned {
			fmt.Fprintf(w, "learned:   %s, %s of hidden layer %d: mean %.6g, min %.6g, max %.6g over %d value(s), from %g\n",
				impl, p.Name, p.Layer, p.Mean, p.Min, p.Max, p.Units, p.Init)
		}
	}
	if a := rep.Agreement; a != nil {
		fmt.Fprintf(w, "gradients: worst relative difference %.3g at iteration %d step %d (grad %s); worst absolute %.3g at iteration %d step %d (grad %s); first step %.3g\n",
			a.GradMaxRelDiff, a.GradMaxRelAt.Iteration, a.GradMaxRelAt.Step, a.GradMaxRelAt.Matrix,
			a.GradMaxAbsDiff, a.GradMaxAbsAt.Iteration, a.GradMaxAbsAt.Step, a.GradMaxAbsAt.Matrix, a.GradFirstStepRel)
		fmt.Fprintf(w, "weights:   worst absolute difference %.3g (%s, evaluated after iteration %d)\n",
			a.WeightsMaxAbsDiff, a.WeightsMaxAbsAt.Matrix, a.WeightsMaxAbsAt.Iteration)
		if a.TrajectoriesEqual {
			fmt.Fprintln(w, "accuracy:  trajectories identical at every evaluation (accuracies and losses)")
		} else {
			fmt.Fprintf(w, "accuracy:  trajectories differ: test by up to %.4g, train by up to %.4g; loss: test by up to %.4g, train by up to %.4g\n",
				a.TestAccMaxDiff, a.TrainAccMaxDiff, a.TestLossMaxDiff, a.TrainLossMaxDiff)
		}
		verdict := "OK"
		if !a.OK {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "agreement: %s: %s\n", verdict, a.Summary)
	} else {
		fmt.Fprintf(w, "only %s ran: no lock-step comparison\n", rep.Impls[0])
	}
	if k := rep.Checks; k != nil {
		when := "at the first step and after every evaluation"
		if !k.PerEvaluation {
			when = "at the first step only (-check=false)"
		}
		fmt.Fprintf(w, "independent checks (slopes before and after training; network checks %s; %.3gs):\n", when, k.Seconds)
		for _, l := range k.Lines() {
			fmt.Fprintln(w, "  "+l)
		}
		verdict := "OK: every independent check passed"
		if !k.OK {
			verdict = fmt.Sprintf("FAIL: %d independent check(s) failed", len(k.Failures))
		}
		if a := rep.Agreement; a != nil && !a.OK {
			verdict = "FAIL: " + a.Summary
		}
		if rep.Diverged != "" {
			verdict = "FAIL: training diverged (the checks above cover the run up to there): " + rep.Diverged
		}
		fmt.Fprintf(w, "verdict:   %s\n", verdict)
	}
	if b := rep.Book; b != nil {
		fmt.Fprintf(w, "book:      %d of the %d published rows reproduced exactly by the hand-rolled run\n", b.RowsMatching, b.Rows)
	}
	fmt.Fprintf(w, "\n%-11s %14s %14s %14s\n", "timing", "train step", "evaluation", "time in impl")
	for _, name := range rep.Impls {
		r := rep.Runs[name]
		fmt.Fprintf(w, "%-11s %14s %14s %14s\n", name, dur(r.TrainStepNsMedian), dur(r.EvalNsMedian), time.Duration(r.WallSeconds*1e9).Round(time.Millisecond))
	}
	if g, h := rep.Runs[mnist.ImplGraph], rep.Runs[mnist.ImplHandRolled]; g != nil && h != nil {
		fmt.Fprintf(w, "%-11s %14s %14s %14s\n", "graph/hand", ratio(g.TrainStepNsMedian, h.TrainStepNsMedian),
			ratio(g.EvalNsMedian, h.EvalNsMedian), ratio(int64(g.WallSeconds*1e9), int64(h.WallSeconds*1e9)))
	}
	beside := "between the steps"
	if rep.Beside {
		beside = "beside the steps, on a second core"
	}
	fmt.Fprintf(w, "(medians of every step and every evaluation; time in impl: their sum, the evaluations %s; whole run %s)\nBLAS: %s\n",
		beside, time.Duration(rep.WallSeconds*1e9).Round(time.Millisecond), rep.BLAS)
}

func dur(ns int64) string {
	if ns == 0 {
		return "-"
	}
	return time.Duration(ns).Round(time.Microsecond).String()
}

func ratio(a, b int64) string {
	if b == 0 || a == 0 {
		return "-" // nothing timed (a run that diverged before its first evaluation)
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

// sizesString prints sizes as they are typed: "100" or "128,64".
func sizesString(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// message is err on one line for the command's "compare: " prefix: the
// package compare's errors start with the same word, which is said once.
func message(err error) string {
	return strings.TrimPrefix(oneLine(err), "compare: ")
}

// oneLine joins a multi-line error onto one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
