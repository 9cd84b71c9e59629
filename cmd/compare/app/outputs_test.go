package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"outgrad/models/mnist/idx"
)

func TestOutputsRefusedBeforeTraining(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "x")
	load := filepath.Join(dir, "w.bin")
	if err := os.WriteFile(load, []byte("weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-plot", filepath.Join(dir, "p.svg")}, "want a .png file"},
		{[]string{"-weights", filepath.Join(dir, "w.jpg")}, "want a .png file"},
		{[]string{"-json", x, "-csv", filepath.Join(dir, ".", "x")}, "name the same file"},
		{[]string{"-json", load, "-load", load}, "name the same file"},
		{[]string{"-sweep", "-plot", x + ".png", "-csv", x + ".png"}, "name the same file"},
		{[]string{"-csv", dir}, "directory"},
		{[]string{"-json", "/dev/null"}, "not a regular file"},
		{[]string{"-save", filepath.Join(dir, "no", "w.bin")}, "cannot be written"},
	} {
		var out, errb bytes.Buffer
		if code := New().Main(c.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		if s := errb.String(); strings.Count(s, "\n") != 1 || !strings.HasPrefix(s, "compare: ") || !strings.Contains(s, c.want) {
			t.Errorf("%v: stderr %q, want one line with %q", c.args, s, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: trained before refusing: %q", c.args, out.String())
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files left behind: %v", ents)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestFailedStdoutExits2(t *testing.T) {
	var errb bytes.Buffer
	code := New().Main([]string{"-iterations", "1", "-train-images", "200", "-quiet"}, failingWriter{}, &errb)
	if code != 2 || errb.String() != "compare: write stdout: no space left on device\n" {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := New().Main([]string{"-list"}, failingWriter{}, &errb); code != 2 || !strings.Contains(errb.String(), "write stdout") {
		t.Errorf("-list: exit %d, stderr %q", code, errb.String())
	}
}

// readCSV reads a CSV file, every row as long as the header.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRunCSV: the run CSV has one row per evaluation and implementation,
// the measures, the whole configuration on every row (values unlike the
// defaults, so that a column written from another configuration shows) and
// a gradient norm per matrix.
func TestRunCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acc.csv")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-iterations", "2", "-train-images", "200", "-eval-every", "1", "-hidden", "20,10",
		"-hidden-act", "tanh,relu", "-output", "sigmoid", "-alpha", "0.5", "-batch", "50", "-dropout=false",
		"-seed", "7", "-optimizer", "momentum", "-lr-schedule", "cosine", "-csv", path}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "compare: wrote "+path+"\n") {
		t.Errorf("stderr does not name the file written: %q", errb.String())
	}
	rows := readCSV(t, path)
	want := "iteration,impl,test_acc,train_acc,test_loss,train_loss," +
		"hidden_sizes,hidden_acts,output,dtype,alpha,batch,iterations,train_images,dropout,book,optimizer,schedule," +
		"seed,initial_weights,eval_every,w01_range,w12_range," +
		"grad_norm_w01,grad_norm_w12,grad_norm_w23"
	if got := strings.Join(rows[0], ","); got != want {
		t.Fatalf("header %s, want %s", got, want)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want header + 2 evaluations × 2 implementations", len(rows))
	}
	config := []string{"20,10", "tanh,relu", "sigmoid", "float64", "0.5", "50", "2", "200", "false", "false",
		"momentum(β=0.9)", "cosine", "7", "seed", "1", "0.01", "0.1"}
	for i, r := range rows[1:] {
		impl := []string{"graph", "graph", "handrolled", "handrolled"}[i]
		if r[0] != strconv.Itoa(i%2) || r[1] != impl {
			t.Errorf("row %d: %v", i+1, r)
		}
		if got := r[6 : 6+len(config)]; !slices.Equal(got, config) {
			t.Errorf("row %d: configuration %q, want %q", i+1, got, config)
		}
		for _, v := range append(r[2:6:6], r[6+len(config):]...) {
			if x, err := strconv.ParseFloat(v, 64); err != nil || !(x > 0) {
				t.Errorf("row %d: %q is not a positive number", i+1, v)
			}
		}
		if row := fmt.Sprintf("%s Test-Acc:%s Train-Acc:%s", r[1], r[2], r[3]); !strings.Contains(out.String(), "I:"+r[0]+" ") || !strings.Contains(out.String(), row) {
			t.Errorf("row %d: %q is not in the output:\n%s", i+1, row, out.String())
		}
	}
}

func TestSweepCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sweep.csv")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-sweep", "-hidden-acts", "tanh,relu", "-outputs", "softmax", "-iterations", "2",
		"-train-images", "200", "-eval-every", "1", "-quiet", "-csv", path}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("-quiet wrote to stderr: %q", errb.String())
	}
	rows := readCSV(t, path)
	want := "hidden_acts,hidden_sizes,output,alpha,batch,iterations,train_images,dropout,optimizer,schedule,dtype,seed," +
		"final_iteration,final_test_acc,best_test_acc,best_iteration,final_train_acc,diverged,failed_checks,seconds," +
		"cell_n,cell_mean_final_test_acc,cell_std_final_test_acc"
	if got := strings.Join(rows[0], ","); got != want {
		t.Fatalf("header %s, want %s", got, want)
	}
	if got, want := strings.Join(rows[1][:13], ","), "tanh,100,softmax,2,100,2,200,true,sgd,const,float64,1,1"; len(rows) != 3 || got != want || rows[2][0] != "relu" || rows[1][17] != "false" || rows[1][20] != "1" {
		t.Errorf("rows %v, want the first to begin %s", rows, want)
	}
	for _, r := range rows[1:] {
		if acc, err := strconv.ParseFloat(r[13], 64); err != nil || acc <= 0 || acc > 1 || !strings.Contains(out.String(), fmt.Sprintf(" %.4f ", acc)) || r[21] != r[13] {
			t.Errorf("final test accuracy %q (cell mean %q) not in the table:\n%s", r[13], r[21], out.String())
		}
	}
}

func TestWeightsPictureOfTwoHiddenLayers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.png")
	var out, errb bytes.Buffer
	code := New().Main([]string{"-iterations", "1", "-train-images", "200", "-hidden", "20,10", "-quiet", "-weights", path}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("weights picture: %v", err)
	}
}

func TestProject(t *testing.T) {
	const h1, h2 = 3, 2
	w01, w12, w23 := make([]float64, idx.Pixels*h1), make([]float64, h1*h2), make([]float64, h2*idx.Classes)
	for i := range w01 {
		w01[i] = float64(i%7) - 3
	}
	for i := range w12 {
		w12[i] = float64(i) - 2
	}
	for i := range w23 {
		w23[i] = float64(i%5) + 1
	}
	got := project([][]float64{w01, w12, w23})
	for p := range idx.Pixels {
		for d := range idx.Classes {
			var want float64
			for a := range h1 {
				for b := range h2 {
					want += w01[p*h1+a] * w12[a*h2+b] * w23[b*idx.Classes+d]
				}
			}
			if got[p*idx.Classes+d] != want {
				t.Fatalf("pixel %d digit %d: %v, want %v", p, d, got[p*idx.Classes+d], want)
			}
		}
	}
}
