package mnist

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/weightsfile"
)

func TestNewDataReal(t *testing.T) {
	dir, err := idx.DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := idx.Load(dir, 1000, idx.All)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewData[float64](train, 1000)
	if err != nil {
		t.Fatal(err)
	}
	d32, err := NewData[float32](train, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 1000 || len(d.X) != 1000*Pixels || len(d.Y) != 1000*Classes || len(d.Labels) != 1000 {
		t.Fatalf("NewData(1000): N=%d len(X)=%d len(Y)=%d len(Labels)=%d", d.N, len(d.X), len(d.Y), len(d.Labels))
	}
	for i := range d.X {
		p := train.Images[i]
		if d.X[i] != float64(p)/255 || d32.X[i] != float32(float64(p)/255) {
			t.Fatalf("X[%d] = %v / %v for pixel %d", i, d.X[i], d32.X[i], p)
		}
	}
	for i := range d.N {
		for k := range Classes {
			want := 0.0
			if k == int(train.Labels[i]) {
				want = 1
			}
			if d.Y[i*Classes+k] != want || float64(d32.Y[i*Classes+k]) != want {
				t.Fatalf("Y[%d][%d] = %v, want %v", i, k, d.Y[i*Classes+k], want)
			}
		}
	}
	all, err := NewData[float32](test, test.N)
	if err != nil || all.N != 10000 || all.Labels[0] != 7 {
		t.Errorf("NewData(test, test.N): N=%d, err %v", all.N, err)
	}
}

func TestNewDataRange(t *testing.T) {
	s := idx.Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1, 2, 3}, N: 3}
	for _, n := range []int{-1, 0, 4} {
		if _, err := NewData[float64](s, n); err == nil || !strings.HasPrefix(err.Error(), "mnist: ") {
			t.Errorf("NewData(%d): error %v, want an mnist error", n, err)
		}
		if _, err := Set(s).Float32(n); err == nil {
			t.Errorf("Float32(%d): no error", n)
		}
	}
	if _, err := NewData[float64](s, 3); err != nil {
		t.Fatal(err)
	}
	bad := idx.Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1}, N: 3}
	if _, err := NewData[float64](bad, 3); err == nil {
		t.Error("NewData on a set with too few labels: no error")
	}
	bad = idx.Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1, 12, 3}, N: 3}
	if _, err := NewData[float64](bad, 3); err == nil {
		t.Error("NewData on a set with label 12: no error")
	}
}

// TestCompatLoad checks the deprecated Load against idx.Load.
func TestCompatLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: reads all 70000 images")
	}
	dir, err := DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := Load(dir)
	if err != nil || train.N != 60000 || test.N != 10000 {
		t.Fatalf("Load: %d, %d images, %v", train.N, test.N, err)
	}
	if _, _, err := Load(filepath.Join(t.TempDir(), "nowhere")); !errors.Is(err, idx.ErrNotFound) {
		t.Errorf("Load of a missing directory: %v, want idx.ErrNotFound", err)
	}
}

// TestCompatWeights checks the deprecated SaveWeights and LoadWeights.
func TestCompatWeights(t *testing.T) {
	c := DefaultConfig()
	c.Hidden = []int{3}
	ws := InitWeights[float64](c, NewRNG(7))
	w01, w12 := ws[0], ws[1]
	dir := t.TempDir()
	path := filepath.Join(dir, "w.bin")
	if err := SaveWeights(path, c, "float32", w01, w12); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hidden != 3 || got.Dtype != "float32" || !slices.Equal(got.W01, w01) || !slices.Equal(got.W12, w12) {
		t.Errorf("round trip changed the weights: %+v", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	// The file is what weightsfile reads.
	w, err := weightsfile.Load(path)
	if err != nil || len(w.Layers) != 2 || w.Layers[0].Rows != Pixels || w.Layers[0].Cols != 3 {
		t.Errorf("weightsfile.Load: %v", err)
	}

	if err := SaveWeights(filepath.Join(dir, "a"), c, "float64", w01[:10], w12); err == nil {
		t.Error("wrong-sized weights saved")
	}
	if err := SaveWeights(filepath.Join(dir, "b"), c, "int8", w01, w12); err == nil {
		t.Error("unknown dtype saved")
	}
	if err := SaveWeights(filepath.Join(dir, "no", "such", "c"), c, "float64", w01, w12); err == nil {
		t.Error("save into a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}

	three, err := weightsfile.Marshal(weightsfile.Weights{Dtype: "float64", Layers: []weightsfile.Matrix{
		{Rows: Pixels, Cols: 1, Data: make([]float64, Pixels)},
		{Rows: 1, Cols: 1, Data: []float64{1}},
		{Rows: 1, Cols: Classes, Data: make([]float64, Classes)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p3 := filepath.Join(dir, "three.bin")
	if err := os.WriteFile(p3, three, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWeights(p3); err == nil || !strings.Contains(err.Error(), p3) {
		t.Errorf("LoadWeights of three matrices: %v", err)
	}
	if _, err := LoadWeights(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
