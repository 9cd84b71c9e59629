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
	c.Hidden = []int{3}
	ws := InitWeights[float64](c, NewRNG(7))
	w01, w12 = ws[0], ws[1]
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
	if got.Hidden != c.Hidden[0] || got.Dtype != "float64" || !slices.Equal(got.W01, w01) || !slices.Equal(got.W12, w12) {
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
	c.Hidden = []int{2}
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

// TestSaveFailingLateLeavesNothing makes the last step of a save fail (the
// target is a directory, so the rename of the finished temporary file fails)
// and checks that no temporary file is left and the target is untouched; a
// failed save over an existing weights file leaves that file as it was.
func TestSaveFailingLateLeavesNothing(t *testing.T) {
	path, c, w01, w12 := savedFixture(t)
	dir := filepath.Dir(path)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := SaveWeights(target, c, "float64", w01, w12); err == nil {
		t.Fatal("save over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != filepath.Base(path) && e.Name() != "target" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		t.Errorf("target changed: %v, %v", fi, err)
	}
	if err := SaveWeights(path, c, "float64", w01[:10], w12); err == nil {
		t.Fatal("wrong-sized weights saved")
	}
	if after, err := os.ReadFile(path); err != nil || string(after) != string(before) {
		t.Errorf("a failed save changed the existing file (err %v)", err)
	}
}
