// Package app is the compare command as a library: it trains the book's MNIST
// network (Grokking Deep Learning, chapter 9) twice in lock step, as a
// Gorgonia graph and by hand, from the same weights, batches and dropout
// masks; it checks that their gradients agree at every step, prints both
// accuracy trajectories side by side, and times them.
//
//	go run ./cmd/compare                       # the book's run, 300 iterations
//	go run ./cmd/compare -iterations 20 -dtype float32
//	go run ./cmd/compare -book -plot acc.png -weights w.png -json report.json -csv acc.csv
//
// With -sweep it instead trains the hand-rolled network once for every
// configuration of a cross product of axes, each given as a list:
// -hidden-acts (a per-layer mix joined by '+'), -outputs, -alphas, -hiddens
// (sizes, ';' between networks), -optimizers, -softmax-bases, and -seeds; an
// axis without a list takes its single-run flag's value, and with no list at
// all every registered hidden activation × every output is trained. Every
// configuration is checked (slopes, loss, the first step's gradient) before
// it is trained, and one that fails is neither trained nor ranked. It prints
// a table of the accuracies, each cell's mean ± sd over the seeds, and the
// claims judged by a one-sided Welch's t-test: the chapter's two, or those
// given with -claim (A>B, e.g. selu>tanh, alpha=2>alpha=0.5), each judged on
// every pair of cells that differ in the claim's axis alone. -json, -csv and
// -plot then write the sweep's report, table and chart.
//
//	go run ./cmd/compare -sweep -iterations 50
//	go run ./cmd/compare -sweep -hidden-acts tanh,sigmoid,relu -outputs softmax,sigmoid -plot sweep.png
//	go run ./cmd/compare -sweep -alphas 0.5,2 -hiddens '32;64' -seeds 5 -claim 'hidden=64>hidden=32'
//
// # Your own activations
//
// An App holds the activations and outputs the command knows by name,
// ops.Activations() and ops.Outputs() to begin with. A program of its own
// registers more (Register; RegisterOutput for an output with a loss of its
// own; an ops.Learnable's parameters are trained and checked as weights) and
// runs the command, whose every flag, -list, -sweep, -plot and report then
// know them:
//
//	a := app.New()
//	arctan := ops.NewPointwise("arctan", math.Atan, func(y float64) float64 { c := math.Cos(y); return c * c })
//	if err := a.Register(arctan); err != nil {
//		fmt.Fprintln(os.Stderr, err)
//		os.Exit(2)
//	}
//	os.Exit(a.Main(os.Args[1:], os.Stdout, os.Stderr))
//
// # Output files
//
// Every output file (-json, -csv, -plot, -weights, -save) is checked before
// any training: its directory must be writable, an existing file must be a
// writable regular file, -plot and -weights must end in .png, and no two
// outputs, nor an output and -load, may name the same file. Every file is
// written to a temporary file beside it, synced and renamed over it (package
// outfile), so a failed or interrupted run leaves the old file as it was; a
// symbolic link is written through to its target, and an existing file keeps
// its mode (a new one gets 0666 less the umask).
//
// # Several seeds
//
// -seeds N (seeds 1..N) or -seeds 3,7,11 trains the hand-rolled network once
// per seed, for the configuration given or, with -sweep, for every cell, and
// prints each cell's mean and sample standard deviation of the final test
// accuracy. A claim of the chapter is supported only when a one-sided
// Welch's t-test at the 5% level says so (mnist.ClaimLevel); one seed per
// cell never supports a claim.
//
// SIGINT, SIGTERM or SIGHUP stops the command at any moment from the reading
// of the flags on: the temporary files are removed, one line says so, and it
// exits 130, 143 or 129. An interrupt before the writes writes no output
// file; one during the writes leaves the files already renamed complete and
// writes no other. Finding and reading the inputs and training cannot be
// stopped from inside (mnist.Compare's and mnist.Sweep's progress callbacks
// return nothing), so Main runs everything after the flags in a goroutine
// and returns on the signal; the goroutine prints nothing more and ends with
// the process (a program that calls Main and carries on lets it finish in
// the background). A write to a standard output whose reader has gone fails
// with EPIPE (SIGPIPE is caught) and exits 2 once the output files are
// written.
//
// # Exit status
//
//	0    the implementations agree and every independent check passed (in
//	     -book mode the difference is the finding, so only the checks count;
//	     with -sweep: the sweep ran, diverged runs included, since they are results);
//	     -list and -h
//	1    the gradients disagree beyond the tolerance, an independent check
//	     failed, or training diverged (mnist.ErrDiverged) or failed
//	2    bad usage (flags, arguments, output paths refused before training),
//	     bad input files (MNIST data, -load, a weights file trained with
//	     other activations than the run's), or a failed write (an output
//	     file, or standard output: "write stdout: no space left on device")
//	129  interrupted by SIGHUP
//	130  interrupted by SIGINT
//	143  interrupted by SIGTERM
//
// When several apply, the largest wins: a run whose gradients disagree and
// whose -json could not be written exits 2.
package app
