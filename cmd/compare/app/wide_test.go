package app

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWeightsImageWideLayer asks for -weights of a layer of 8000 hidden
// units, which drawn whole would make an image 70 000 pixels tall, more
// than PNG's decoders open: the image must be written, open, be at most
// 65535 pixels tall, and its title must say which units it shows; nothing
// else may be left in the directory.
func TestWeightsImageWideLayer(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a wide layer")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "w.png")
	var stdout, stderr bytes.Buffer
	code := New().Main([]string{"-hidden", "8000", "-iterations", "1", "-train-images", "100", "-impl", "handrolled",
		"-check=false", "-quiet", "-weights", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the image does not open: %v", err)
	}
	if h := img.Bounds().Dy(); h > 65535 {
		t.Errorf("image %d pixels tall", h)
	}
	if title := weightsTitle("handrolled", 8000); !strings.Contains(title, "first 1000 of the 8000 hidden units") {
		t.Errorf("title %q does not say which units are drawn", title)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%s holds %d files, want w.png alone", dir, len(ents))
	}
}

// TestSweepAllDiverged runs a -seeds sweep cell whose every run diverges:
// its line must say so, not print a mean of 0.0000 ± 0.0000.
func TestSweepAllDiverged(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := New().Main([]string{"-sweep", "-seeds", "2", "-hidden-acts", "identity", "-outputs", "identity", "-alpha", "1e6",
		"-iterations", "3", "-train-images", "200", "-quiet"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	s := stdout.String()
	_, cells, ok := strings.Cut(s, "mean ± sd")
	if !ok {
		t.Fatalf("no table of cells:\n%s", s)
	}
	line, _, _ := strings.Cut(strings.TrimPrefix(cells, strings.SplitN(cells, "\n", 2)[0]+"\n"), "\n")
	if !strings.Contains(line, "identity") || !strings.Contains(line, "diverged") || strings.Contains(line, "0.0000") {
		t.Errorf("cell line %q, want it to say the runs diverged\n%s", line, s)
	}
}
