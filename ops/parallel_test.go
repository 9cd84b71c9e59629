package ops

import (
	"math"
	"runtime"
	"testing"
)

// TestSplitMatchesSerial checks that Forward and Backward on a batch large
// enough to be split over cores give exactly what one call on the whole batch
// gives, for every registered activation, row-wise softmax included.
func TestSplitMatchesSerial(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: nothing is split")
	}
	const rows, cols = 301, 97 // 29197 elements: split, and not evenly
	x, dy := make([]float64, rows*cols), make([]float64, rows*cols)
	for i := range x {
		x[i] = 6 * math.Sin(float64(i)*0.37)
		dy[i] = math.Cos(float64(i) * 0.11)
	}
	for _, act := range Activations() {
		y, want := make([]float64, len(x)), make([]float64, len(x))
		Forward(act, y, x, cols)
		act.Forward64(want, x, cols)
		if i := firstDiff(y, want); i >= 0 {
			t.Errorf("%s forward: element %d is %v split, %v whole", act.Name(), i, y[i], want[i])
		}
		dx, wantDx := make([]float64, len(x)), make([]float64, len(x))
		Backward(act, dx, dy, x, want, cols)
		act.Backward64(wantDx, dy, x, want, cols)
		if i := firstDiff(dx, wantDx); i >= 0 {
			t.Errorf("%s backward: element %d is %v split, %v whole", act.Name(), i, dx[i], wantDx[i])
		}
		y32, x32, want32 := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		Forward(act, y32, x32, cols)
		act.Forward32(want32, x32, cols)
		for i := range y32 {
			if y32[i] != want32[i] && !(y32[i] != y32[i] && want32[i] != want32[i]) {
				t.Errorf("%s forward32: element %d is %v split, %v whole", act.Name(), i, y32[i], want32[i])
				break
			}
		}
	}
}

func firstDiff(a, b []float64) int {
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return i
		}
	}
	return -1
}

// TestSplitAllocatesNothing: the hand-rolled network calls Forward and
// Backward every step and must not allocate in steady state.
func TestSplitAllocatesNothing(t *testing.T) {
	x := make([]float64, 100*100)
	y := make([]float64, len(x))
	if n := testing.AllocsPerRun(50, func() { Forward(Tanh, y, x, 100); Backward(Tanh, y, x, nil, y, 100) }); n != 0 {
		t.Errorf("Forward and Backward of 100×100 allocate %v times per call", n)
	}
}

// panicsOnNegative panics on any row it is given whose first input is negative.
type panicsOnNegative struct{ Activation }

func (panicsOnNegative) Forward64(y, x []float64, cols int) {
	if x[0] < 0 {
		panic("negative row")
	}
	copy(y, x)
}

// TestSplitPanicReachesCaller: a panic in an activation run on another core
// is raised again in the caller, where it can be recovered.
func TestSplitPanicReachesCaller(t *testing.T) {
	const rows, cols = 200, 100
	x := make([]float64, rows*cols)
	x[0] = -1 // the first row: handed to a worker when split
	y := make([]float64, len(x))
	got := func() (r any) {
		defer func() { r = recover() }()
		Forward(panicsOnNegative{Identity}, y, x, cols)
		return nil
	}()
	if got != "negative row" {
		t.Errorf("recovered %v, want the activation's panic", got)
	}
	// The pool and the workers still work afterwards.
	x[0] = 1
	Forward(panicsOnNegative{Identity}, y, x, cols)
	if y[0] != 1 {
		t.Errorf("y[0] = %v after a clean call, want 1", y[0])
	}
}

// TestUnevenSlicesPassedWhole: slices that are not whole rows are handed to
// the activation as given, with the caller's cols.
func TestUnevenSlicesPassedWhole(t *testing.T) {
	var got []int
	rec := recorder{Identity, &got}
	Forward(rec, make([]float64, 10001), make([]float64, 10001), 100)
	if len(got) != 2 || got[0] != 10001 || got[1] != 100 {
		t.Errorf("activation called with (len, cols) %v, want [10001 100]", got)
	}
}

type recorder struct {
	Activation
	got *[]int
}

func (r recorder) Forward64(y, x []float64, cols int) { *r.got = append(*r.got, len(x), cols) }

// nested is an activation built on Forward: a split inside a split.
type nested struct{ Activation }

func (nested) Forward64(y, x []float64, cols int) { Forward(Tanh, y, x, cols) }

// TestNestedSplitsFinish runs splits inside splits from several goroutines at
// once; with parts queued for busy workers this would deadlock.
func TestNestedSplitsFinish(t *testing.T) {
	const rows, cols, callers = 1000, 100, 8
	x := make([]float64, rows*cols)
	for i := range x {
		x[i] = float64(i%13)/6 - 1
	}
	want := make([]float64, len(x))
	Tanh.Forward64(want, x, cols)
	done := make(chan []float64)
	for range callers {
		go func() {
			y := make([]float64, len(x))
			Forward(nested{Tanh}, y, x, cols)
			done <- y
		}()
	}
	for range callers {
		if i := firstDiff(<-done, want); i >= 0 {
			t.Fatalf("nested split: element %d differs", i)
		}
	}
}
