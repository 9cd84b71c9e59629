package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"outgrad/cmd/compare/internal/outfile"
	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/sweep"
	"outgrad/ops/optim"
)

// options are the parsed flags.
type options struct {
	check             bool // network checks at every evaluation
	serial            bool // evaluations and checks between the steps (CompareOptions.Serial)
	cfg               mnist.Config
	dtype, impl, data string
	loadPath          string
	// targets holds the output files asked for, checked, by flag name
	// ("json", "csv", "plot", "weights", "save").
	targets     map[string]outfile.Target
	list, quiet bool
	tol         float64
	// seeds, from -seeds: several runs of the hand-rolled net per
	// configuration (nil without the flag)
	seeds []uint32
	// sweep mode: the axes given, the configurations of their cross
	// product (with -seeds alone, the one configuration), and the claims
	// to judge (nil: the chapter's)
	sweep   bool
	grid    sweep.Grid
	configs []mnist.Config
	claims  []sweep.ClaimSpec
}

// target returns the output file of flag name and whether it was asked for.
func (o options) target(name string) (outfile.Target, bool) {
	t, ok := o.targets[name]
	return t, ok
}

// AdamAlpha is -alpha's default with -optimizer adam (Kingma and Ba's): the
// book's 2 is a step of SGD on its loss scale, with which Adam, whose steps
// are about α each, diverges.
const AdamAlpha = 0.001

// outputFlags are the flags naming output files, in the order they are
// checked and written, and the extension each needs ("" for any).
var outputFlags = []struct{ name, ext, usage string }{
	{"json", "", "write the report as JSON to `FILE`"},
	{"csv", "", "write the accuracies, losses (and gradient norms) as CSV to `FILE`: one row per evaluation, or with -sweep one per run"},
	{"plot", ".png", "write accuracy curves (with -sweep a bar chart) to `FILE.png`"},
	{"weights", ".png", "write the first-layer weights as image tiles to `FILE.png`"},
	{"save", "", "save the final weights, with the dtype and activations they were trained with, to `FILE`"},
}

// errUsage marks errors that exit with status 2.
type errUsage struct{ error }

// parse reads args into options; every failure is one line.
func (a *App) parse(args []string, stderr io.Writer) (options, error) {
	o := options{cfg: mnist.DefaultConfig()}
	d := mnist.DefaultConfig()
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(decimal{&o.cfg.Iterations}, "iterations", "passes over the training images")
	fs.Float64Var(&o.cfg.Alpha, "alpha", d.Alpha, fmt.Sprintf("learning rate α (finite, > 0; with -optimizer adam the default is %g)", AdamAlpha))
	hidden := fs.String("hidden", "100", "units of each hidden layer, comma-separated (e.g. 128,64)")
	fs.Var(decimal{&o.cfg.Batch}, "batch", "images per step")
	fs.Var(decimal{&o.cfg.TrainImages}, "train-images", "train on the first N training images")
	seed := uint64(d.Seed)
	fs.Var(decimal64{&seed}, "seed", "numpy seed for the initial weights and the dropout masks (0..4294967295)")
	seeds := fs.String("seeds", "", "train with several seeds (hand-rolled) and report mean ± standard deviation: `N` for seeds 1..N, or a list such as 3,7,11; with -sweep, every cell")
	act := fs.String("hidden-act", d.ActNames(), "hidden activation, one for every layer or one per layer (e.g. tanh,relu): "+strings.Join(a.Names(), "|"))
	out := fs.String("output", d.Output.Name, "output activation and loss: "+strings.Join(a.OutputNames(), "|"))
	fs.StringVar(&o.dtype, "dtype", "float64", "element type: float64|float32")
	fs.BoolVar(&o.cfg.Dropout, "dropout", d.Dropout, "drop half the hidden units while training (-dropout=false to turn off)")
	fs.Var(decimal{&o.cfg.EvalEvery}, "eval-every", "evaluate every N iterations")
	fs.BoolVar(&o.cfg.Book, "book", false, "hand-rolled side uses the book's post-dropout slope; show the book's published rows")
	fs.StringVar(&o.data, "data", "", "MNIST idx directory (default $"+idx.EnvDir+", else the GoMNIST module cache)")
	fs.BoolVar(&o.list, "list", false, "list the registered activations and outputs and exit")
	fs.StringVar(&o.impl, "impl", compare.ImplBoth, "implementations to train: graph|handrolled|builtin|both|all")
	fs.BoolVar(&o.check, "check", true, "run the finite-difference and built-in checks at every evaluation, not only at the first step (-check=false)")
	fs.BoolVar(&o.serial, "serial", false, "evaluate and check between the training steps, as the book does, not beside them on a second core")
	paths := map[string]*string{}
	for _, f := range outputFlags {
		paths[f.name] = fs.String(f.name, "", f.usage)
	}
	fs.StringVar(&o.loadPath, "load", "", "start from the weights saved in `FILE` instead of the seed's draw (refused when trained with other activations)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&o.sweep, "sweep", false, "train every hidden activation × output (hand-rolled only) and print a table")
	hiddenActs := fs.String("hidden-acts", "", "with -sweep: comma-separated hidden activations, a per-layer mix joined by + (e.g. tanh,relu,tanh+relu)")
	outputs := fs.String("outputs", "", "with -sweep: comma-separated outputs")
	alphas := fs.String("alphas", "", "with -sweep: comma-separated learning rates α (e.g. 0.5,1,2)")
	hiddens := fs.String("hiddens", "", "with -sweep: network shapes separated by ';', each comma-separated sizes (e.g. '100;128,64')")
	optimizers := fs.String("optimizers", "", "with -sweep: comma-separated update rules: "+strings.Join(optim.Names(), "|"))
	var claims claimFlag
	fs.Var(&claims, "claim", "with -sweep, repeatable: judge the claim A>B (A's final test accuracy greater than B's), e.g. selu>tanh, alpha=2>alpha=0.5, hidden=128>hidden=100")
	baseText := fs.String("softmax-base", "e", "base b of the softmax, b^x/Σb^x (output or hidden), a number or e: above e sharpens, below softens")
	bases := fs.String("softmax-bases", "", "with -sweep: comma-separated softmax bases to sweep (e.g. 2,e,10); each replaces the softmax output")
	optimizerSet := optimizerFlags(fs, &o.cfg)
	fs.Float64Var(&o.tol, "tol", 0, fmt.Sprintf("gradient tolerance ‖Δ‖∞/‖g‖∞ (0: the default, %g for float64, %g for float32)",
		compare.DefaultTolerance[float64](), compare.DefaultTolerance[float32]()))
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
	for name, v := range map[string]*string{"hidden": hidden, "hidden-act": act, "seeds": seeds,
		"hidden-acts": hiddenActs, "outputs": outputs, "softmax-bases": bases, "alphas": alphas, "optimizers": optimizers} {
		if err := noEmptyItem(*v); err != nil {
			return o, errUsage{fmt.Errorf("-%s %s: %w", name, *v, err)}
		}
	}
	if seed > math.MaxUint32 {
		return o, errUsage{fmt.Errorf("seed %d: want 0..%d", seed, uint32(math.MaxUint32))}
	}
	o.cfg.Seed = uint32(seed)
	var err error
	if o.cfg.Hidden, err = parseSizes(*hidden); err != nil {
		return o, errUsage{fmt.Errorf("-hidden %s: %w", *hidden, err)}
	}
	o.cfg.HiddenAct = nil
	for _, name := range splitList(*act) {
		act, err := a.Lookup(name)
		if err != nil {
			return o, errUsage{err}
		}
		o.cfg.HiddenAct = append(o.cfg.HiddenAct, act)
	}
	if o.cfg.Output, err = a.LookupOutput(*out); err != nil {
		return o, errUsage{err}
	}
	if o.dtype != "float64" && o.dtype != "float32" {
		return o, errUsage{fmt.Errorf("dtype %q: want float64 or float32", o.dtype)}
	}
	set := setFlags(fs)
	if err := optimizerSet(set, optimizerRules(*optimizers, set)); err != nil {
		return o, errUsage{err}
	}
	if o.cfg.Optimizer.Name == optim.Adam && !set["alpha"] {
		// The book's α = 2 is SGD's on its loss scale; Adam's steps are
		// about α each, whatever the scale: Kingma and Ba's 0.001.
		o.cfg.Alpha = AdamAlpha
	}
	if err := o.cfg.Validate(); err != nil {
		return o, errUsage{err}
	}
	if set["softmax-base"] {
		base, err := parseBase(*baseText)
		if err != nil {
			return o, errUsage{fmt.Errorf("-softmax-base: %w", err)}
		}
		if err := applySoftmaxBase(&o.cfg, base); err != nil {
			return o, errUsage{err}
		}
	}
	if err := a.parseSweep(&o, axisLists{acts: *hiddenActs, outs: *outputs, alphas: *alphas, hiddens: *hiddens, optimizers: *optimizers}, set); err != nil {
		return o, errUsage{err}
	}
	if err := parseBases(&o, *bases, set); err != nil {
		return o, errUsage{err}
	}
	if set["seeds"] {
		if o.seeds, err = parseSeeds(*seeds); err != nil {
			return o, errUsage{fmt.Errorf("-seeds %s: %w", *seeds, err)}
		}
		for _, name := range []string{"seed", "impl", "save", "load", "weights", "tol", "book"} {
			if set[name] {
				return o, errUsage{fmt.Errorf("-%s does not apply to -seeds (it trains the hand-rolled net once per seed)", name)}
			}
		}
	}
	if err := o.sweepConfigs(claims, set); err != nil {
		return o, errUsage{err}
	}
	if err := (compare.CompareOptions{Impl: o.impl, Tol: o.tol}).ValidateFor(o.cfg); err != nil {
		return o, errUsage{err}
	}
	if o.targets, err = checkOutputs(paths, o.loadPath); err != nil {
		return o, errUsage{err}
	}
	if _, ok := o.targets["save"]; ok {
		for _, name := range append(actNames(o.cfg), o.cfg.Output.Name) {
			if !weightsfile.ValidName(name) {
				return o, errUsage{fmt.Errorf("-save: a weights file cannot record the name %q (1..%d printable bytes)", name, weightsfile.MaxName)}
			}
		}
	}
	return o, nil
}

// checkOutputs checks, before any training, every output file asked for (its
// extension, that it can be written) and that no two of them, nor one of them
// and the input load, name the same file.
func checkOutputs(paths map[string]*string, load string) (map[string]outfile.Target, error) {
	labelled := map[string]string{"-load": load}
	targets := map[string]outfile.Target{}
	for _, f := range outputFlags {
		p := *paths[f.name]
		if p == "" {
			continue
		}
		if strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator)) {
			return nil, fmt.Errorf("-%s %s: names a directory; want a file", f.name, p)
		}
		if f.ext != "" && !strings.EqualFold(filepath.Ext(p), f.ext) {
			return nil, fmt.Errorf("-%s %s: want a %s file", f.name, p, f.ext)
		}
		t, err := outfile.Check(p)
		if err != nil {
			return nil, fmt.Errorf("-%s: %w", f.name, err)
		}
		targets[f.name] = t
		labelled["-"+f.name] = p
	}
	if err := outfile.Distinct(labelled); err != nil {
		return nil, err
	}
	return targets, nil
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// maxSeeds bounds -seeds N and the length of a -seeds list.
const maxSeeds = 1000

// parseSeeds reads -seeds: a single whole number N means the seeds 1..N; a
// comma-separated list (two or more) gives them one by one, without repeats.
func parseSeeds(s string) ([]uint32, error) {
	fields := splitList(s)
	if len(fields) == 0 {
		return nil, errors.New("no seeds")
	}
	if strings.Contains(s, ",") && len(fields) < 2 {
		return nil, fmt.Errorf("%q: a list needs two seeds or more (a single number N means seeds 1..N)", s)
	}
	if len(fields) == 1 {
		n, err := strconv.Atoi(fields[0])
		if err != nil || n < 1 || n > maxSeeds {
			return nil, fmt.Errorf("%q: want a count from 1 to %d, or a list of seeds such as 3,7,11", fields[0], maxSeeds)
		}
		seeds := make([]uint32, n)
		for i := range seeds {
			seeds[i] = uint32(i + 1)
		}
		return seeds, nil
	}
	if len(fields) > maxSeeds {
		return nil, fmt.Errorf("a list of %d seeds: at most %d", len(fields), maxSeeds)
	}
	seen := map[uint32]bool{}
	var seeds []uint32
	for _, f := range fields {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%q is not a seed (0..%d)", f, uint32(math.MaxUint32))
		}
		if seen[uint32(v)] {
			return nil, fmt.Errorf("seed %d is given twice", v)
		}
		seen[uint32(v)] = true
		seeds = append(seeds, uint32(v))
	}
	return seeds, nil
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

// noEmptyItem refuses a list with an empty item ("100,,100", "tanh,"):
// a blank item is more likely a slip than a wish to drop it. A list that
// is blank as a whole is left to the flag's own check.
func noEmptyItem(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	for i, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			return fmt.Errorf("item %d of the list is empty", i+1)
		}
	}
	return nil
}

// decimal is an int flag read in decimal only: the flag package's own
// reads "010" as octal 8 and "0x10" as 16.
type decimal struct{ p *int }

func (d decimal) String() string {
	if d.p == nil {
		return ""
	}
	return strconv.Itoa(*d.p)
}

func (d decimal) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 0)
	if err != nil {
		return errors.New("want a whole number in decimal")
	}
	*d.p = int(v)
	return nil
}

// decimal64 is decimal for a uint64 flag.
type decimal64 struct{ p *uint64 }

func (d decimal64) String() string {
	if d.p == nil {
		return ""
	}
	return strconv.FormatUint(*d.p, 10)
}

func (d decimal64) Set(s string) error {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("want a whole number ≥ 0 in decimal")
	}
	*d.p = v
	return nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
