package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"outgrad/cmd/compare/app/outfile"
	"outgrad/models/mnist"
	"outgrad/ops"
)

// Main runs the command with args (without the program name), writing its
// reports to stdout and its progress and errors to stderr, and returns the
// exit status of the package documentation. A failed write to stdout is
// reported on stderr and makes the status at least 2.
func (a *App) Main(args []string, stdout, stderr io.Writer) int {
	out := outfile.NewCheckedWriter(stdout, "stdout")
	code := a.run(args, out, stderr)
	if err := out.Err(); err != nil && code < 128 {
		fmt.Fprintln(stderr, "compare:", err)
		code = max(code, 2)
	}
	return code
}

// session is one run of the command: its options, outputs and interrupt.
type session struct {
	o              options
	stdout, stderr io.Writer
	guard          *outfile.Guard
	ctx            context.Context
	sig            func() os.Signal
	pr             *progress
}

func (a *App) run(args []string, stdout, stderr io.Writer) int {
	o, err := a.parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "compare:", oneLine(err))
		return 2
	}
	if o.list {
		a.list(stdout)
		return 0
	}
	s := &session{o: o, stdout: stdout, stderr: stderr, guard: new(outfile.Guard)}
	var stop func()
	s.ctx, stop, s.sig = outfile.NotifyInterrupt(context.Background(), s.guard)
	defer stop()
	s.pr = newProgress(stderr, o.cfg, o.quiet)
	if o.sweep {
		return s.sweep()
	}
	return s.single()
}

// fail prints err on one line and returns code.
func (s *session) fail(code int, err error) int {
	fmt.Fprintln(s.stderr, "compare:", oneLine(err))
	return code
}

// interrupted stops the progress output, removes the temporary files, says
// so on one line and returns the signal's exit status.
func (s *session) interrupted() int {
	s.pr.stop()
	msg := "temporary files removed"
	if err := s.guard.Cleanup(); err != nil {
		msg = oneLine(err)
	}
	sig := s.sig()
	fmt.Fprintf(s.stderr, "compare: %v: stopped (%s)\n", sig, msg)
	return outfile.ExitCode(sig)
}

// background runs fn in a goroutine and waits for it or for the interrupt,
// whichever comes first; ok is false on the interrupt, and fn is then left
// running (see the package documentation).
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
func (s *session) single() int {
	o := s.o
	copts := mnist.CompareOptions{Impl: o.impl, Tol: o.tol, FirstStepChecksOnly: !o.check}
	if o.loadPath != "" {
		w, err := mnist.LoadWeights(o.loadPath)
		if err != nil {
			return s.fail(2, err)
		}
		if len(o.cfg.Hidden) != 1 || w.Hidden != o.cfg.Hidden[0] {
			return s.fail(2, fmt.Errorf("%s holds %d hidden units, -hidden is %v", o.loadPath, w.Hidden, o.cfg.Hidden))
		}
		copts.Init = [][]float64{w.W01, w.W12}
	}
	tr, err := s.trainer()
	if err != nil {
		return s.fail(2, err)
	}
	copts.Progress = s.pr.step
	copts.OnEval = func(names []string, points []mnist.Point) {
		s.pr.row(s.stdout, row(o.cfg.Book, names, points), points[0].Iteration)
	}
	rep, err, ok := background(s.ctx, func() (*mnist.Report, error) { return tr.compare(copts) })
	if !ok {
		return s.interrupted()
	}
	s.pr.clear()
	if err != nil {
		if errors.Is(err, mnist.ErrDiverged) {
			return s.fail(1, fmt.Errorf("training diverged: %w", err))
		}
		return s.fail(1, err)
	}
	summary(s.stdout, rep)

	status := 0
	if !rep.OK {
		if rep.Agreement != nil && !rep.Agreement.OK {
			fmt.Fprintln(s.stderr, "compare:", rep.Agreement.Summary)
		}
		if rep.Checks != nil {
			for _, f := range rep.Checks.Failures {
				fmt.Fprintln(s.stderr, "compare: check failed:", f)
			}
		}
		status = 1
	}
	if err := s.writeOutputs(rep); err != nil {
		if s.sig() != nil {
			return s.interrupted()
		}
		return s.fail(2, err)
	}
	if s.sig() != nil {
		return s.interrupted()
	}
	return status
}

// trainer holds the training sets converted to the element type of -dtype
// and runs mnist.Compare or mnist.Sweep on them.
type trainer struct {
	compare func(mnist.CompareOptions) (*mnist.Report, error)
	sweep   func(acts []ops.Activation, outs []ops.Output, progress func(string)) (*mnist.SweepReport, error)
}

// trainer loads the MNIST sets and converts them for training.
func (s *session) trainer() (trainer, error) {
	trainSet, testSet, err := loadSets(s.o)
	if err != nil {
		return trainer{}, err
	}
	if s.o.dtype == "float32" {
		return newTrainer[float32](s.o.cfg, trainSet, testSet)
	}
	return newTrainer[float64](s.o.cfg, trainSet, testSet)
}

func newTrainer[T ops.Float](c mnist.Config, trainSet, testSet mnist.Set) (trainer, error) {
	train, err := toData[T](trainSet, c.TrainImages)
	if err != nil {
		return trainer{}, err
	}
	test, err := toData[T](testSet, testSet.N)
	if err != nil {
		return trainer{}, err
	}
	return trainer{
		compare: func(o mnist.CompareOptions) (*mnist.Report, error) { return mnist.Compare(c, train, test, o) },
		sweep: func(acts []ops.Activation, outs []ops.Output, progress func(string)) (*mnist.SweepReport, error) {
			return mnist.Sweep(c, acts, outs, train, test, progress)
		},
	}, nil
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

// toData converts the first n images of s to element type T.
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
func (s *session) writeOutputs(rep *mnist.Report) error {
	o := s.o
	final := rep.Runs[rep.Impls[len(rep.Impls)-1]]
	var errs []error
	if t, ok := o.target("json"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeJSON(w, rep) }))
	}
	if t, ok := o.target("csv"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeRunCSV(w, rep) }))
	}
	if t, ok := o.target("plot"); ok {
		errs = append(errs, s.write(t, func(w io.Writer) error { return writeAccuracyPlot(w, rep) }))
	}
	if t, ok := o.target("weights"); ok {
		impl := rep.Impls[len(rep.Impls)-1]
		errs = append(errs, s.write(t, func(w io.Writer) error {
			return writeWeightsPNG(w, impl, o.cfg.Hidden[0], final.Final)
		}))
	}
	if t, ok := o.target("save"); ok && s.sig() == nil {
		// mnist.SaveWeights writes the file itself, by rename.
		var err error
		if len(final.Final) != 2 {
			err = fmt.Errorf("-save: the weights file holds one hidden layer, the network has %d", len(final.Final)-1)
		} else if err = mnist.SaveWeights(t.Path(), o.cfg, o.dtype, final.Final[0], final.Final[1]); err == nil {
			s.wrote(t)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// write writes t through the guard and, unless quiet, says so on stderr.
func (s *session) write(t outfile.Target, fn func(io.Writer) error) error {
	if err := t.Write(s.guard, fn); err != nil {
		return err
	}
	s.wrote(t)
	return nil
}

// wrote prints one line naming a file written, unless quiet.
func (s *session) wrote(t outfile.Target) {
	if !s.o.quiet {
		fmt.Fprintln(s.stderr, "compare: wrote", t.Path())
	}
}

// writeJSON writes v as indented JSON to w.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
