package idx

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestContract calls every exported function of the package with bad
// arguments: empty, missing, negative, not a file; each must return an
// error, never panic.
func TestContract(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "text")
	if err := os.WriteFile(text, []byte("not idx"), 0o644); err != nil {
		t.Fatal(err)
	}
	real, err := DataDir("")
	if err != nil {
		t.Skipf("no MNIST data: %v", err)
	}
	images := filepath.Join(real, TrainImages+".gz")
	if _, err := os.Stat(images); err != nil {
		images = filepath.Join(real, TrainImages)
	}
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"DataDir missing", func() error { _, err := DataDir(filepath.Join(dir, "none")); return err }},
		{"DataDir a file", func() error { _, err := DataDir(text); return err }},
		{"DataDir empty directory", func() error { _, err := DataDir(dir); return err }},
		{"ReadImages empty path", func() error { _, _, err := ReadImages("", 1); return err }},
		{"ReadImages a directory", func() error { _, _, err := ReadImages(dir, 1); return err }},
		{"ReadImages not idx", func() error { _, _, err := ReadImages(text, 1); return err }},
		{"ReadImages n -5", func() error { _, _, err := ReadImages(images, -5); return err }},
		{"ReadImages n beyond", func() error { _, _, err := ReadImages(images, 1<<40); return err }},
		{"ReadLabels a directory", func() error { _, _, err := ReadLabels(dir, 1); return err }},
		{"ReadLabels images file", func() error { _, _, err := ReadLabels(images, 1); return err }},
		{"ReadLabels n -5", func() error {
			_, _, err := ReadLabels(filepath.Join(real, TrainLabels+".gz"), -5)
			return err
		}},
		{"Load empty dir", func() error { _, _, err := Load("", 1, 1); return err }},
		{"Load n -5", func() error { _, _, err := Load(real, -5, 1); return err }},
		{"Load test n -5", func() error { _, _, err := Load(real, 1, -5); return err }},
		{"LoadSet empty names", func() error { _, err := LoadSet(real, "", "", 1); return err }},
		{"LoadSet images as labels", func() error { _, err := LoadSet(real, TrainImages, TrainImages, 1); return err }},
		{"LoadSet escaping name", func() error { _, err := LoadSet(real, "../"+TrainImages, TrainLabels, 1); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(runtime.Error); ok {
						t.Fatalf("runtime panic: %v", r)
					}
					t.Fatalf("panic: %v", r)
				}
			}()
			err := c.call()
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "idx: ") {
				t.Errorf("error %q, want one starting %q", err, "idx: ")
			}
		})
	}
}
