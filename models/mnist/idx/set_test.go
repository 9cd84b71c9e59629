package idx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeSet writes a complete, tiny data directory: 3 training and 2 test
// images, with the test labels file holding testLabelsN labels.
func writeSet(t *testing.T, testLabelsN int, gzipped bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		TrainImages: imageFile(imageMagic, 3, 28, 28, 3*Pixels),
		TrainLabels: labelFile(labelMagic, 3, []byte{5, 0, 4}),
		TestImages:  imageFile(imageMagic, 2, 28, 28, 2*Pixels),
		TestLabels:  labelFile(labelMagic, int32(testLabelsN), make([]byte, testLabelsN)),
	}
	for name, data := range files {
		if gzipped {
			name, data = name+".gz", gz(data)
		}
		writeFileAt(t, filepath.Join(dir, name), data)
	}
	return dir
}

func TestLoadSynthetic(t *testing.T) {
	for _, gzipped := range []bool{false, true} {
		dir := writeSet(t, 2, gzipped)
		train, test, err := Load(dir, All, All)
		if err != nil {
			t.Fatalf("gzipped=%v: %v", gzipped, err)
		}
		if train.N != 3 || test.N != 2 || train.Labels[0] != 5 || len(train.Images) != 3*Pixels {
			t.Errorf("gzipped=%v: train.N=%d test.N=%d", gzipped, train.N, test.N)
		}
		train, test, err = Load(dir, 2, 1)
		if err != nil || train.N != 2 || len(train.Images) != 2*Pixels || len(train.Labels) != 2 || test.N != 1 {
			t.Errorf("gzipped=%v: Load(2, 1): train.N=%d test.N=%d, %v", gzipped, train.N, test.N, err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := writeSet(t, 3, true)
	_, _, err := Load(dir, 1, All)
	wantErr(t, err, ErrBadFile, filepath.Join(dir, TestImages+".gz"), "declares 2 images but", filepath.Join(dir, TestLabels+".gz"), "declares 3 labels")

	dir = writeSet(t, 2, true)
	_, _, err = Load(dir, 4, All)
	wantErr(t, err, ErrTooFew, filepath.Join(dir, TrainImages+".gz"), "asked for 4 images, the header declares 3")

	if err := os.Remove(filepath.Join(dir, TrainLabels+".gz")); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(dir, 1, All)
	wantErr(t, err, ErrNotFound, dir, TrainLabels)

	_, _, err = Load(filepath.Join(dir, "nowhere"), 1, All)
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing directory: %v, want ErrNotFound", err)
	}
}

// loadReal loads the real MNIST files found by DataDir.
func loadReal(t testing.TB, trainN, testN int) (train, test Set) {
	t.Helper()
	dir, err := DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = Load(dir, trainN, testN)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestLoadReal(t *testing.T) {
	if testing.Short() {
		// All of MNIST is 55 MB decompressed; the first 1000 are read below.
		t.Log("-short: reading 1000 training images, not 60000")
	}
	trainN := All
	if testing.Short() {
		trainN = 1000
	}
	start := time.Now()
	train, test := loadReal(t, trainN, All)
	t.Logf("Load(%d, All) took %v", trainN, time.Since(start))
	wantTrain := 60000
	if testing.Short() {
		wantTrain = 1000
	}
	for _, c := range []struct {
		name  string
		s     Set
		n     int
		first uint8
	}{{"train", train, wantTrain, 5}, {"test", test, 10000, 7}} {
		if c.s.N != c.n || len(c.s.Labels) != c.n || len(c.s.Images) != c.n*Pixels {
			t.Errorf("%s: N=%d, %d labels, %d pixels; want %d images", c.name, c.s.N, len(c.s.Labels), len(c.s.Images), c.n)
		}
		if c.s.Labels[0] != c.first {
			t.Errorf("%s: first label %d, want %d", c.name, c.s.Labels[0], c.first)
		}
	}
	// The first training image, a 5: row 14 (0-based) of its 28 rows.
	var ink int
	for _, p := range train.Images[14*28 : 15*28] {
		if p > 0 {
			ink++
		}
	}
	if ink == 0 {
		t.Error("row 14 of the first training image is blank")
	}
}

// TestLoadFirstNIsCheap checks that the first 1000 training images cost
// about 1000 images of memory, not the 47 MB of the whole file.
func TestLoadFirstNIsCheap(t *testing.T) {
	dir, err := DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	var s Set
	a := allocated(func() { s, err = LoadSet(dir, TrainImages, TrainLabels, 1000) })
	if err != nil || s.N != 1000 {
		t.Fatalf("N=%d, %v", s.N, err)
	}
	if limit := uint64(1000*(Pixels+1) + 512<<10); a > limit {
		t.Errorf("the first 1000 images allocated %d bytes, want <= %d", a, limit)
	}
}

func BenchmarkLoad(b *testing.B) {
	dir, err := DataDir("")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, All} {
		b.Run(map[int]string{1000: "train1000", All: "all"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Load(dir, n, All); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
