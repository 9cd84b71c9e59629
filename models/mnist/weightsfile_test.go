package mnist

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// savedFixture saves small random weights to a temp file and returns its path.
func savedFixture(t *testing.T) (path string, c Config, w01, w12 []float64) {
	t.Helper()
	c = DefaultConfig()
	c.Hidden = 3
	w01, w12 = InitWeights[float64](c, NewRNG(7))
	path = filepath.Join(t.TempDir(), "w.bin")
	if err := SaveWeights(path, c, "float64", w01, w12); err != nil {
		t.Fatal(err)
	}
	return path, c, w01, w12
}

func TestWeightsRoundTrip(t *testing.T) {
	path, c, w01, w12 := savedFixture(t)
	got, err := LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hidden != c.Hidden || got.Dtype != "float64" || !slices.Equal(got.W01, w01) || !slices.Equal(got.W12, w12) {
		t.Errorf("round trip changed the weights: %+v", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWeightsBadFiles(t *testing.T) {
	path, _, _, _ := savedFixture(t)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flip := slices.Clone(good)
	flip[100] ^= 1
	badVersion := slices.Clone(good)
	badVersion[8] = 9
	cases := map[string][]byte{
		"truncated":     good[:len(good)-9],
		"header only":   good[:20],
		"empty":         nil,
		"trailing":      append(slices.Clone(good), 0),
		"bad magic":     append([]byte("OUTGRADX"), good[8:]...),
		"foreign":       []byte("\x1f\x8b\x08\x00 this is a gzip file, not weights"),
		"corrupt":       flip,
		"wrong version": badVersion,
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.bin")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadWeights(p)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if _, err := LoadWeights(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSaveWeightsRejects(t *testing.T) {
	c := DefaultConfig()
	c.Hidden = 2
	dir := t.TempDir()
	if err := SaveWeights(filepath.Join(dir, "a"), c, "float64", make([]float64, 3), make([]float64, 20)); err == nil {
		t.Error("wrong-sized weights saved")
	}
	if err := SaveWeights(filepath.Join(dir, "b"), c, "int8", make([]float64, Pixels*2), make([]float64, 20)); err == nil {
		t.Error("unknown dtype saved")
	}
	if err := SaveWeights(filepath.Join(dir, "no", "such", "dir", "c"), c, "float64", make([]float64, Pixels*2), make([]float64, 20)); err == nil {
		t.Error("save into a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left behind: %v", entries)
	}
}
