package app

import (
	"context"
	"errors"
	"io"
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
)

// TestMemoryEstimateUsesTheDtype: the memory check before loading counts
// float32 elements as 4 bytes and float64 ones as 8: with the memory limit
// between the two estimates, float64 is refused as too large and float32 is
// not. (The limit is the process's soft memory limit, restored after.)
func TestMemoryEstimateUsesTheDtype(t *testing.T) {
	args := []string{"-iterations", "1"}
	o, err := New().parse(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	need32, need64 := o.cfg.MemoryBytes(4, 4, mnistTestImages), o.cfg.MemoryBytes(8, 4, mnistTestImages)
	old := debug.SetMemoryLimit((need32 + need64) / 2)
	defer debug.SetMemoryLimit(old)
	for _, c := range []struct {
		dtype    string
		tooLarge bool
	}{{"float64", true}, {"float32", false}} {
		o, err := New().parse(append(args, "-dtype", c.dtype), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s := &invocation{o: o, stdout: io.Discard, stderr: io.Discard}
		_, err = s.trainer()
		if errors.Is(err, mnist.ErrTooLarge) != c.tooLarge {
			t.Errorf("%s with a limit between %d and %d bytes: %v; want too large %v", c.dtype, need32, need64, err, c.tooLarge)
		}
	}
}

// TestTrainerUsesTheDtype: the trainer trains in the element type of -dtype.
func TestTrainerUsesTheDtype(t *testing.T) {
	for _, dtype := range []string{"float32", "float64"} {
		o, err := New().parse([]string{"-dtype", dtype, "-train-images", "100", "-batch", "50", "-iterations", "1", "-hidden", "8"}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s := &invocation{o: o, stdout: io.Discard, stderr: io.Discard, ctx: context.Background()}
		if err := s.findData(); err != nil {
			t.Fatal(err)
		}
		tr, err := s.trainer()
		if err != nil {
			t.Fatal(err)
		}
		rep, err := tr.compare(compare.CompareOptions{Impl: mnist.ImplHandRolled})
		if err != nil || rep.Config.Dtype != dtype {
			t.Errorf("-dtype %s: trained in %q (%v)", dtype, rep.Config.Dtype, err)
		}
	}
}

// TestMatchesConfigShapes: saved weights fit the network when every matrix
// has its layer's rows and columns; a wrong count, rows or columns is named.
func TestMatchesConfigShapes(t *testing.T) {
	c := mnist.DefaultConfig() // 784 → 100 → 10
	for _, tc := range []struct {
		name   string
		layers []weightsfile.Matrix
		want   string // "" when it fits
	}{
		{"fits", []weightsfile.Matrix{{Rows: 784, Cols: 100}, {Rows: 100, Cols: 10}}, ""},
		{"one matrix", []weightsfile.Matrix{{Rows: 784, Cols: 10}}, "holds 1 weight matrices, the network (-hidden 100) has 2"},
		{"rows", []weightsfile.Matrix{{Rows: 784, Cols: 100}, {Rows: 99, Cols: 10}}, "matrix w12 is 99×10 in the file"},
		{"columns", []weightsfile.Matrix{{Rows: 784, Cols: 101}, {Rows: 100, Cols: 10}}, "matrix w01 is 784×101 in the file"},
	} {
		err := matchesConfig(weightsfile.Weights{Dtype: "float64", Layers: tc.layers}, c, "float64")
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestSoftmaxBasesList: -sweep -softmax-bases 2,10 sweeps two softmax
// outputs, of bases 2 and 10, in place of the softmax of base e; an empty
// list is refused.
func TestSoftmaxBasesList(t *testing.T) {
	o, err := New().parse([]string{"-sweep", "-softmax-bases", "2,10"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var bases []float64
	for _, out := range o.grid.Outputs {
		if k, ok := out.LogitScale(); ok {
			bases = append(bases, math.Round(math.Exp(k)))
		}
	}
	if len(bases) != 2 || bases[0] != 2 || bases[1] != 10 {
		t.Errorf("softmax bases %v, want [2 10]", bases)
	}
	if _, err := New().parse([]string{"-sweep", "-softmax-bases", ""}, io.Discard); err == nil || !strings.Contains(err.Error(), "-softmax-bases") {
		t.Errorf("empty list: %v, want an error naming -softmax-bases", err)
	}
}
