package app

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fuzzFixture makes the small directory the fuzzed arguments may name
// (as "@name"): a text file, a FIFO, a symlink to a missing file, a
// directory, float64 and float32 weights of the book's shapes, one of them
// beyond float32's range, and an MNIST directory linking to the real files.
func fuzzFixture(t *testing.T) fixture {
	f := newFixture(t)
	addWeightFiles(t, f)
	return f
}

// pathFlags are the flags whose value is a path: fuzzed values are kept
// inside the fixture directory.
var pathFlags = map[string]bool{"json": true, "csv": true, "plot": true, "weights": true, "save": true, "load": true, "data": true}

// outputFlagNames are the flags naming files the command writes.
var outputFlagNames = map[string]bool{"json": true, "csv": true, "plot": true, "weights": true, "save": true}

// flagNames returns the names of the command's flags, read from its own
// -h output, so that the fuzzer draws from the real flag set.
func flagNames(t testing.TB) []string {
	var out, errb bytes.Buffer
	if code := New().Main([]string{"-h"}, &out, &errb); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	var names []string
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(line, "  -") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "  -"), " ")
			names = append(names, name)
		}
	}
	if len(names) < 20 {
		t.Fatalf("-h lists %d flags: %q", len(names), errb.String())
	}
	return names
}

// fuzzArgs turns the fuzzer's input into an argument vector for a run that
// stays small and inside dir, or reports ok=false for an input that would
// train too long or reach outside dir. The input is one argument per line;
// a line "#k" stands for the k-th flag of names (mod their number), so the
// fuzzer reaches every flag; "@name" is the file name in dir. A path flag's
// relative value is taken inside dir. At most 2 iterations, 200 training
// images, 3 seeds, hidden layers of at most 256 units (or beyond the limit,
// which is refused), and sweeps of at most 64 runs (the product of the
// lengths of the axis lists given).
// sweepAxisSep is the separator of the values of each list flag whose
// length multiplies a sweep's runs.
var sweepAxisSep = map[string]string{"hidden-acts": ",", "outputs": ",", "alphas": ",", "hiddens": ";",
	"optimizers": ",", "softmax-bases": ",", "seeds": ","}

func fuzzArgs(input, dir string, names []string) (args []string, ok bool) {
	if len(input) > 4096 {
		return nil, false
	}
	var raw []string
	if input != "" {
		raw = strings.Split(input, "\n")
	}
	for _, a := range raw {
		if k, err := strconv.Atoi(strings.TrimPrefix(a, "#")); err == nil && strings.HasPrefix(a, "#") {
			a = "-" + names[((k%len(names))+len(names))%len(names)]
		}
		if strings.HasPrefix(a, "@") {
			a = filepath.Join(dir, a[1:])
		}
		args = append(args, a)
	}
	given, items := map[string]bool{}, map[string]int{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			break // the flag package stops here: the rest is positional
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "---") {
			break // a bad flag syntax: refused
		}
		isBool := map[string]bool{"dropout": true, "book": true, "list": true, "check": true, "serial": true, "quiet": true, "sweep": true, "h": true, "help": true}[name]
		vi := -1
		if !hasValue && !isBool {
			if i+1 >= len(args) {
				break // a flag without its value: refused
			}
			vi, value = i+1, args[i+1]
			i++
		}
		given[name] = true
		if pathFlags[name] {
			switch {
			case strings.Contains(value, ".."):
				return nil, false
			case value == "", value == "/", value == "/dev/null", value == "/dev/zero", strings.HasPrefix(value, dir):
			case filepath.IsAbs(value):
				return nil, false
			default:
				value = filepath.Join(dir, value)
			}
			if vi >= 0 {
				args[vi] = value
			} else {
				args[i] = "-" + name + "=" + value
			}
		}
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		switch name {
		case "iterations":
			if err == nil && n > 2 {
				return nil, false
			}
		case "train-images":
			if err == nil && n > 200 {
				return nil, false
			}
		case "seeds":
			if err == nil && n > 3 {
				return nil, false
			}
			if items := strings.Count(value, ","); items >= 3 && items < maxSeeds {
				return nil, false
			}
		case "hidden", "hiddens":
			for _, h := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' }) {
				if v, err := strconv.ParseInt(strings.TrimSpace(h), 10, 64); err == nil && v > 256 && v <= 1<<16 {
					return nil, false
				}
			}
		}
		if sep, axis := sweepAxisSep[name]; axis {
			items[name] = strings.Count(value, sep) + 1
		}
	}
	// A sweep trains the product of its axes' lengths: at most 64 runs
	// of a second or less.
	runs := 1
	for _, n := range items {
		runs *= n
	}
	if runs > 64 {
		return nil, false
	}
	// Small by default: flags given later win, so these go first.
	pre := []string{"-iterations", "1", "-train-images", "200"}
	if !given["data"] {
		pre = append(pre, "-data", filepath.Join(dir, "mnist"))
	}
	return append(pre, args...), true
}

// FuzzArgs runs the command on argument vectors drawn from its real flags
// with hostile values and files. Whatever the arguments: no panic, an exit
// status of 0, 1 or 2, every stderr line starting "compare: ", and nothing
// left in the fixture directory but the outputs the arguments name (no
// temporary file).
func FuzzArgs(f *testing.F) {
	names := flagNames(f)
	seed := func(args ...string) {
		f.Add(strings.Join(args, "\n"))
	}
	// The hostile cases of the status table and of TestHostile, with the
	// fixture's files named "@…".
	seed("-list")
	seed("-quiet")
	seed("-iterations", "2", "-eval-every", "1", "-json", "@r.json", "-csv", "@r.csv", "-plot", "@p.png", "-weights", "@w.png", "-save", "@s.bin")
	seed("-save", "/dev/null")
	seed("-save", "@fifo")
	seed("-json", "@")
	seed("-json", "@keep.txt", "-save", "@./keep.txt")
	seed("-load", "@good.bin", "-json", "@good.bin")
	seed("-plot", "@keep.txt")
	seed("-csv", "@no/such/x.csv")
	seed("-load", "/dev/zero")
	seed("-load", "@fifo")
	seed("-load", "@nan.bin")
	seed("-load", "@short.bin")
	seed("-load", "@good.bin", "-hidden", "50")
	seed("-load", "@good.bin", "-dtype", "float32")
	seed("-load", "@good32.bin", "-dtype", "float32")
	seed("-load", "@huge32.bin", "-dtype", "float32")
	seed("-save", "@link.bin")
	seed("-hidden", "10000000")
	seed("-hidden", "65537,65537")
	seed("-impl", "builtin", "-hidden-act", "gelu")
	seed("-impl", "all", "-hidden-act", "gelu,tanh", "-hidden", "8,8")
	seed("-seeds", "2", "-hidden", "16")
	seed("-seeds", "3,1", "-quiet")
	seed("-sweep", "-hidden-acts", "tanh,relu", "-outputs", "softmax", "-seeds", "2", "-json", "@s.json")
	seed("-sweep", "-softmax-bases", "2,e", "-hidden-acts", "sigmoid", "-plot", "@sw.png")
	seed("-softmax-base", "1e308")
	seed("-alpha", "1e300", "-hidden-act", "identity", "-output", "identity")
	seed("-alpha", "NaN")
	seed("-tol", "-0")
	seed("-batch", "0")
	seed("-eval-every", "-1")
	seed("-iterations", "-9223372036854775808")
	seed("-train-images", "1", "-batch", "1", "-book")
	seed("-dtype", "float32", "-book", "-impl", "all")
	seed("--hidden=", "-seed=4294967295")
	seed("-data", "@keep.txt")
	seed("-data", "@empty")
	seed("-data", "/")
	seed("-hidden-act", "softmax,relu", "-hidden", "4,4", "-output", "sigmoid")
	seed("#0", "#1", "#2", "#3")
	seed("#17", "x", "#5", "@", "#23", "-1")
	seed("-check=false", "-dropout=false", "-eval-every", "1000000000")
	seed("-h")
	seed("extra")
	f.Fuzz(func(t *testing.T, input string) {
		dir := fuzzFixture(t).dir
		args, ok := fuzzArgs(input, dir, names)
		if !ok {
			return
		}
		before := snapshot(t, dir)
		var out, errb bytes.Buffer
		code := New().Main(args, &out, &errb)
		s := errb.String()
		if code != 0 && code != 1 && code != 2 {
			t.Errorf("%q: exit %d, want 0, 1 or 2; stderr %q", args, code, s)
		}
		for _, marker := range []string{"goroutine ", "panic", "runtime error", ".go:"} {
			if strings.Contains(s, marker) {
				t.Errorf("%q: stderr holds %q: %q", args, marker, s)
			}
		}
		if s != "" && !strings.HasSuffix(s, "\n") {
			t.Errorf("%q: stderr does not end with a newline: %q", args, s)
		}
		for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			if s != "" && !strings.HasPrefix(line, "compare: ") && !(code == 0 && strings.HasPrefix(s, "usage: compare")) {
				t.Errorf("%q: stderr line %q does not start with %q", args, line, "compare: ")
			}
		}
		after := snapshot(t, dir)
		named := map[string]bool{}
		for i, a := range args {
			name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			if outputFlagNames[name] {
				if rel, err := filepath.Rel(dir, value); err == nil {
					named[rel] = true
					if target, err := os.Readlink(value); err == nil {
						named[target] = true // written through the link
					}
				}
			}
		}
		var diffs []string
		for k, v := range before {
			if after[k] != v && !named[k] {
				diffs = append(diffs, "changed or lost: "+k)
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok && !named[k] {
				diffs = append(diffs, "left behind: "+k)
			}
		}
		sort.Strings(diffs)
		if len(diffs) > 0 {
			t.Errorf("%q (exit %d, stderr %q): files: %v", args, code, s, diffs)
		}
	})
}
