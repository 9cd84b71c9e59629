package mnist

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/numpyrng"
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
	if d.N != 1000 || len(d.Images) != 1000*idx.Pixels || len(d.Labels) != 1000 {
		t.Fatalf("NewData(1000): N=%d len(Images)=%d len(Labels)=%d", d.N, len(d.Images), len(d.Labels))
	}
	if &d.Images[0] != &train.Images[0] || &d.Labels[0] != &train.Labels[0] {
		t.Error("NewData copied the set's pixels or labels instead of sharing them")
	}
	x, x32 := d.X(nil, 0, d.N), d32.X(nil, 0, d.N)
	if len(x) != 1000*idx.Pixels || len(x32) != 1000*idx.Pixels {
		t.Fatalf("X(0, N): %d and %d values, want %d", len(x), len(x32), 1000*idx.Pixels)
	}
	for i := range x {
		p := train.Images[i]
		if x[i] != float64(p)/255 || x32[i] != float32(float64(p)/255) {
			t.Fatalf("X[%d] = %v / %v for pixel %d", i, x[i], x32[i], p)
		}
	}
	y, y32 := d.Y(nil, 0, d.N), d32.Y(nil, 0, d.N)
	if len(y) != 1000*idx.Classes || len(y32) != 1000*idx.Classes {
		t.Fatalf("Y(0, N): %d and %d values, want %d", len(y), len(y32), 1000*idx.Classes)
	}
	for i := range d.N {
		for k := range idx.Classes {
			want := 0.0
			if k == int(train.Labels[i]) {
				want = 1
			}
			if y[i*idx.Classes+k] != want || float64(y32[i*idx.Classes+k]) != want {
				t.Fatalf("Y[%d][%d] = %v, want %v", i, k, y[i*idx.Classes+k], want)
			}
		}
	}
	// A range is the same rows of the whole.
	if got := d.X(nil, 300, 400); !equalFloats(got, x[300*idx.Pixels:400*idx.Pixels]) {
		t.Error("X(300, 400) differs from rows 300..399 of X(0, N)")
	}
	if got := d.Y(nil, 300, 400); !equalFloats(got, y[300*idx.Classes:400*idx.Classes]) {
		t.Error("Y(300, 400) differs from rows 300..399 of Y(0, N)")
	}
	all, err := NewData[float32](test, test.N)
	if err != nil || all.N != 10000 || all.Labels[0] != 7 {
		t.Errorf("NewData(test, test.N): N=%d, err %v", all.N, err)
	}
}

func equalFloats[T float32 | float64](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDataEveryByte converts every pixel value, 0..255, in both types: the
// float is numpy's p/255 in float64, then converted.
func TestDataEveryByte(t *testing.T) {
	s := idx.Set{Images: make([]uint8, idx.Pixels), Labels: []uint8{4}, N: 1}
	for i := range s.Images {
		s.Images[i] = uint8(i)
	}
	d, err := NewData[float64](s, 1)
	if err != nil {
		t.Fatal(err)
	}
	d32, err := NewData[float32](s, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, x32 := d.X(nil, 0, 1), d32.X(nil, 0, 1)
	for i := range x {
		p := float64(uint8(i))
		if x[i] != p/255 || x32[i] != float32(p/255) {
			t.Fatalf("pixel %v: %v and %v, want %v and %v", p, x[i], x32[i], p/255, float32(p/255))
		}
	}
}

// TestConvertAnyLength converts lengths that are not a multiple of the
// eight pixels convert takes at once.
func TestConvertAnyLength(t *testing.T) {
	px := []uint8{0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 1}
	for n := range len(px) + 1 {
		dst := make([]float64, n)
		for i := range dst {
			dst[i] = math.NaN()
		}
		convert(dst, px[:n], scale64)
		for i, p := range px[:n] {
			if dst[i] != float64(p)/255 {
				t.Fatalf("length %d: pixel %d (%d) = %v", n, i, p, dst[i])
			}
		}
	}
}

// TestDataReusesBuffers checks that X and Y write into a buffer of enough
// capacity without allocating, grow a short one, and that Y leaves no 1 of
// an earlier batch behind.
func TestDataReusesBuffers(t *testing.T) {
	s := idx.Set{Images: make([]uint8, 30*idx.Pixels), Labels: make([]uint8, 30), N: 30}
	for i := range s.Images {
		s.Images[i] = uint8(i * 7)
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(i % idx.Classes)
	}
	d, err := NewData[float32](s, 30)
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]float32, 10*idx.Pixels), make([]float32, 10*idx.Classes)
	var gotX, gotY []float32
	if a := testing.AllocsPerRun(10, func() { gotX, gotY = d.X(x, 20, 30), d.Y(y, 20, 30) }); a != 0 {
		t.Errorf("X and Y into buffers of enough capacity allocate %v times", a)
	}
	if &gotX[0] != &x[0] || &gotY[0] != &y[0] || len(gotX) != 10*idx.Pixels || len(gotY) != 10*idx.Classes {
		t.Errorf("X and Y did not return the buffers given: lengths %d and %d", len(gotX), len(gotY))
	}
	// Rows 20..29 have labels 0..9, rows 3..12 labels 3..9, 0, 1, 2: every
	// row's 1 moves, so a stale 1 would show.
	gotY = d.Y(gotY, 3, 13)
	for i := range 10 {
		for k := range idx.Classes {
			want := float32(0)
			if k == (3+i)%idx.Classes {
				want = 1
			}
			if gotY[i*idx.Classes+k] != want {
				t.Fatalf("Y(3, 13) into a used buffer: row %d column %d = %v, want %v", i, k, gotY[i*idx.Classes+k], want)
			}
		}
	}
	if got := d.X(x[:0:5], 0, 2); len(got) != 2*idx.Pixels || got[idx.Pixels+1] != float32(float64(s.Images[idx.Pixels+1])/255) {
		t.Errorf("X into a short buffer: %d values", len(got))
	}
	// X overwrites every value of a used buffer, zero pixels too.
	s.Images[5*idx.Pixels+3], s.Images[5*idx.Pixels+20] = 0, 0 // words of 8 bytes, zero and not
	clear(s.Images[5*idx.Pixels+24 : 5*idx.Pixels+40])
	want := d.X(nil, 5, 7)
	for i := range x {
		x[i] = float32(math.NaN())
	}
	if got := d.X(x, 5, 7); !equalFloats(got, want) {
		t.Error("X into a buffer of NaNs differs from X into a new one")
	}
}

// TestNewDataHoldsNoFloats checks that NewData allocates no float copy of
// the images: what it allocates is bounded by a constant, whatever the
// number of images (a float64 copy of the large set below would be 250 MB).
func TestNewDataHoldsNoFloats(t *testing.T) {
	const limit = 1024
	for _, n := range []int{1, 40000} {
		s := idx.Set{Images: make([]uint8, n*idx.Pixels), Labels: make([]uint8, n), N: n}
		// TotalAlloc counts the whole process: another goroutine may
		// allocate during a call, never take away from it, so the least
		// of a few calls is NewData's own.
		var d Data[float64]
		got := uint64(math.MaxUint64)
		for range 5 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			d, err = NewData[float64](s, n)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			got = min(got, after.TotalAlloc-before.TotalAlloc)
		}
		if got > limit {
			t.Errorf("NewData of %d images allocates %d bytes, want at most %d", n, got, limit)
		}
		if d.N != n {
			t.Errorf("NewData of %d images: N = %d", n, d.N)
		}
	}
}

// idleNet is a Net that computes nothing: zero outputs, gradients and
// logits. It lets a test see the trainer's own allocations.
type idleNet struct {
	out, logits []float64
	grads, ws   [][]float64
}

func newIdleNet(c Config) *idleNet {
	n := &idleNet{out: make([]float64, c.Batch*idx.Classes)}
	sizes := c.Sizes()
	for i := 0; i+1 < len(sizes); i++ {
		n.grads = append(n.grads, make([]float64, sizes[i]*sizes[i+1]))
		n.ws = append(n.ws, make([]float64, sizes[i]*sizes[i+1]))
	}
	return n
}

func (n *idleNet) Name() string { return "idle" }

func (n *idleNet) Gradient(x, t []float64, masks [][]float64) error { return nil }

func (n *idleNet) Step(x, t []float64, masks [][]float64) error { return nil }

func (n *idleNet) Output() []float64 { return n.out }

func (n *idleNet) Grads() [][]float64 { return n.grads }

func (n *idleNet) Weights() [][]float64 { return n.ws }

func (n *idleNet) Loss(x, t []float64, masks [][]float64) (float64, error) {
	return 0, nil
}

func (n *idleNet) Logits(x []float64, rows int) ([]float64, error) {
	n.logits = resize(n.logits, rows*idx.Classes)
	return n.logits, nil
}

// TestTrainerReusesBuffers checks that the trainer converts every batch and
// every test block into buffers it keeps: a training step allocates nothing
// (a batch of 10 images as float64 would be 63 KB), and an evaluation no
// more than its small records (the test block of 200 images is 1.3 MB).
func TestTrainerReusesBuffers(t *testing.T) {
	const images = 200
	s := idx.Set{Images: make([]uint8, images*idx.Pixels), Labels: make([]uint8, images), N: images}
	for i := range s.Images {
		s.Images[i] = uint8(i)
	}
	train, err := NewData[float64](s, images)
	if err != nil {
		t.Fatal(err)
	}
	// run returns the allocations and bytes allocated by a run.
	run := func(iterations, evalEvery int) (allocs, bytes int64) {
		c := DefaultConfig()
		c.TrainImages, c.Batch, c.Iterations, c.EvalEvery = images, 10, iterations, evalEvery
		tr, _, err := NewTrainer(c, train, train)
		if err != nil {
			t.Fatal(err)
		}
		n := []Net[float64]{newIdleNet(c)}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := tr.Run(n, Hooks[float64]{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return int64(after.Mallocs - before.Mallocs), int64(after.TotalAlloc - before.TotalAlloc)
	}
	// Both runs evaluate after iterations 0 and the last only; the second
	// takes 20 more iterations of 20 steps.
	short, _ := run(2, 1000)
	long, _ := run(22, 1000)
	if steps := int64(20 * 20); long-short >= steps {
		t.Errorf("%d allocations over 400 more steps (%d over 2 iterations, %d over 22): a training step allocates", long-short, short, long)
	} else {
		t.Logf("%d allocations over 2 iterations, %d over 22", short, long)
	}
	// Every iteration evaluated: 2 and 12 evaluations.
	_, short = run(2, 1)
	_, long = run(12, 1)
	if perEval := (long - short) / 10; perEval > 1024 {
		t.Errorf("an evaluation allocates %d bytes beyond its steps (%d over 2 evaluations, %d over 12)", perEval, short, long)
	} else {
		t.Logf("%d bytes over 2 evaluations, %d over 12", short, long)
	}
}

func TestNewDataRange(t *testing.T) {
	s := idx.Set{Images: make([]uint8, 3*idx.Pixels), Labels: []uint8{1, 2, 3}, N: 3}
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
	bad := idx.Set{Images: make([]uint8, 3*idx.Pixels), Labels: []uint8{1}, N: 3}
	if _, err := NewData[float64](bad, 3); err == nil {
		t.Error("NewData on a set with too few labels: no error")
	}
	bad = idx.Set{Images: make([]uint8, 3*idx.Pixels), Labels: []uint8{1, 12, 3}, N: 3}
	if _, err := NewData[float64](bad, 3); err == nil {
		t.Error("NewData on a set with label 12: no error")
	}
	// A Data built by hand is checked by the trainer: a label that is not a
	// digit would put its 1 outside its row of Y.
	hand := Data[float64]{Images: make([]uint8, 3*idx.Pixels), Labels: []uint8{1, 12, 3}, N: 3}
	c := DefaultConfig()
	c.TrainImages, c.Batch = 3, 3
	if _, _, err := NewTrainer(c, hand, hand); err == nil || !strings.Contains(err.Error(), "label 12") {
		t.Errorf("NewTrainer on a Data with label 12: error %v", err)
	}
}

// TestEvaluatorBlocks evaluates a set of two blocks and a remainder: the
// accuracy counts every image once, against its own label, as a count made
// in chunks of another size does; evaluating again gives the same.
func TestEvaluatorBlocks(t *testing.T) {
	const images = 2*EvalBlock + 37
	rng := numpyrng.New(5)
	s := idx.Set{Images: make([]uint8, images*idx.Pixels), Labels: make([]uint8, images), N: images}
	for i := range s.Images {
		if rng.Uint32()%4 == 0 {
			s.Images[i] = uint8(rng.Uint32())
		}
	}
	for i := range s.Labels {
		s.Labels[i] = uint8(rng.Uint32() % idx.Classes)
	}
	d, err := NewData[float64](s, images)
	if err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Hidden = []int{8}
	ws, err := InitWeights[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	var x []float64
	for lo := 0; lo < images; lo += 3000 {
		hi := min(lo+3000, images)
		x = d.X(x, lo, hi)
		logits, err := n.Logits(x, hi-lo)
		if err != nil {
			t.Fatal(err)
		}
		correct += countCorrect(logits, s.Labels[lo:hi])
	}
	want := float64(correct) / images
	var e Evaluator[float64]
	for i := range 2 {
		if got, err := e.Accuracy(n, d); err != nil || got != want {
			t.Errorf("evaluation %d: accuracy %v, %v; counted in chunks of 3000: %v", i, got, err, want)
		}
	}
	if got, err := Accuracy(n, d); err != nil || got != want {
		t.Errorf("Accuracy: %v, %v; counted in chunks of 3000: %v", got, err, want)
	}

	// One block, kept converted between calls: the same evaluator on other
	// images of the same count, here the set shifted by one image, must
	// convert them.
	const few = 500
	first, err := NewData[float64](s, few)
	if err != nil {
		t.Fatal(err)
	}
	shifted, err := NewData[float64](idx.Set{Images: s.Images[idx.Pixels:], Labels: s.Labels[1:], N: s.N - 1}, few)
	if err != nil {
		t.Fatal(err)
	}
	var fresh [2]float64
	for i, d := range []Data[float64]{first, shifted} {
		if fresh[i], err = Accuracy(n, d); err != nil {
			t.Fatal(err)
		}
	}
	if fresh[0] == fresh[1] {
		t.Fatalf("the set and the set shifted by one image have the same accuracy %v: the test needs them to differ", fresh[0])
	}
	for i, d := range []Data[float64]{first, first, shifted, first} {
		want := fresh[0]
		if i == 2 {
			want = fresh[1]
		}
		if got, err := e.Accuracy(n, d); err != nil || got != want {
			t.Errorf("evaluation %d of one block: accuracy %v, %v, want %v", i, got, err, want)
		}
	}
}
