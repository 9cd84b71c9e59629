package app

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
)

// refusal is one way the command refuses a run before training: its
// arguments (after the short defaults, so they override them), an
// environment variable to set, and a fragment of its one-line message.
type refusal struct {
	name  string
	args  func(f fixture) []string
	env   [2]string // name, value; "" for none
	setup func(t *testing.T, f fixture) func()
	msg   string
}

// plain returns a refusal whose arguments need no fixture.
func plain(name, msg string, args ...string) refusal {
	return refusal{name: name, msg: msg, args: func(fixture) []string { return args }}
}

// refusals lists every refusal the command makes before training: each must
// exit 2 with one line on stderr. It walks parse (flags.go, sweep.go's and
// softmax.go's checks), Config.Validate, CompareOptions.ValidateFor, the
// output checks, and run.go's checks before training (the BLAS, -load, the
// memory estimate, the MNIST files).
func refusals() []refusal {
	return []refusal{
		// the flag package
		plain("unknown flag", "flag provided but not defined", "-nosuchflag"),
		plain("flag without its value", "flag needs an argument", "-json"),
		plain("iterations not a number", "want a whole number in decimal", "-iterations", "x"),
		plain("iterations in hex", "want a whole number in decimal", "-iterations", "0x10"),
		plain("iterations beyond int", "want a whole number in decimal", "-iterations", "99999999999999999999"),
		plain("batch not a number", "want a whole number in decimal", "-batch", "1.5"),
		plain("train-images empty", "want a whole number in decimal", "-train-images", ""),
		plain("eval-every not a number", "want a whole number in decimal", "-eval-every", "ten"),
		plain("seed negative", "want a whole number ≥ 0", "-seed", "-1"),
		plain("alpha not a number", "invalid value", "-alpha", "two"),
		plain("tol not a number", "invalid value", "-tol", "tight"),
		plain("dropout not a bool", "invalid boolean", "-dropout=maybe"),
		plain("positional argument", "unexpected argument", "extra"),
		// lists with an empty item
		plain("hidden with an empty item", "item 2 of the list is empty", "-hidden", "100,,100"),
		plain("hidden-act with an empty item", "item 2 of the list is empty", "-hidden-act", "tanh,"),
		plain("seeds with an empty item", "item 2 of the list is empty", "-seeds", "1,,2"),
		plain("hidden-acts with an empty item", "item 1 of the list is empty", "-sweep", "-hidden-acts", ",tanh"),
		plain("outputs with an empty item", "item 2 of the list is empty", "-sweep", "-outputs", "softmax, "),
		plain("softmax-bases with an empty item", "item 2 of the list is empty", "-sweep", "-softmax-bases", "2,"),
		// values
		plain("seed beyond uint32", "want 0..4294967295", "-seed", "4294967296"),
		plain("hidden not a number", "is not a whole number ≥ 1", "-hidden", "x"),
		plain("hidden zero", "is not a whole number ≥ 1", "-hidden", "0"),
		plain("hidden negative", "is not a whole number ≥ 1", "-hidden", "-5"),
		plain("hidden empty", "no sizes", "-hidden", ""),
		plain("unknown hidden activation", `unknown activation "nosuch"`, "-hidden-act", "nosuch"),
		plain("unknown output", "softplus", "-output", "softplus"),
		plain("unknown dtype", `dtype "int8"`, "-dtype", "int8"),
		// Config.Validate
		plain("train-images zero", "training images 0", "-train-images", "0"),
		plain("train-images negative", "training images -3", "-train-images", "-3"),
		plain("seventeen hidden layers", "17 hidden layers", "-hidden", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"),
		plain("batch zero", "batch 0", "-batch", "0"),
		plain("batch negative", "batch -1", "-batch", "-1"),
		plain("batch above train-images", "larger than the 200 training images", "-batch", "201"),
		plain("iterations zero", "iterations 0", "-iterations", "0"),
		plain("iterations negative", "iterations -1", "-iterations", "-1"),
		plain("eval-every zero", "eval-every 0", "-eval-every", "0"),
		plain("alpha NaN", "alpha NaN", "-alpha", "NaN"),
		plain("alpha +Inf", "alpha +Inf", "-alpha", "+Inf"),
		plain("alpha zero", "alpha 0", "-alpha", "0"),
		plain("alpha negative", "alpha -1", "-alpha", "-1"),
		plain("hidden layer too wide", "10000000 units", "-hidden", "10000000"),
		plain("activations for the wrong number of layers", "3 hidden activations for 2 hidden layers", "-hidden", "10,10", "-hidden-act", "tanh,relu,tanh"),
		// -softmax-base
		plain("softmax-base not a number", "is not a number", "-softmax-base", "x"),
		plain("softmax-base zero", "softmax base 0", "-softmax-base", "0"),
		plain("softmax-base one", "softmax base 1", "-softmax-base", "1"),
		plain("softmax-base negative", "softmax base -2", "-softmax-base", "-2"),
		plain("softmax-base NaN", "softmax base NaN", "-softmax-base", "NaN"),
		plain("softmax-base Inf", "softmax base +Inf", "-softmax-base", "Inf"),
		plain("softmax-base without a softmax", "neither the output nor the hidden activation is softmax", "-output", "sigmoid", "-softmax-base", "2"),
		// -sweep and its lists
		plain("hidden-acts without sweep", "-hidden-acts needs -sweep", "-hidden-acts", "tanh"),
		plain("outputs without sweep", "-outputs needs -sweep", "-outputs", "softmax"),
		plain("sweep with hidden-act and hidden-acts", "-hidden-act and -hidden-acts both give the hidden-act axis", "-sweep", "-hidden-act", "relu", "-hidden-acts", "tanh"),
		plain("sweep with output and outputs", "-output and -outputs both give the output axis", "-sweep", "-output", "sigmoid", "-outputs", "softmax"),
		plain("sweep with alpha and alphas", "-alpha and -alphas both give", "-sweep", "-alpha", "1", "-alphas", "1,2"),
		plain("sweep with hidden and hiddens", "-hidden and -hiddens both give", "-sweep", "-hidden", "10", "-hiddens", "10;20"),
		plain("sweep with optimizer and optimizers", "-optimizer and -optimizers both give", "-sweep", "-optimizer", "adam", "-optimizers", "sgd,adam"),
		plain("alphas without sweep", "-alphas needs -sweep", "-alphas", "1,2"),
		plain("hiddens without sweep", "-hiddens needs -sweep", "-hiddens", "10;20"),
		plain("optimizers without sweep", "-optimizers needs -sweep", "-optimizers", "sgd"),
		plain("claim without sweep", "-claim needs -sweep", "-seeds", "2", "-claim", "tanh>sigmoid"),
		plain("sweep of an alpha twice", "-alphas: 2 is given twice", "-sweep", "-alphas", "2,2.0"),
		plain("sweep of a shape twice", "-hiddens: 10,5 is given twice", "-sweep", "-hiddens", "10,5; 10 ,5"),
		plain("sweep of an empty shape", "shape 2 of the list is empty", "-sweep", "-hiddens", "10;;20"),
		plain("sweep of a bad size", `"x" is not a whole number`, "-sweep", "-hiddens", "10;x"),
		plain("sweep of an unknown optimizer", `unknown optimizer "rmsprop"`, "-sweep", "-optimizers", "sgd,rmsprop"),
		plain("sweep of a bad alpha", `"x" is not a number`, "-sweep", "-alphas", "1,x"),
		plain("sweep of a negative alpha", "alpha", "-sweep", "-alphas", "1,-1"),
		plain("sweep of a mix too long", "tanh+relu hidden", "-sweep", "-hidden-acts", "tanh,tanh+relu"),
		plain("sweep too large", "too many runs: 4 hidden activations × 1 outputs × 11 alphas × 10 shapes × 3 optimizers is more than 1000", "-sweep", "-hidden-acts", "tanh,relu,sigmoid,identity",
			"-alphas", "1,2,3,4,5,6,7,8,9,10,11", "-hiddens", "1;2;3;4;5;6;7;8;9;10", "-optimizers", "sgd,momentum,adam"),
		plain("sweep of too many runs", "more than 10000", "-sweep", "-alphas", "1,2,3,4,5,6,7,8,9,10,11", "-seeds", "1000"),
		plain("momentum for a sweep without it", "-momentum applies to -optimizer momentum only, not sgd, adam", "-sweep", "-optimizers", "sgd,adam", "-momentum", "0.5"),
		plain("claim of a value not in the sweep", "claim \"selu>tanh\": selu is not a value", "-sweep", "-hidden-acts", "tanh,relu", "-claim", "selu>tanh"),
		plain("claim without >", "want A>B", "-sweep", "-alphas", "1,2", "-claim", "alpha=2"),
		plain("claim of two axes", "compares alpha with hidden", "-sweep", "-alphas", "1,2", "-hiddens", "10;20", "-claim", "alpha=2>hidden=10"),
		plain("claim of an ambiguous pair", "write hidden-act=sigmoid>softmax or output=sigmoid>softmax", "-sweep", "-hidden-acts", "sigmoid,softmax", "-outputs", "sigmoid,softmax", "-claim", "sigmoid>softmax"),
		plain("sweep with impl", "-impl does not apply to -sweep", "-sweep", "-impl", "graph"),
		plain("sweep with save", "-save does not apply to -sweep", "-sweep", "-save", "w.bin"),
		plain("sweep with load", "-load does not apply to -sweep", "-sweep", "-load", "w.bin"),
		plain("sweep with weights", "-weights does not apply to -sweep", "-sweep", "-weights", "w.png"),
		plain("sweep with tol", "-tol does not apply to -sweep", "-sweep", "-tol", "1e-3"),
		plain("sweep with book", "-book does not apply to -sweep", "-sweep", "-book"),
		plain("sweep with softmax-base", "-softmax-base does not apply to -sweep", "-sweep", "-softmax-base", "2"),
		plain("sweep of an unknown activation", `unknown activation "nosuch"`, "-sweep", "-hidden-acts", "tanh,nosuch"),
		plain("sweep of an activation twice", "tanh is given twice", "-sweep", "-hidden-acts", "tanh,tanh"),
		plain("sweep of no activation", "no activation named", "-sweep", "-hidden-acts", " "),
		plain("sweep of an unknown output", "softplus", "-sweep", "-outputs", "softplus"),
		plain("sweep of an output twice", "sigmoid is given twice", "-sweep", "-outputs", "sigmoid,sigmoid"),
		plain("sweep of no output", "no output named", "-sweep", "-outputs", " "),
		plain("softmax-bases without sweep", "-softmax-bases needs -sweep", "-softmax-bases", "2,10"),
		plain("softmax-bases not a number", "is not a number", "-sweep", "-softmax-bases", "2,x"),
		plain("softmax-bases of one", "softmax base 1", "-sweep", "-softmax-bases", "2,1"),
		plain("softmax-bases twice", "base 2 is given twice", "-sweep", "-softmax-bases", "2,2"),
		plain("softmax-bases blank", "no base given", "-sweep", "-softmax-bases", " "),
		plain("softmax-bases with no softmax output", "no softmax output to vary", "-sweep", "-outputs", "sigmoid", "-softmax-bases", "2"),
		// -seeds
		plain("seeds zero", "want a count from 1 to 1000", "-seeds", "0"),
		plain("seeds above the cap", "want a count from 1 to 1000", "-seeds", "1001"),
		plain("seeds not a number", "want a count from 1 to 1000", "-seeds", "x"),
		plain("seeds blank", "no seeds", "-seeds", " "),
		plain("seeds list of one", "item 2 of the list is empty", "-seeds", "3,"),
		plain("seeds list with a bad seed", `"x" is not a seed`, "-seeds", "1,x"),
		plain("seeds list with a negative seed", `"-1" is not a seed`, "-seeds", "1,-1"),
		plain("seeds list beyond uint32", `"4294967296" is not a seed`, "-seeds", "1,4294967296"),
		plain("seeds list with a repeat", "seed 7 is given twice", "-seeds", "7,3,7"),
		plain("seeds list above the cap", "a list of 1001 seeds: at most 1000", "-seeds", seedList1001()),
		plain("seeds with seed", "-seed does not apply to -seeds", "-seeds", "3", "-seed", "2"),
		plain("seeds with impl", "-impl does not apply to -seeds", "-seeds", "3", "-impl", "graph"),
		plain("seeds with save", "-save does not apply to -seeds", "-seeds", "3", "-save", "w.bin"),
		plain("seeds with load", "-load does not apply to -seeds", "-seeds", "3", "-load", "w.bin"),
		plain("seeds with weights", "-weights does not apply to -seeds", "-seeds", "3", "-weights", "w.png"),
		plain("seeds with tol", "-tol does not apply to -seeds", "-seeds", "3", "-tol", "1e-3"),
		plain("seeds with book", "-book does not apply to -seeds", "-seeds", "3", "-book"),
		// CompareOptions.ValidateFor
		plain("unknown impl", `unknown implementation "numpy"`, "-impl", "numpy"),
		plain("tol negative", "tolerance -1", "-tol", "-1"),
		plain("tol NaN", "tolerance NaN", "-tol", "NaN"),
		plain("tol Inf", "tolerance +Inf", "-tol", "Inf"),
		plain("builtin alone with gelu", "no built-in op for gelu", "-impl", "builtin", "-hidden-act", "gelu"),
		plain("builtin alone with a softmax of base 2", "softmax of base e only", "-impl", "builtin", "-softmax-base", "2"),
		// output files
		{name: "output path ending in a slash", msg: "names a directory", args: func(f fixture) []string { return []string{"-json", f.path("sub") + "/"} }},
		{name: "plot not a png", msg: "want a .png file", args: func(f fixture) []string { return []string{"-plot", f.path("keep.txt")} }},
		{name: "weights not a png", msg: "want a .png file", args: func(f fixture) []string { return []string{"-weights", f.path("w.jpg")} }},
		{name: "output in a missing directory", msg: "no/such", args: func(f fixture) []string { return []string{"-csv", f.path("no/such/x.csv")} }},
		{name: "output to a device", msg: "character device", args: func(f fixture) []string { return []string{"-save", "/dev/null"} }},
		{name: "output to a FIFO", msg: "named pipe", args: func(f fixture) []string { return []string{"-json", f.path("fifo")} }},
		{name: "output to a directory", msg: "directory", args: func(f fixture) []string { return []string{"-csv", f.dir} }},
		{name: "two outputs one file", msg: "name the same file", args: func(f fixture) []string { return []string{"-json", f.path("r"), "-csv", f.path("./r")} }},
		{name: "output and load one file", msg: "name the same file", args: func(f fixture) []string { return []string{"-load", f.path("good.bin"), "-save", f.path("good.bin")} }},
		// run.go, before training
		{name: "unknown BLAS", msg: "OUTGRAD_BLAS", env: [2]string{"OUTGRAD_BLAS", "nosuch"}, args: func(fixture) []string { return nil }},
		{name: "load a missing file", msg: "no such file", args: func(f fixture) []string { return []string{"-load", f.path("none.bin")} }},
		{name: "load a device", msg: "not a regular file", args: func(f fixture) []string { return []string{"-load", "/dev/zero"} }},
		{name: "load a FIFO", msg: "not a regular file", args: func(f fixture) []string { return []string{"-load", f.path("fifo")} }},
		{name: "load a directory", msg: "not a regular file", args: func(f fixture) []string { return []string{"-load", f.dir} }},
		{name: "load a text file", msg: "not an outgrad weights file", args: func(f fixture) []string { return []string{"-load", f.path("keep.txt")} }},
		{name: "load a truncated file", msg: "truncated", args: func(f fixture) []string { return []string{"-load", f.path("short.bin")} }},
		{name: "load NaN weights", msg: "NaN", args: func(f fixture) []string { return []string{"-load", f.path("nan.bin")} }},
		{name: "load weights of another size", msg: "784×100 in the file", args: func(f fixture) []string { return []string{"-load", f.path("good.bin"), "-hidden", "50"} }},
		{name: "load weights of another depth", msg: "holds 2 weight matrices", args: func(f fixture) []string { return []string{"-load", f.path("good.bin"), "-hidden", "100,10"} }},
		{name: "load float64 weights into float32", msg: "the file holds float64 weights, the run is -dtype float32", args: func(f fixture) []string {
			return []string{"-load", f.path("good.bin"), "-dtype", "float32"}
		}},
		{name: "load float32 weights into float64", msg: "the file holds float32 weights, the run is -dtype float64", args: func(f fixture) []string {
			return []string{"-load", f.path("good32.bin")}
		}},
		{name: "load a float32 file beyond float32's range", msg: "beyond float32's range", args: func(f fixture) []string {
			return []string{"-load", f.path("huge32.bin"), "-dtype", "float32"}
		}},
		{name: "load tanh weights into a relu run", msg: "the file was trained with hidden activation tanh, the run uses relu", args: func(f fixture) []string {
			return []string{"-load", f.path("good.bin"), "-hidden-act", "relu"}
		}},
		{name: "load softmax weights into a sigmoid run", msg: "the file was trained with output softmax, the run uses sigmoid", args: func(f fixture) []string {
			return []string{"-load", f.path("good.bin"), "-output", "sigmoid"}
		}},
		{name: "load weights of base e into a softmax of base 2", msg: "the file was trained with output softmax, the run uses softmax-base2", args: func(f fixture) []string {
			return []string{"-load", f.path("good.bin"), "-softmax-base", "2"}
		}},
		plain("network too large for the memory", "more memory than is available", "-hidden", "65536,65536,65536"),
		{name: "all three too large for the memory, two not", msg: "more memory than is available", args: func(fixture) []string {
			return []string{"-impl", "all", "-hidden", "4096"}
		}, setup: func(t *testing.T, f fixture) func() {
			// A memory limit between the estimate for the two default
			// implementations and the one for all three with references.
			c := mnist.DefaultConfig()
			c.Hidden, c.TrainImages = []int{4096}, 200
			lo, hi := c.MemoryBytes(8, 4, 10000), c.MemoryBytes(8, 5, 10000)
			old := debug.SetMemoryLimit((lo + hi) / 2)
			return func() { debug.SetMemoryLimit(old) }
		}},
		plain("more training images than MNIST has", "-train-images 60001", "-train-images", "60001"),
		{name: "data directory missing", msg: "nosuch", args: func(f fixture) []string { return []string{"-data", f.path("nosuch")} }},
		{name: "data directory empty", msg: "empty", args: func(f fixture) []string { return []string{"-data", f.path("empty")} }},
		{name: "test set truncated", msg: "truncated", args: func(f fixture) []string { return []string{"-data", f.data} }, setup: func(t *testing.T, f fixture) func() {
			f.replaceData(t, idx.TestImages, idxImages(10000, 5), nil)
			return nil
		}},
		{name: "sweep with a data directory missing", msg: "nosuch", args: func(f fixture) []string { return []string{"-sweep", "-hidden-acts", "tanh", "-data", f.path("nosuch")} }},
		plain("seeds of a network too large", "more memory than is available", "-seeds", "2", "-hidden", "65536,65536,65536"),
	}
}

// seedList1001 is a list of 1001 distinct seeds.
func seedList1001() string {
	seeds := make([]string, 1001)
	for i := range seeds {
		seeds[i] = strconv.Itoa(i)
	}
	return strings.Join(seeds, ",")
}

// addWeightFiles adds to the fixture good32.bin, float32 weights of the
// book's shapes, and huge32.bin, the same holding 1e300 (with a valid
// checksum: a file that claims float32 and is not).
func addWeightFiles(t *testing.T, f fixture) {
	t.Helper()
	w := weightsfile.Weights{Dtype: "float32", HiddenActs: []string{"tanh"}, Output: "softmax", Layers: []weightsfile.Matrix{
		{Rows: 784, Cols: 100, Data: make([]float64, 78400)},
		{Rows: 100, Cols: 10, Data: make([]float64, 1000)},
	}}
	good, err := weightsfile.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.path("good32.bin"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	huge := append([]byte(nil), good...)
	// magic, version, L, shapes, dtype, the names "softmax" and "tanh",
	// no parameter vector
	const values = 8 + 4 + 4 + 8*2 + 8 + 1 + 7 + 1 + 4 + 4
	binary.LittleEndian.PutUint64(huge[values:], math.Float64bits(1e300))
	binary.LittleEndian.PutUint32(huge[len(huge)-4:], crc32.ChecksumIEEE(huge[:len(huge)-4]))
	if err := os.WriteFile(f.path("huge32.bin"), huge, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(f.path("empty"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestRefusalsExit2 holds the command to its status table: every refusal
// decidable before training exits 2 with exactly one line on stderr,
// starting "compare: " and naming what is refused, and prints nothing on
// stdout.
func TestRefusalsExit2(t *testing.T) {
	short := []string{"-iterations", "1", "-train-images", "200", "-quiet"}
	rs := refusals()
	t.Logf("%d refusals", len(rs))
	for _, r := range rs {
		t.Run(r.name, func(t *testing.T) {
			f := newFixture(t)
			addWeightFiles(t, f)
			if r.env[0] != "" {
				t.Setenv(r.env[0], r.env[1])
			}
			if r.setup != nil {
				if undo := r.setup(t, f); undo != nil {
					defer undo()
				}
			}
			t.Chdir(f.dir) // relative outputs ("w.bin") land in the fixture
			var out, errb bytes.Buffer
			code := New().Main(append(append([]string(nil), short...), r.args(f)...), &out, &errb)
			s := errb.String()
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, s)
			}
			if !strings.HasPrefix(s, "compare: ") || strings.HasPrefix(s, "compare: compare: ") || strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") {
				t.Errorf("stderr %q, want exactly one line starting %q, once", s, "compare: ")
			}
			if !strings.Contains(s, r.msg) {
				t.Errorf("stderr %q lacks %q", s, r.msg)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %.200q…, want nothing", out.String())
			}
		})
	}
}

// TestFloat32RangeIsABadFile checks that a float32 file holding a value
// beyond float32's range is refused as a bad file by the format, so no run
// starts from ±Inf weights.
func TestFloat32RangeIsABadFile(t *testing.T) {
	f := fixture{dir: t.TempDir()}
	addWeightFiles(t, f)
	_, err := weightsfile.Load(f.path("huge32.bin"))
	if err == nil || !strings.Contains(err.Error(), "beyond float32's range") {
		t.Fatalf("Load: %v, want a bad file beyond float32's range", err)
	}
	if _, err := weightsfile.Load(f.path("good32.bin")); err != nil {
		t.Fatalf("Load of the float32 file: %v", err)
	}
}
