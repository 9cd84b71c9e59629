package mnist

import (
	"strings"
	"testing"

	"outgrad/models/mnist/idx"
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
		if _, err := NewData[float32](s, n); err == nil {
			t.Errorf("NewData[float32](%d): no error", n)
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
