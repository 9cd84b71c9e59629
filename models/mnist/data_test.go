package mnist

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadReal loads the real MNIST files found by DataDir.
func loadReal(t testing.TB) (train, test Set) {
	t.Helper()
	dir, err := DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

func TestLoadReal(t *testing.T) {
	start := time.Now()
	train, test := loadReal(t)
	t.Logf("Load took %v", time.Since(start))
	for _, c := range []struct {
		name  string
		s     Set
		n     int
		first uint8
	}{{"train", train, 60000, 5}, {"test", test, 10000, 7}} {
		if c.s.N != c.n || len(c.s.Labels) != c.n || len(c.s.Images) != c.n*Pixels {
			t.Errorf("%s: N=%d, %d labels, %d pixels; want %d images", c.name, c.s.N, len(c.s.Labels), len(c.s.Images), c.n)
		}
		if c.s.Labels[0] != c.first {
			t.Errorf("%s: first label %d, want %d", c.name, c.s.Labels[0], c.first)
		}
	}
	// The first training image, a 5: row 14 (0-based) of its 28 rows.
	row := train.Images[14*28 : 15*28]
	var ink int
	for _, p := range row {
		if p > 0 {
			ink++
		}
	}
	if ink == 0 {
		t.Error("row 14 of the first training image is blank")
	}

	d, err := train.Float64(1000)
	if err != nil {
		t.Fatal(err)
	}
	d32, err := train.Float32(1000)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 1000 || len(d.X) != 1000*Pixels || len(d.Y) != 1000*Classes || len(d.Labels) != 1000 {
		t.Fatalf("Float64(1000): N=%d len(X)=%d len(Y)=%d len(Labels)=%d", d.N, len(d.X), len(d.Y), len(d.Labels))
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
	all, err := test.Float32(test.N)
	if err != nil || all.N != 10000 || all.Labels[0] != 7 {
		t.Errorf("test.Float32(test.N): N=%d, err %v", all.N, err)
	}
}

func TestSetFloatRange(t *testing.T) {
	s := Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1, 2, 3}, N: 3}
	for _, n := range []int{-1, 0, 4} {
		if _, err := s.Float64(n); err == nil || !strings.HasPrefix(err.Error(), "mnist: ") {
			t.Errorf("Float64(%d): error %v, want an mnist error", n, err)
		}
		if _, err := s.Float32(n); err == nil {
			t.Errorf("Float32(%d): no error", n)
		}
	}
	bad := Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1}, N: 3}
	if _, err := bad.Float64(3); err == nil {
		t.Error("Float64 on a set with too few labels: no error")
	}
	bad = Set{Images: make([]uint8, 3*Pixels), Labels: []uint8{1, 12, 3}, N: 3}
	if _, err := bad.Float64(3); err == nil {
		t.Error("Float64 on a set with label 12: no error")
	}
}

// writeSet writes a complete, tiny data directory: 3 training and 2 test
// images, with the test labels file holding testLabelsN labels.
func writeSet(t *testing.T, testLabelsN int, gzipped bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		trainImages: imageFile(imageMagic, 3, 28, 28, 3*Pixels),
		trainLabels: labelFile(labelMagic, 3, []byte{5, 0, 4}),
		testImages:  imageFile(imageMagic, 2, 28, 28, 2*Pixels),
		testLabels:  labelFile(labelMagic, int32(testLabelsN), make([]byte, testLabelsN)),
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
		train, test, err := Load(dir)
		if err != nil {
			t.Fatalf("gzipped=%v: %v", gzipped, err)
		}
		if train.N != 3 || test.N != 2 || train.Labels[0] != 5 {
			t.Errorf("gzipped=%v: train.N=%d test.N=%d", gzipped, train.N, test.N)
		}
	}
}

func TestLoadMismatchedCounts(t *testing.T) {
	dir := writeSet(t, 3, true)
	_, _, err := Load(dir)
	wantErr(t, err, filepath.Join(dir, testImages+".gz"), "holds 2 images but", filepath.Join(dir, testLabels+".gz"), "holds 3 labels")
}

func BenchmarkLoad(b *testing.B) {
	dir, err := DataDir("")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}
