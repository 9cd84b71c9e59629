// Command compare trains the book's MNIST network (Grokking Deep Learning,
// chapter 9) twice in lock step, as a Gorgonia graph and by hand, from the same
// weights, batches and dropout masks; it checks that their gradients agree at
// every step, prints both accuracy trajectories side by side, and times them.
//
// Exit status: 0 when the gradients agree within the tolerance (always in
// -book mode, where the difference is the finding), 1 when they do not or
// training fails, 2 for bad flags, missing data or unreadable files.
//
//	go run ./cmd/compare                       # the book's run, 300 iterations
//	go run ./cmd/compare -iterations 20 -dtype float32
//	go run ./cmd/compare -book -plot acc.png -weights w.png -json report.json
//
// With -sweep it instead trains the hand-rolled network once for every hidden
// activation × output (all registered ones, or the -hidden-acts and -outputs
// lists), all from the same seed and the other flags, and prints a table of
// their accuracies and which of the chapter's claims the numbers support. A
// full sweep of 8 activations × 3 outputs at the default 300 iterations runs
// 24 trainings of about 10 s each, a few minutes; -iterations 50 gives a quick
// look. -json and -plot then write the sweep's report and a bar chart.
//
//	go run ./cmd/compare -sweep -iterations 50
//	go run ./cmd/compare -sweep -hidden-acts tanh,sigmoid,relu -outputs softmax,sigmoid -plot sweep.png
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"outgrad/models/mnist"
	"outgrad/ops"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags.
type options struct {
	check                           bool // network checks at every evaluation
	cfg                             mnist.Config
	dtype, impl, data               string
	jsonPath, plotPath, weightsPath string
	savePath, loadPath              string
	list, quiet                     bool
	tol                             float64
	// sweep mode
	sweep bool
	acts  []ops.Activation
	outs  []ops.Output
}

// errUsage marks errors that exit with status 2.
type errUsage struct{ error }

// parse reads args into options; every failure is one line.
func parse(args []string, stderr io.Writer) (options, error) {
	o := options{cfg: mnist.DefaultConfig()}
	d := mnist.DefaultConfig()
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&o.cfg.Iterations, "iterations", d.Iterations, "passes over the training images")
	fs.Float64Var(&o.cfg.Alpha, "alpha", d.Alpha, "learning rate α (finite, > 0)")
	hidden := fs.String("hidden", "100", "units of each hidden layer, comma-separated (e.g. 128,64)")
	fs.IntVar(&o.cfg.Batch, "batch", d.Batch, "images per step")
	fs.IntVar(&o.cfg.TrainImages, "train-images", d.TrainImages, "train on the first N training images")
	seed := fs.Uint64("seed", uint64(d.Seed), "numpy seed for the initial weights and the dropout masks (0..4294967295)")
	act := fs.String("hidden-act", d.ActNames(), "hidden activation, one for every layer or one per layer (e.g. tanh,relu): "+strings.Join(ops.Names(), "|"))
	out := fs.String("output", d.Output.Name, "output activation and loss: "+strings.Join(ops.OutputNames(), "|"))
	fs.StringVar(&o.dtype, "dtype", "float64", "element type: float64|float32")
	fs.BoolVar(&o.cfg.Dropout, "dropout", d.Dropout, "drop half the hidden units while training (-dropout=false to turn off)")
	fs.IntVar(&o.cfg.EvalEvery, "eval-every", d.EvalEvery, "evaluate every N iterations")
	fs.BoolVar(&o.cfg.Book, "book", false, "hand-rolled side uses the book's post-dropout slope; show the book's published rows")
	fs.StringVar(&o.data, "data", "", "MNIST idx directory (default $"+mnist.EnvDir+", else the GoMNIST module cache)")
	fs.BoolVar(&o.list, "list", false, "list the registered activations and outputs and exit")
	fs.StringVar(&o.impl, "impl", mnist.ImplBoth, "implementations to train: graph|handrolled|builtin|both|all")
	fs.BoolVar(&o.check, "check", true, "run the finite-difference and built-in checks at every evaluation, not only at the first step (-check=false)")
	fs.StringVar(&o.jsonPath, "json", "", "write the report as JSON to `FILE`")
	fs.StringVar(&o.plotPath, "plot", "", "write accuracy curves to `FILE.png`")
	fs.StringVar(&o.weightsPath, "weights", "", "write the first-layer weights as image tiles to `FILE.png`")
	fs.StringVar(&o.savePath, "save", "", "save the final weights to `FILE`")
	fs.StringVar(&o.loadPath, "load", "", "start from the weights saved in `FILE` instead of the seed's draw")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&o.sweep, "sweep", false, "train every hidden activation × output (hand-rolled only) and print a table")
	hiddenActs := fs.String("hidden-acts", "", "with -sweep: comma-separated hidden activations (default all registered)")
	outputs := fs.String("outputs", "", "with -sweep: comma-separated outputs (default all registered)")
	base := fs.Float64("softmax-base", math.E, "base b of the softmax, b^x/Σb^x (output or hidden): above e sharpens, below softens")
	bases := fs.String("softmax-bases", "", "with -sweep: comma-separated softmax bases to sweep (e.g. 2,e,10); each replaces the softmax output")
	fs.Float64Var(&o.tol, "tol", 0, "gradient tolerance ‖Δ‖∞/‖g‖∞ (default 1e-10 for float64, 1e-4 for float32)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintln(stderr, "usage: compare [flags]")
			fs.PrintDefaults()
			return o, err
		}
		return o, errUsage{err}
	}
	if fs.NArg() > 0 {
		return o, errUsage{fmt.Errorf("unexpected argument %q (all options are flags)", fs.Arg(0))}
	}
	if *seed > math.MaxUint32 {
		return o, errUsage{fmt.Errorf("seed %d: want 0..%d", *seed, uint32(math.MaxUint32))}
	}
	o.cfg.Seed = uint32(*seed)
	var err error
	if o.cfg.Hidden, err = parseSizes(*hidden); err != nil {
		return o, errUsage{fmt.Errorf("-hidden %s: %w", *hidden, err)}
	}
	o.cfg.HiddenAct = nil
	for _, name := range splitList(*act) {
		a, err := ops.Lookup(name)
		if err != nil {
			return o, errUsage{err}
		}
		o.cfg.HiddenAct = append(o.cfg.HiddenAct, a)
	}
	if o.cfg.Output, err = ops.LookupOutput(*out); err != nil {
		return o, errUsage{err}
	}
	if o.dtype != "float64" && o.dtype != "float32" {
		return o, errUsage{fmt.Errorf("dtype %q: want float64 or float32", o.dtype)}
	}
	if err := o.cfg.Validate(); err != nil {
		return o, errUsage{err}
	}
	set := setFlags(fs)
	if set["softmax-base"] {
		if err := applySoftmaxBase(&o.cfg, *base); err != nil {
			return o, errUsage{err}
		}
	}
	if err := parseSweep(&o, *hiddenActs, *outputs, set); err != nil {
		return o, errUsage{err}
	}
	if err := parseBases(&o, *bases, set); err != nil {
		return o, errUsage{err}
	}
	if err := (mnist.CompareOptions{Impl: o.impl, Tol: o.tol}).Validate(); err != nil {
		return o, errUsage{err}
	}
	for _, p := range []struct{ flag, path string }{
		{"json", o.jsonPath}, {"plot", o.plotPath}, {"weights", o.weightsPath}, {"save", o.savePath},
	} {
		if err := checkWritable(p.path); err != nil {
			return o, errUsage{fmt.Errorf("-%s %s: %w", p.flag, p.path, err)}
		}
	}
	if o.tol == 0 {
		o.tol = 1e-10
		if o.dtype == "float32" {
			o.tol = 1e-4
		}
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "compare:", err)
		return 2
	}
	if o.list {
		list(stdout)
		return 0
	}
	if o.sweep {
		return runSweep(o, stdout, stderr)
	}
	copts := mnist.CompareOptions{Impl: o.impl, Tol: o.tol, FirstStepChecksOnly: !o.check}
	if o.loadPath != "" {
		w, err := mnist.LoadWeights(o.loadPath)
		if err != nil {
			fmt.Fprintln(stderr, "compare:", err)
			return 2
		}
		if len(o.cfg.Hidden) != 1 || w.Hidden != o.cfg.Hidden[0] {
			fmt.Fprintf(stderr, "compare: %s holds %d hidden units, -hidden is %v\n", o.loadPath, w.Hidden, o.cfg.Hidden)
			return 2
		}
		copts.Init = [][]float64{w.W01, w.W12}
	}
	trainSet, testSet, err := loadSets(o)
	if err != nil {
		fmt.Fprintln(stderr, "compare:", oneLine(err))
		return 2
	}

	pr := newProgress(stderr, o.cfg, o.quiet)
	copts.Progress = pr.step
	copts.OnEval = func(names []string, points []mnist.Point) {
		pr.clear()
		fmt.Fprintln(stdout, row(o.cfg.Book, names, points))
		pr.eval(points[0].Iteration)
	}
	var rep *mnist.Report
	if o.dtype == "float32" {
		rep, err = compare[float32](o.cfg, trainSet, testSet, copts)
	} else {
		rep, err = compare[float64](o.cfg, trainSet, testSet, copts)
	}
	pr.clear()
	if err != nil {
		fmt.Fprintln(stderr, "compare:", oneLine(err))
		return 1
	}
	summary(stdout, rep)

	status := 0
	if err := writeOutputs(o, rep); err != nil {
		fmt.Fprintln(stderr, "compare:", oneLine(err))
		status = 2
	}
	if !rep.OK {
		if rep.Agreement != nil && !rep.Agreement.OK {
			fmt.Fprintln(stderr, "compare:", rep.Agreement.Summary)
		}
		for _, f := range rep.Checks.Failures {
			fmt.Fprintln(stderr, "compare: check failed:", f)
		}
		return 1
	}
	return status
}

// loadSets finds and loads the MNIST sets and checks that the training set
// holds -train-images images.
func loadSets(o options) (trainSet, testSet mnist.Set, err error) {
	dir, err := mnist.DataDir(o.data)
	if err != nil {
		return trainSet, testSet, err
	}
	if trainSet, testSet, err = mnist.Load(dir); err != nil {
		return trainSet, testSet, err
	}
	if trainSet.N < o.cfg.TrainImages {
		return trainSet, testSet, fmt.Errorf("-train-images %d: the data holds %d", o.cfg.TrainImages, trainSet.N)
	}
	return trainSet, testSet, nil
}

// compare converts the sets to T and runs mnist.Compare.
func compare[T ops.Float](c mnist.Config, trainSet, testSet mnist.Set, o mnist.CompareOptions) (*mnist.Report, error) {
	train, err := toData[T](trainSet, c.TrainImages)
	if err != nil {
		return nil, err
	}
	test, err := toData[T](testSet, testSet.N)
	if err != nil {
		return nil, err
	}
	return mnist.Compare(c, train, test, o)
}

func toData[T ops.Float](s mnist.Set, n int) (mnist.Data[T], error) {
	var z T
	if _, ok := any(z).(float32); ok {
		d, err := s.Float32(n)
		return any(d).(mnist.Data[T]), err
	}
	d, err := s.Float64(n)
	return any(d).(mnist.Data[T]), err
}

// writeOutputs writes the files the flags ask for.
func writeOutputs(o options, rep *mnist.Report) error {
	var errs []error
	if o.jsonPath != "" {
		errs = append(errs, writeJSON(o.jsonPath, rep))
	}
	final := rep.Runs[rep.Impls[len(rep.Impls)-1]]
	if o.savePath != "" {
		if len(final.Final) != 2 {
			errs = append(errs, fmt.Errorf("-save: the weights file holds one hidden layer, the network has %d", len(final.Final)-1))
		} else {
			errs = append(errs, mnist.SaveWeights(o.savePath, o.cfg, o.dtype, final.Final[0], final.Final[1]))
		}
	}
	if o.plotPath != "" {
		errs = append(errs, writeAccuracyPlot(o.plotPath, rep))
	}
	if o.weightsPath != "" {
		errs = append(errs, writeWeightsPNG(o.weightsPath, o.cfg.Hidden[0], final.Final[0], final.Final[len(final.Final)-1]))
	}
	return errors.Join(errs...)
}

// list prints the registered activations and outputs.
func list(w io.Writer) {
	fmt.Fprintln(w, "hidden activations (-hidden-act):")
	for _, n := range ops.Names() {
		fmt.Fprintln(w, "  "+n)
	}
	fmt.Fprintln(w, "outputs (-output):")
	for _, o := range ops.Outputs() {
		fmt.Fprintf(w, "  %-9s %s\n", o.Name, o)
	}
}

// acc prints an accuracy as Python prints a float: the shortest repr.
func acc(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// row formats one evaluation in the book's style, implementations side by side.
func row(book bool, names []string, points []mnist.Point) string {
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
func summary(w io.Writer, rep *mnist.Report) {
	c := rep.Config
	init := "the seed's draw"
	if c.LoadedInit {
		init = "loaded (-load)"
	}
	fmt.Fprintf(w, "\nconfig: %s, %d iterations × %d steps, hidden %s %s, output %s, batch %d, alpha %g, dropout %v, book %v, seed %d, initial weights %s\n",
		c.Dtype, c.Iterations, c.TrainImages/c.Batch, sizesString(c.Hidden), c.HiddenAct, c.Output, c.Batch, c.Alpha, c.Dropout, c.Book, c.Seed, init)
	if a := rep.Agreement; a != nil {
		fmt.Fprintf(w, "gradients: worst relative difference %.3g at iteration %d step %d (grad %s); worst absolute %.3g at iteration %d step %d (grad %s); first step %.3g\n",
			a.GradMaxRelDiff, a.GradMaxRelAt.Iteration, a.GradMaxRelAt.Step, a.GradMaxRelAt.Matrix,
			a.GradMaxAbsDiff, a.GradMaxAbsAt.Iteration, a.GradMaxAbsAt.Step, a.GradMaxAbsAt.Matrix, a.GradFirstStepRel)
		fmt.Fprintf(w, "weights:   worst absolute difference %.3g (%s, evaluated after iteration %d)\n",
			a.WeightsMaxAbsDiff, a.WeightsMaxAbsAt.Matrix, a.WeightsMaxAbsAt.Iteration)
		if a.TrajectoriesEqual {
			fmt.Fprintln(w, "accuracy:  trajectories identical at every evaluation")
		} else {
			fmt.Fprintf(w, "accuracy:  trajectories differ: test by up to %.4g, train by up to %.4g\n", a.TestAccMaxDiff, a.TrainAccMaxDiff)
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
		fmt.Fprintf(w, "%-11s %13.2f× %13.2f× %13.2f×\n", "graph/hand", ratio(g.TrainStepNsMedian, h.TrainStepNsMedian),
			ratio(g.EvalNsMedian, h.EvalNsMedian), g.WallSeconds/h.WallSeconds)
	}
	fmt.Fprintf(w, "(medians of every step and every evaluation; whole run %s; BLAS: %s)\n", time.Duration(rep.WallSeconds*1e9).Round(time.Millisecond), rep.BLAS)
}

func dur(ns int64) string {
	return time.Duration(ns).Round(time.Microsecond).String()
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// parseSizes reads comma-separated hidden layer sizes.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range splitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a whole number ≥ 1", f)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("no sizes")
	}
	return sizes, nil
}

// sizesString prints sizes as they are typed: "100" or "128,64".
func sizesString(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// oneLine joins a multi-line error onto one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}

// checkWritable reports, before any training, whether a file can be created at
// path: it creates and removes a temporary file in path's directory, and
// refuses a path that is a directory. An empty path is not asked for.
func checkWritable(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("is a directory")
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".compare-check-*")
	if err != nil {
		return fmt.Errorf("cannot write there: %w", err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// applySoftmaxBase gives the softmax of the configuration (output or hidden)
// the base b.
func applySoftmaxBase(c *mnist.Config, b float64) error {
	act, err := ops.NewSoftmax(b)
	if err != nil {
		return err
	}
	used := false
	if c.Output.CrossEntropy {
		if c.Output, err = ops.SoftmaxOutput(b); err != nil {
			return err
		}
		used = true
	}
	for i, a := range c.HiddenAct {
		if a == ops.Softmax {
			c.HiddenAct[i], used = act, true
		}
	}
	if !used {
		return fmt.Errorf("-softmax-base %v: neither the output nor the hidden activation is softmax", b)
	}
	return nil
}

// parseBases, with -sweep, replaces the softmax output in o.outs by one
// softmax output per base of the -softmax-bases list ("e" is accepted).
func parseBases(o *options, list string, set map[string]bool) error {
	if !set["softmax-bases"] {
		return nil
	}
	if !o.sweep {
		return fmt.Errorf("-softmax-bases needs -sweep (use -softmax-base for one run)")
	}
	var outs []ops.Output
	for _, f := range splitList(list) {
		b := math.E
		if f != "e" {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return fmt.Errorf("-softmax-bases: %q is not a number", f)
			}
			b = v
		}
		out, err := ops.SoftmaxOutput(b)
		if err != nil {
			return err
		}
		outs = append(outs, out)
	}
	if len(outs) == 0 {
		return fmt.Errorf("-softmax-bases %q: no base given", list)
	}
	var kept []ops.Output
	for _, out := range o.outs {
		if out.CrossEntropy {
			kept = append(kept, outs...)
			outs = nil
			continue
		}
		kept = append(kept, out)
	}
	if outs != nil {
		return fmt.Errorf("-softmax-bases: the sweep has no softmax output to vary")
	}
	o.outs = kept
	return nil
}

// writeJSON writes v as indented JSON to path.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
