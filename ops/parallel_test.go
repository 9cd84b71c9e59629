package ops

import (
	"math"
	"runtime"
	"sync"
	"testing"
)

// TestSplitMatchesSerial checks that a pool's Forward and Backward on a
// batch large enough to be split give exactly what one call on the whole
// batch gives, for every registered activation, row-wise softmax included,
// and that a nil pool runs the same serial call.
func TestSplitMatchesSerial(t *testing.T) {
	p := NewPool(4) // split even on one core: the goroutines then take turns
	defer p.Close()
	const rows, cols = 301, 97 // 29197 elements: split, and not evenly
	x, dy := make([]float64, rows*cols), make([]float64, rows*cols)
	for i := range x {
		x[i] = 6 * math.Sin(float64(i)*0.37)
		dy[i] = math.Cos(float64(i) * 0.11)
	}
	for _, act := range Activations() {
		y, want := make([]float64, len(x)), make([]float64, len(x))
		p.Forward64(act, y, x, cols)
		act.Forward64(want, x, cols)
		if i := firstDiff(y, want); i >= 0 {
			t.Errorf("%s forward: element %d is %v split, %v whole", act.Name(), i, y[i], want[i])
		}
		dx, wantDx := make([]float64, len(x)), make([]float64, len(x))
		p.Backward64(act, dx, dy, x, want, cols)
		act.Backward64(wantDx, dy, x, want, cols)
		if i := firstDiff(dx, wantDx); i >= 0 {
			t.Errorf("%s backward: element %d is %v split, %v whole", act.Name(), i, dx[i], wantDx[i])
		}
		y32, x32, want32 := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		p.Forward32(act, y32, x32, cols)
		act.Forward32(want32, x32, cols)
		for i := range y32 {
			if y32[i] != want32[i] && !(y32[i] != y32[i] && want32[i] != want32[i]) {
				t.Errorf("%s forward32: element %d is %v split, %v whole", act.Name(), i, y32[i], want32[i])
				break
			}
		}
		var nilPool *Pool
		nilPool.Forward64(act, y, x, cols)
		if i := firstDiff(y, want); i >= 0 {
			t.Errorf("%s forward on a nil pool: element %d is %v, %v whole", act.Name(), i, y[i], want[i])
		}
	}
}

// TestPoolSplits checks that a pool does split a large batch, by whole rows,
// and that a nil pool, a pool of one and a closed pool do not.
func TestPoolSplits(t *testing.T) {
	const rows, cols = 200, 100
	x, y := make([]float64, rows*cols), make([]float64, rows*cols)
	count := func(p *Pool) (calls int, whole bool) {
		var got []int
		p.Forward64(recorder{Identity, &got, new(sync.Mutex)}, y, x, cols)
		whole = true
		for i := 0; i < len(got); i += 2 {
			whole = whole && got[i]%cols == 0 && got[i+1] == cols
		}
		return len(got) / 2, whole
	}
	p := NewPool(4)
	if n, whole := count(p); n != 4 || !whole {
		t.Errorf("pool of 4: %d calls (whole rows: %v), want 4 of whole rows", n, whole)
	}
	if p.Workers() != 4 {
		t.Errorf("Workers() = %d, want 4", p.Workers())
	}
	p.Close()
	p.Close() // a second Close does nothing
	for name, q := range map[string]*Pool{"nil": nil, "one": NewPool(1), "closed": p} {
		if n, _ := count(q); n != 1 {
			t.Errorf("%s pool: %d calls, want 1", name, n)
		}
	}
	if NewPool(0).Workers() != runtime.GOMAXPROCS(0) {
		t.Errorf("NewPool(0) does not default to GOMAXPROCS")
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

// TestSplitAllocatesNothing: the hand-rolled network and the graph ops call
// Forward and Backward every step and must not allocate in steady state,
// split or not.
func TestSplitAllocatesNothing(t *testing.T) {
	x := make([]float64, 100*100)
	y := make([]float64, len(x))
	if n := testing.AllocsPerRun(50, func() { Forward(Tanh, y, x, 100); Backward(Tanh, y, x, nil, y, 100) }); n != 0 {
		t.Errorf("Forward and Backward of 100×100 allocate %v times per call", n)
	}
	p := NewPool(2)
	defer p.Close()
	if n := testing.AllocsPerRun(50, func() { p.Forward64(Tanh, y, x, 100); p.Backward64(Tanh, y, x, nil, y, 100) }); n != 0 {
		t.Errorf("a pool's Forward64 and Backward64 of 100×100 allocate %v times per call", n)
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
	p := NewPool(4)
	defer p.Close()
	got := func() (r any) {
		defer func() { r = recover() }()
		p.Forward64(panicsOnNegative{Identity}, y, x, cols)
		return nil
	}()
	if got != "negative row" {
		t.Errorf("recovered %v, want the activation's panic", got)
	}
	// The pool and the workers still work afterwards.
	x[0] = 1
	p.Forward64(panicsOnNegative{Identity}, y, x, cols)
	if y[0] != 1 {
		t.Errorf("y[0] = %v after a clean call, want 1", y[0])
	}
}

// TestUnevenSlicesPassedWhole: slices that are not whole rows are handed to
// the activation as given, with the caller's cols.
func TestUnevenSlicesPassedWhole(t *testing.T) {
	var got []int
	rec := recorder{Identity, &got, new(sync.Mutex)}
	p := NewPool(4)
	defer p.Close()
	p.Forward64(rec, make([]float64, 10001), make([]float64, 10001), 100)
	if len(got) != 2 || got[0] != 10001 || got[1] != 100 {
		t.Errorf("activation called with (len, cols) %v, want [10001 100]", got)
	}
}

// recorder records the (len, cols) of every forward call; the parts of a
// split call it from several goroutines at once.
type recorder struct {
	Activation
	got *[]int
	mu  *sync.Mutex
}

func (r recorder) Forward64(y, x []float64, cols int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.got = append(*r.got, len(x), cols)
}

// nested is an activation built on a pool: a split inside a split.
type nested struct {
	Activation
	p *Pool
}

func (n nested) Forward64(y, x []float64, cols int) { n.p.Forward64(Tanh, y, x, cols) }

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
	p := NewPool(4)
	defer p.Close()
	done := make(chan []float64)
	for range callers {
		go func() {
			y := make([]float64, len(x))
			p.Forward64(nested{Tanh, p}, y, x, cols)
			done <- y
		}()
	}
	for range callers {
		if i := firstDiff(<-done, want); i >= 0 {
			t.Fatalf("nested split: element %d differs", i)
		}
	}
}
