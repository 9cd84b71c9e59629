package compare

import (
	"runtime"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// liveHeap collects garbage and returns the bytes of live heap objects.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// measureCompare runs Compare on synthetic data of c.TrainImages training and
// test images and returns the most live heap, above what was live before
// the data was made, seen after every step and evaluation, and the
// estimate MemoryBytes for the same run (as Compare calls CheckMemory:
// opts.memoryNets networks).
func measureCompare[T ops.Float](t *testing.T, c mnist.Config, test int, impl string) (used, estimate int64) {
	t.Helper()
	base := liveHeap()
	train := mnisttest.SynthData[T](c.TrainImages, 3)
	tst := mnisttest.SynthData[T](test, 4)
	var peak uint64
	sample := func() {
		if h := liveHeap(); h > peak {
			peak = h
		}
	}
	opts := CompareOptions{Impl: impl, FirstStepChecksOnly: true,
		Progress: func(int, int) { sample() },
		OnEval:   func([]string, []mnist.Point) { sample() }}
	if _, err := Compare(c, train, tst, opts); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(train)
	runtime.KeepAlive(tst)
	return int64(peak) - int64(base), c.MemoryBytes(floats.ElemSize[T](), opts.memoryNets(), test)
}

// TestMemoryEstimateCovers holds MemoryBytes to its promise, that it errs on
// the side of more: for a few configurations and both element types, the
// live heap of a run (data, networks, checks), measured after every step and
// evaluation, stays below the estimate.
func TestMemoryEstimateCovers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: trains several networks for one iteration")
	}
	book := func(hidden []int, batch, train int) mnist.Config {
		c := mnist.DefaultConfig()
		c.Hidden, c.Batch, c.TrainImages, c.Iterations = hidden, batch, train, 1
		return c
	}
	for _, tc := range []struct {
		name string
		c    mnist.Config
		test int
		impl string
		f32  bool
	}{
		{"book", book([]int{100}, 100, 1000), 1000, ImplBoth, false},
		{"book float32", book([]int{100}, 100, 1000), 1000, ImplBoth, true},
		{"wide", book([]int{1000}, 50, 200), 200, ImplAll, false},
		{"deep", book([]int{256, 128, 64}, 20, 200), 300, mnist.ImplGraph, false},
		{"large batch", book([]int{64}, 1000, 1000), 100, mnist.ImplHandRolled, false},
		{"large batch float32", book([]int{64}, 1000, 1000), 100, ImplBoth, true},
		{"large batch all", book([]int{32}, 2000, 2000), 100, ImplAll, false},
	} {
		var used, est int64
		if tc.f32 {
			used, est = measureCompare[float32](t, tc.c, tc.test, tc.impl)
		} else {
			used, est = measureCompare[float64](t, tc.c, tc.test, tc.impl)
		}
		t.Logf("%s: live heap %.2f MB, estimate %.2f MB", tc.name, float64(used)/(1<<20), float64(est)/(1<<20))
		if used > est {
			t.Errorf("%s: a run used %d bytes of live heap, more than the estimate %d", tc.name, used, est)
		}
	}
}
