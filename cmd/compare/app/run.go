package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"outgrad/cmd/compare/internal/outfile"
	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/graph"
	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/sweep"
	"outgrad/ops"
	"outgrad/ops/blas"
)

// Main runs the command with args (without the program name), writing its
// reports to stdout and its progress and errors to stderr, and returns the
// exit status of the package documentation. A failed write to stdout (a full
// disk, a reader that has gone) is reported on stderr and makes the status
// at least 2; the output files are written all the same. A nil stdout or
// stderr discards what would be written to it; a nil App knows no
// activation, as the zero App.
//
// The interrupts are caught before the flags are read, so that no moment of
// the run is left to the signals' default action (see outfile.NotifyInterrupt).
// The flags are read on the calling goroutine; the rest of the run, which may
// block in reading files, in a subprocess or in training, runs in a goroutine
// of its own while Main waits for it or for an interrupt, so that an
// interrupt is answered at once whatever the run is doing: the temporary
// files are removed and Main returns 128+n, leaving the run's goroutine to
// end with the process. From then on that goroutine's writes to stdout are
// dropped and its output files are neither written nor renamed (the Guard is
// closed).
func (a *App) Main(args []string, stdout, stderr io.Writer) int {
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	out := outfile.NewCheckedWriter(stdout, "stdout")
	s := &invocation{stop: stderr, guard: new(outfile.Guard)}
	var stop func()
	s.ctx, stop, s.sig = outfile.NotifyInterrupt(context.Background(), s.guard)
	defer stop()
	s.stdout, s.stderr = untilDone{s.ctx, out}, untilDone{s.ctx, stderr}
	code := a.run(s, args)
	if err := out.Err(); err != nil && code < 128 {
		fmt.Fprintln(stderr, "compare:", err)
		code = max(code, 2)
	}
	return code
}

// untilDone writes to w until ctx is done, and then drops what it is given,
// so that a run left behind by an interrupt prints nothing after the line
// that says the command stopped.
type untilDone struct {
	ctx context.Context
	w   io.Writer
}

func (u untilDone) Write(p []byte) (int, error) {
	if u.ctx.Err() != nil {
		return len(p), nil
	}
	return u.w.Write(p)
}

// invocation is one run of the command: its options, outputs and interrupt.
type invocation struct {
	o              options
	stdout, stderr io.Writer // silent once interrupted
	stop           io.Writer // stderr for the line that says the command stopped
	guard          *outfile.Guard
	ctx            context.Context
	sig            func() os.Signal
	pr             *progress
	dataDir        string // the MNIST directory, found by findData
}

// findData finds the MNIST directory and refuses, before anything is read
// or trained, an output that names one of the inputs: one of the four data
// files as they will be read (.gz, else raw) or -load. Every output and
// every input is compared with every other by file identity
// (outfile.Distinct), so a hard link, a symbolic link or another spelling
// of an input counts as the input.
func (s *invocation) findData() error {
	dir, err := idx.DataDirContext(s.ctx, s.o.data)
	if err != nil {
		return err
	}
	files, err := idx.Files(dir)
	if err != nil {
		return err
	}
	labelled := map[string]string{"-load": s.o.loadPath}
	for i, what := range []string{"training images", "training labels", "test images", "test labels"} {
		labelled["the MNIST "+what] = files[i]
	}
	for name, t := range s.o.targets {
		labelled["-"+name] = t.Path()
	}
	if err := outfile.Distinct(labelled); err != nil {
		return err
	}
	s.dataDir = dir
	return nil
}

func (a *App) run(s *invocation, args []string) int {
	o, err := a.parse(args, s.stderr)
	if s.sig() != nil {
		return s.interrupted()
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(s.stderr, "compare:", message(err))
		return 2
	}
	if o.list {
		a.list(s.stdout)
		return 0
	}
	s.o = o
	s.pr = newProgress(s.stderr, o.cfg, o.quiet)
	code, _, ok := background(s.ctx, func() (int, error) { return s.work(), nil })
	if !ok || s.sig() != nil {
		return s.interrupted()
	}
	return code
}

// work is the run after the flags: it finds and checks the inputs, trains
// and writes the reports, and returns the exit status.
func (s *invocation) work() int {
	if err := blas.Init(); err != nil {
		return s.fail(2, err)
	}
	// Gorgonia's own products (the built-in network's) run on the same
	// BLAS as everything else.
	graph.InstallBLAS()
	if err := s.findData(); err != nil {
		return s.fail(2, err)
	}
	if s.o.sweep || s.o.seeds != nil {
		return s.sweep()
	}
	return s.single()
}

// fail prints err on one line and returns code.
func (s *invocation) fail(code int, err error) int {
	fmt.Fprintln(s.stderr, "compare:", message(err))
	return code
}

// interrupted stops the progress output, removes the temporary files, says
// so on one line and returns the signal's exit status.
func (s *invocation) interrupted() int {
	if s.pr != nil {
		s.pr.stop()
	}
	msg := "temporary files removed"
	if err := s.guard.Cleanup(); err != nil {
		msg = oneLine(err)
	}
	sig := s.sig()
	fmt.Fprintf(s.stop, "compare: %v: stopped (%s)\n", sig, msg)
	return outfile.ExitCode(sig)
}

// background runs fn in a goroutine and waits for it or for the interrupt,
// whichever comes first; ok is false on the interrupt, and fn is then left
// running (see Main).
func background[R any](ctx context.Context, fn func() (R, error)) (r R, err error, ok bool) {
	type result struct {
		r   R
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := fn()
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err, true
	case <-ctx.Done():
		return r, nil, false
	}
}

// single trains the implementations once and reports them.
func (s *invocation) single() int {
	o := s.o
	copts := compare.CompareOptions{Impl: o.impl, Tol: o.tol, FirstStepChecksOnly: !o.check, Serial: o.serial}
	if o.loadPath != "" {
		w, err := weightsfile.Load(o.loadPath)
		if err != nil {
			return s.fail(2, err)
		}
		if err := matchesConfig(w, o.cfg, o.dtype); err != nil {
			return s.fail(2, fmt.Errorf("-load %s: %w", o.loadPath, err))
		}
		if !w.Recorded() {
			fmt.Fprintf(s.stderr, "compare: -load %s: the file (of an older format) does not record its activations: its weights start the run's %s hidden layers and %s output as they are\n",
				o.loadPath, o.cfg.ActNames(), o.cfg.Output.Name)
		}
		copts.Init = initialFrom(w, o.cfg)
	}
	tr, err := s.trainer()
	if err != nil {
		return s.fail(2, err)
	}
	copts.Progress = s.pr.step
	copts.OnEval = func(names []string, points []mnist.Point) {
		s.pr.row(s.stdout, row(o.cfg.Book, names, points), points[0].Iteration)
	}
	rep, err := tr.compare(copts)
	s.pr.clear()
	if err != nil {
		if errors.Is(err, mnist.ErrDiverged) {
			return s.diverged(rep, err)
		}
		if errors.Is(err, mnist.ErrTooLarge) {
			// Refused before anything was trained: Compare's own estimate
			// counts the implementations -impl names.
			return s.fail(2, err)
		}
		return s.fail(1, err)
	}
	summary(s.stdout, rep)

	status := s.verdict(rep)
	if err := s.writeOutputs(rep); err != nil {
		return s.fail(2, err)
	}
	return status
}

// diverged reports a training that diverged: its summary and the reports
// asked for (-json, -csv, -plot), which hold the run up to the divergence;
// not -save or -weights, whose weights are no longer finite (one line says
// so). The status is 1, or 2 when a report could not be written.
func (s *invocation) diverged(rep *compare.Report, err error) int {
	if rep == nil {
		return s.fail(1, fmt.Errorf("training diverged: %w", err))
	}
	summary(s.stdout, rep)
	fmt.Fprintln(s.stderr, "compare: training diverged:", err)
	for _, name := range []string{"save", "weights"} {
		if t, ok := s.o.target(name); ok {
			fmt.Fprintf(s.stderr, "compare: -%s %s not written: the weights are no longer finite\n", name, t.Path())
		}
	}
	if werr := s.writeReports(rep); werr != nil {
		return s.fail(2, werr)
	}
	return 1
}

// verdict returns the exit status of a finished comparison: 1, with the
// disagreement and every failed check on stderr, when the report is not OK;
// 0 otherwise.
func (s *invocation) verdict(rep *compare.Report) int {
	if rep.OK {
		return 0
	}
	if rep.Agreement != nil && !rep.Agreement.OK {
		fmt.Fprintln(s.stderr, "compare:", rep.Agreement.Summary)
	}
	if rep.Checks != nil {
		for _, f := range rep.Checks.Failures {
			fmt.Fprintln(s.stderr, "compare: check failed:", f)
		}
	}
	return 1
}

// trainer holds the MNIST sets as mnist.Data of the element type of -dtype
// (the images stay bytes; each batch and test block is converted as it is
// used) and runs mnist.Compare or mnist.Sweep on them.
type trainer struct {
	compare func(compare.CompareOptions) (*compare.Report, error)
	sweep   func(configs []mnist.Config, seeds []uint32, progress func(string)) (*sweep.SweepReport, error)
	seeds   func(seeds []uint32, progress func(string)) (*sweep.SweepReport, error)
}

// mnistTestImages is the size of MNIST's test set, for the memory estimate
// made before the files are read.
const mnistTestImages = 10000

// trainer loads the MNIST sets and wraps them for training, after checking
// that the run fits in memory.
func (s *invocation) trainer() (trainer, error) {
	elem, impls := 8, 4
	if s.o.dtype == "float32" {
		elem = 4
	}
	// A sweep's configurations may be larger than the base (-hiddens).
	for _, c := range append([]mnist.Config{s.o.cfg}, s.o.configs...) {
		if err := mnist.CheckMemory(c, elem, impls, mnistTestImages); err != nil {
			return trainer{}, err
		}
	}
	trainSet, testSet, err := loadSets(s.dataDir, s.o)
	if err != nil {
		return trainer{}, err
	}
	// The test file may hold more than MNIST's test set: check again
	// before training on it.
	for _, c := range append([]mnist.Config{s.o.cfg}, s.o.configs...) {
		if err := mnist.CheckMemory(c, elem, impls, testSet.N); err != nil {
			return trainer{}, err
		}
	}
	if s.o.dtype == "float32" {
		return newTrainer[float32](s.o.cfg, trainSet, testSet)
	}
	return newTrainer[float64](s.o.cfg, trainSet, testSet)
}

func newTrainer[T ops.Float](c mnist.Config, trainSet, testSet idx.Set) (trainer, error) {
	train, err := mnist.NewData[T](trainSet, c.TrainImages)
	if err != nil {
		return trainer{}, err
	}
	test, err := mnist.NewData[T](testSet, testSet.N)
	if err != nil {
		return trainer{}, err
	}
	return trainer{
		compare: func(o compare.CompareOptions) (*compare.Report, error) { return compare.Compare(c, train, test, o) },
		sweep: func(configs []mnist.Config, seeds []uint32, progress func(string)) (*sweep.SweepReport, error) {
			if seeds == nil {
				seeds = []uint32{c.Seed}
			}
			return sweep.SweepConfigs(configs, seeds, train, test, progress)
		},
		seeds: func(seeds []uint32, progress func(string)) (*sweep.SweepReport, error) {
			return sweep.Seeds(c, seeds, train, test, progress)
		},
	}, nil
}

// loadSets reads, from the MNIST directory dir, the first -train-images
// training images and every test image (nothing more is decompressed).
func loadSets(dir string, o options) (trainSet, testSet idx.Set, err error) {
	trainSet, testSet, err = idx.Load(dir, o.cfg.TrainImages, idx.All)
	if errors.Is(err, idx.ErrTooFew) {
		return trainSet, testSet, fmt.Errorf("-train-images %d: %w", o.cfg.TrainImages, err)
	}
	return trainSet, testSet, err
}

// matchesConfig checks that saved weights have the dtype of the run, the
// shapes of c's network and, when the file records them (format version 3),
// c's hidden activations and output, and no parameter vector (no activation
// trained today takes one, so a file holding some was not written by a run
// this one can continue). Weights of the other dtype are refused rather than
// converted: float64 weights rounded to float32 would not be the weights
// saved, and float32 ones widened would start a float64 run that no run
// saved. A file of version 1 or 2 records no activations: nothing is checked
// of them (the caller says so).
func matchesConfig(w weightsfile.Weights, c mnist.Config, dtype string) error {
	if w.Dtype != dtype {
		return fmt.Errorf("the file holds %s weights, the run is -dtype %s (save them from a %s run, or run with -dtype %s)", w.Dtype, dtype, dtype, w.Dtype)
	}
	sizes := c.Sizes()
	if len(w.Layers) != len(sizes)-1 {
		return fmt.Errorf("the file holds %d weight matrices, the network (-hidden %s) has %d", len(w.Layers), sizesString(c.Hidden), len(sizes)-1)
	}
	for i, m := range w.Layers {
		if m.Rows != sizes[i] || m.Cols != sizes[i+1] {
			return fmt.Errorf("matrix %s is %d×%d in the file, %d×%d in the network (-hidden %s)", c.MatrixNames()[i], m.Rows, m.Cols, sizes[i], sizes[i+1], sizesString(c.Hidden))
		}
	}
	if !w.Recorded() {
		return nil
	}
	if file, run := w.HiddenActs, actNames(c); !slices.Equal(file, run) {
		noun, list := describeActs(file)
		_, runList := describeActs(run)
		return fmt.Errorf("the file was trained with %s %s, the run uses %s", noun, list, runList)
	}
	if w.Output != c.Output.Name {
		return fmt.Errorf("the file was trained with output %s, the run uses %s", w.Output, c.Output.Name)
	}
	// The activations agree, so the learnable parameters should: their
	// names and sizes are Config.WeightNames' and WeightSizes' after the
	// matrices.
	m := len(sizes) - 1
	wantNames, wantSizes := c.WeightNames()[m:], c.WeightSizes()[m:]
	names := make([]string, len(w.Params))
	for i, p := range w.Params {
		names[i] = p.Name
	}
	if !slices.Equal(names, wantNames) {
		if len(wantNames) == 0 {
			return fmt.Errorf("the file holds parameter vectors (%s), which no activation of the run takes", strings.Join(names, ", "))
		}
		return fmt.Errorf("the file holds parameter vectors (%s), the run's activations take %s", strings.Join(names, ", "), strings.Join(wantNames, ", "))
	}
	for i, p := range w.Params {
		if len(p.Data) != wantSizes[i] {
			return fmt.Errorf("parameters %s hold %d values in the file, %d in the network", p.Name, len(p.Data), wantSizes[i])
		}
	}
	return nil
}

// initialFrom returns the starting weights of a run of c from a file that
// matchesConfig accepted: its matrices, then its parameter vectors, or,
// from a file of an older format (which holds none), the parameters'
// initial values.
func initialFrom(w weightsfile.Weights, c mnist.Config) [][]float64 {
	var init [][]float64
	for _, m := range w.Layers {
		init = append(init, m.Data)
	}
	for _, p := range w.Params {
		init = append(init, p.Data)
	}
	if len(w.Params) == 0 {
		for l, i := range c.ParamIndex() {
			if i >= 0 {
				init = append(init, ops.LearnableOf(c.Acts()[l]).Params().Initial(c.Sizes()[l+1]))
			}
		}
	}
	return init
}

// actNames returns the name of every hidden layer's activation of c, input
// side first: what a weights file records.
func actNames(c mnist.Config) []string {
	acts := c.Acts()
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = a.Name()
	}
	return names
}

// describeActs names the hidden activations of names as -hidden-act takes
// them: one name when every layer has the same ("hidden activation",
// "tanh"), else one per layer ("hidden activations", "tanh,relu").
func describeActs(names []string) (noun, list string) {
	if len(names) > 0 && slices.Equal(names, slices.Repeat(names[:1], len(names))) {
		return "hidden activation", names[0]
	}
	return "hidden activations", strings.Join(names, ",")
}

// writeOutputs writes the files the flags ask for.
func (s *invocation) writeOutputs(rep *compare.Report) error {
	o := s.o
	final := rep.Runs[rep.Impls[len(rep.Impls)-1]]
	errs := []error{s.writeReports(rep)}
	if t, ok := o.target("weights"); ok {
		impl := rep.Impls[len(rep.Impls)-1]
		errs = append(errs, s.write(t, func(w io.Writer) error {
			// The matrices: the learnable activations' parameters follow.
			return writeWeightsPNG(w, impl, o.cfg.Hidden[0], final.Final[:len(o.cfg.Hidden)+1])
		}))
	}
	if t, ok := o.target("save"); ok {
		w := weightsfile.Weights{Dtype: o.dtype, HiddenActs: actNames(o.cfg), Output: o.cfg.Output.Name}
		sizes := o.cfg.Sizes()
		names := o.cfg.WeightNames()
		for i, m := range final.Final {
			if i < len(sizes)-1 {
				w.Layers = append(w.Layers, weightsfile.Matrix{Rows: sizes[i], Cols: sizes[i+1], Data: m})
			} else {
				w.Params = append(w.Params, weightsfile.Param{Name: names[i], Data: m})
			}
		}
		errs = append(errs, s.write(t, func(dst io.Writer) error { return weightsfile.Encode(dst, w) }))
	}
	return errors.Join(errs...)
}

// writeReports writes the reports asked for: -json, -csv and -plot.
func (s *invocation) writeReports(rep *compare.Report) error {
	var errs []error
	if t, ok := s.o.target("json"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeJSON(w, rep) }))
	}
	if t, ok := s.o.target("csv"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeRunCSV(w, rep) }))
	}
	if t, ok := s.o.target("plot"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeAccuracyPlot(w, rep) }))
	}
	return errors.Join(errs...)
}

// write writes t through the guard and, unless quiet, says so on stderr.
// A panic while making the file's content (a plotting library given data
// it cannot draw) is an error of that file alone: its temporary file is
// removed, the old file stays as it was, and the other outputs are written.
func (s *invocation) write(t outfile.Target, fn func(io.Writer) error) error {
	if err := t.Write(s.guard, recovering(t.Path(), fn)); err != nil {
		return err
	}
	s.wrote(t)
	return nil
}

// wrote prints one line naming a file written, unless quiet.
func (s *invocation) wrote(t outfile.Target) {
	if !s.o.quiet {
		fmt.Fprintln(s.stderr, "compare: wrote", t.Path())
	}
}

// writeJSON writes v as indented JSON to w. NaN and ±Inf, which JSON
// cannot hold, are written as null, and the paths of those values are listed
// in a last member "non_finite" (see jsonSafe), so a report is always written.
func writeJSON(w io.Writer, v any) error {
	tree, bad := jsonSafe(v)
	if o, ok := tree.(object); ok && len(bad) > 0 {
		tree = append(o, member{"non_finite", bad})
	}
	b, err := json.MarshalIndent(tree, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// recovering returns fn with a panic turned into an error naming path.
func recovering(path string, fn func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%s: could not be made: %v", path, r)
			}
		}()
		return fn(w)
	}
}
