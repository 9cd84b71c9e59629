package app

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/models/mnist"
	"outgrad/ops"
)

// v2File returns w's dtype and matrices as a file of format version 2, which
// records no activations.
func v2File(w weightsfile.Weights) []byte {
	var b bytes.Buffer
	b.WriteString("OUTGRADW")
	binary.Write(&b, binary.LittleEndian, []uint32{2, uint32(len(w.Layers))})
	for _, m := range w.Layers {
		binary.Write(&b, binary.LittleEndian, []uint32{uint32(m.Rows), uint32(m.Cols)})
	}
	var dt [8]byte
	copy(dt[:], w.Dtype)
	b.Write(dt[:])
	for _, m := range w.Layers {
		binary.Write(&b, binary.LittleEndian, m.Data)
	}
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
}

// TestSaveRecordsConfigAndLoadChecksIt: -save writes the activations a run
// was trained with; -load of that file into a run of another hidden
// activation or output, or of a file holding parameter vectors, is refused
// in one line with status 2 before training; into a run of the same
// configuration it trains. A file of format version 2, which records no
// activations, loads with one line on stderr saying so.
func TestSaveRecordsConfigAndLoadChecksIt(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	short := []string{"-iterations", "1", "-train-images", "200", "-hidden", "20", "-quiet"}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := New().Main(append(slices.Clone(short), args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, errs := run("-save", p("w.bin")); code != 0 {
		t.Fatalf("-save: exit %d: %s", code, errs)
	}
	w, err := weightsfile.Load(p("w.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.HiddenActs, []string{"tanh"}) || w.Output != "softmax" || w.Dtype != "float64" || len(w.Params) != 0 {
		t.Fatalf("-save recorded hidden %q, output %q, dtype %s, %d parameter vectors", w.HiddenActs, w.Output, w.Dtype, len(w.Params))
	}

	for _, tc := range []struct {
		args []string
		line string // "" when the run trains
	}{
		{[]string{"-hidden-act", "relu"}, "the file was trained with hidden activation tanh, the run uses relu"},
		{[]string{"-output", "identity"}, "the file was trained with output softmax, the run uses identity"},
		{nil, ""},
	} {
		code, out, errs := run(append([]string{"-load", p("w.bin")}, tc.args...)...)
		if tc.line == "" {
			if code != 0 || errs != "" {
				t.Errorf("-load into the run that saved it: exit %d, stderr %q", code, errs)
			}
			continue
		}
		if want := "compare: -load " + p("w.bin") + ": " + tc.line + "\n"; code != 2 || errs != want || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %d bytes; want 2, %q, nothing", tc.args, code, errs, len(out), want)
		}
	}

	// Two hidden layers, one activation each.
	if code, _, errs := run("-hidden", "20,10", "-hidden-act", "tanh,relu", "-save", p("w2.bin")); code != 0 {
		t.Fatalf("-save of two layers: exit %d: %s", code, errs)
	}
	if w, err := weightsfile.Load(p("w2.bin")); err != nil || !slices.Equal(w.HiddenActs, []string{"tanh", "relu"}) {
		t.Fatalf("two layers recorded as %q (%v)", w.HiddenActs, err)
	}
	code, _, errs := run("-hidden", "20,10", "-hidden-act", "relu", "-load", p("w2.bin"))
	if want := "the file was trained with hidden activations tanh,relu, the run uses relu\n"; code != 2 || !strings.HasSuffix(errs, want) {
		t.Errorf("two layers into relu: exit %d, stderr %q, want it to end %q", code, errs, want)
	}

	// Parameter vectors no activation of the run takes.
	withParams := w
	withParams.Params = []weightsfile.Param{{Name: "prelu.alpha1", Data: []float64{0.25}}}
	b, err := weightsfile.Marshal(withParams)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p("params.bin"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = run("-load", p("params.bin"))
	if want := "the file holds parameter vectors (prelu.alpha1), which no activation of the run takes\n"; code != 2 || !strings.HasSuffix(errs, want) {
		t.Errorf("parameters: exit %d, stderr %q, want it to end %q", code, errs, want)
	}

	// The same weights in format version 2: loaded, with one line saying
	// that the file does not record its activations, into any activation.
	if err := os.WriteFile(p("v2.bin"), v2File(w), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("-load", p("v2.bin"), "-hidden-act", "relu")
	want := "compare: -load " + p("v2.bin") + ": the file (of an older format) does not record its activations: its weights start the run's relu hidden layers and softmax output as they are\n"
	if code != 0 || !strings.HasPrefix(errs, want) || strings.Count(errs, "\n") != 1 {
		t.Errorf("version 2: exit %d, stderr %q, want only %q", code, errs, want)
	}
	if !strings.Contains(out, "initial weights loaded") {
		t.Errorf("version 2: the report does not say the weights were loaded:\n%s", out)
	}
}

// TestSaveRefusesUnrecordableName: -save with an activation whose name a
// weights file cannot hold (longer than weightsfile.MaxName) is refused
// before training, naming it; without -save the name is fine.
func TestSaveRefusesUnrecordableName(t *testing.T) {
	long := strings.Repeat("x", weightsfile.MaxName+1)
	a := New()
	if err := a.Register(ops.NewPointwise(long, math.Tanh, func(y float64) float64 { return 1 - y*y })); err != nil {
		t.Fatal(err)
	}
	save := filepath.Join(t.TempDir(), "w.bin")
	_, err := a.parse([]string{"-hidden-act", long, "-save", save}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-save: a weights file cannot record the name \""+long+"\"") {
		t.Errorf("-save: %v", err)
	}
	if _, err := a.parse([]string{"-hidden-act", long}, io.Discard); err != nil {
		t.Errorf("without -save: %v", err)
	}
}

// TestSaveLoadLearnedParams: -save of a PReLU run stores its learned α
// beside the matrices (named prelu1, one per unit, moved from 0.25); -load
// into a PReLU run starts from them (the JSON's initial sums are those of
// the file) and into a swish-beta run is refused in one line.
func TestSaveLoadLearnedParams(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	short := []string{"-iterations", "1", "-train-images", "200", "-hidden", "20", "-quiet", "-optimizer", "adam", "-alpha", "0.01"}
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := New().Main(append(slices.Clone(short), args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("-hidden-act", "prelu", "-save", p("w.bin")); code != 0 {
		t.Fatalf("-save: exit %d:\n%s", code, out)
	}
	w, err := weightsfile.Load(p("w.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Params) != 1 || w.Params[0].Name != "prelu1" || len(w.Params[0].Data) != 20 {
		t.Fatalf("saved parameters %+v, want prelu1 with 20 values", w.Params)
	}
	moved := 0
	for _, v := range w.Params[0].Data {
		if v != 0.25 {
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("saved α all at 0.25: not the learned values")
	}
	// The loaded run starts from the file: its learned summary after one
	// more iteration differs from a run started from 0.25.
	code, loaded := run("-hidden-act", "prelu", "-load", p("w.bin"))
	_, fresh := run("-hidden-act", "prelu")
	if code != 0 || learnedLine(loaded) == "" || learnedLine(loaded) == learnedLine(fresh) {
		t.Errorf("-load of learned α: exit %d, learned %q, fresh run %q", code, learnedLine(loaded), learnedLine(fresh))
	}
	code, out := run("-hidden-act", "swish-beta", "-load", p("w.bin"))
	if want := "the file was trained with hidden activation prelu, the run uses swish-beta"; code != 2 || !strings.Contains(out, want) {
		t.Errorf("-load into swish-beta: exit %d:\n%s\nwant %q", code, out, want)
	}
}

// learnedLine returns the report's first "learned:" line, or "".
func learnedLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "learned:") {
			return l
		}
	}
	return ""
}

// TestInitialFrom: the starting weights of a loaded run are the file's
// matrices and parameter vectors; a file without parameters (an older
// format) starts the learnable activations at their initial values.
func TestInitialFrom(t *testing.T) {
	c := mnistConfigWith(t, "-hidden", "3", "-hidden-act", "prelu")
	w := weightsfile.Weights{Dtype: "float64",
		Layers: []weightsfile.Matrix{{Rows: 784, Cols: 3, Data: make([]float64, 784*3)}, {Rows: 3, Cols: 10, Data: make([]float64, 30)}},
		Params: []weightsfile.Param{{Name: "prelu1", Data: []float64{0.1, 0.2, 0.3}}}}
	got := initialFrom(w, c)
	if len(got) != 3 || !slices.Equal(got[2], []float64{0.1, 0.2, 0.3}) {
		t.Errorf("with parameters: %d tensors, last %v; want the file's [0.1 0.2 0.3]", len(got), got[len(got)-1])
	}
	w.Params = nil
	got = initialFrom(w, c)
	if len(got) != 3 || !slices.Equal(got[2], []float64{0.25, 0.25, 0.25}) {
		t.Errorf("without parameters: %d tensors, last %v; want PReLU's initial 0.25 each", len(got), got[len(got)-1])
	}
}

// mnistConfigWith returns the configuration the command parses from args.
func mnistConfigWith(t *testing.T, args ...string) mnist.Config {
	t.Helper()
	o, err := New().parse(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return o.cfg
}

// TestDescribeActs: one name when every layer has the same activation,
// the list otherwise, and an empty list said as such (not a panic).
func TestDescribeActs(t *testing.T) {
	for _, c := range []struct {
		names      []string
		noun, list string
	}{
		{[]string{"tanh"}, "hidden activation", "tanh"},
		{[]string{"tanh", "tanh"}, "hidden activation", "tanh"},
		{[]string{"tanh", "relu"}, "hidden activations", "tanh,relu"},
		{nil, "hidden activations", ""},
	} {
		if noun, list := describeActs(c.names); noun != c.noun || list != c.list {
			t.Errorf("describeActs(%q) = %q, %q; want %q, %q", c.names, noun, list, c.noun, c.list)
		}
	}
}

// TestCSVNamesLearnedParams: the gradient norm of a learnable activation's
// parameters has a column named after them, not after a matrix.
func TestCSVNamesLearnedParams(t *testing.T) {
	csvPath := filepath.Join(t.TempDir(), "r.csv")
	var out, errb bytes.Buffer
	args := []string{"-hidden-act", "prelu", "-iterations", "1", "-train-images", "200", "-hidden", "20", "-quiet", "-csv", csvPath}
	if code := New().Main(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(string(b), "\n", 2)[0]
	if !strings.HasSuffix(header, ",grad_norm_w01,grad_norm_w12,grad_norm_prelu1") {
		t.Errorf("header %q: want the norms of w01, w12 and prelu1 last", header)
	}
}
