package ops

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minPart is the fewest elements worth handing to another core. Waking a
// worker costs a few microseconds: enough to pay for itself on an
// expensive activation (tanh) over a batch, not on a cheap one (relu) over
// a small one (bench/README.md has the figures). The book's activations
// are the expensive kind.
const minPart = 4096

// Pool runs activations over a batch split by whole rows on a fixed set of
// worker goroutines. The caller creates it with NewPool, passes it where
// activations run (graph.WithPool for a Gorgonia graph) and closes it.
//
// A nil *Pool is valid and runs every call serially on the caller's
// goroutine. The results are the same bit for bit however a call is split:
// rows are independent (see Activation).
//
// A call is split only into parts of at least 4096 elements and one row
// each, so batches below 8192 elements run on the caller. A part goes to a worker only if one is idle that instant, and is
// otherwise run by the caller: no part ever waits in a queue, so an
// activation may itself call the pool (a split inside a split) without
// deadlock. Steady-state calls allocate nothing. The methods may be called
// from several goroutines at once.
type Pool struct {
	parts  chan part
	n      int // the most parts a call is split into
	closed atomic.Bool
	wg     sync.WaitGroup // the workers

	mu   sync.Mutex
	free []*job // jobs for reuse
}

// NewPool returns a pool that splits a call into up to workers parts run at
// once: workers−1 goroutines and the caller. workers < 1 means
// runtime.GOMAXPROCS(0). A pool of one worker starts no goroutine and runs
// serially.
func NewPool(workers int) *Pool {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &Pool{parts: make(chan part), n: workers}
	p.wg.Add(workers - 1)
	for range workers - 1 {
		go p.worker()
	}
	return p
}

// Workers returns the most parts a call is split into (1 for a nil pool).
func (p *Pool) Workers() int {
	if p == nil {
		return 1
	}
	return p.n
}

// Close stops the workers and waits for them to exit. Calls made after Close
// run serially. Close must not be called while a call runs; a second Close
// does nothing. A nil pool's Close does nothing.
func (p *Pool) Close() {
	if p == nil || p.closed.Swap(true) {
		return
	}
	close(p.parts)
	p.wg.Wait()
}

// Forward64 writes a's forward of x into y, split over the pool.
func (p *Pool) Forward64(a Activation, y, x []float64, cols int) {
	mustActivation("Pool.Forward64", "", a)
	if p.serial() {
		a.Forward64(y, x, cols)
		return
	}
	p.call(fwd64, a, cols, [4][]float64{y, x}, [4][]float32{})
}

// Forward32 writes a's forward of x into y, split over the pool.
func (p *Pool) Forward32(a Activation, y, x []float32, cols int) {
	mustActivation("Pool.Forward32", "", a)
	if p.serial() {
		a.Forward32(y, x, cols)
		return
	}
	p.call(fwd32, a, cols, [4][]float64{}, [4][]float32{y, x})
}

// Backward64 writes a's backward into dx, split over the pool; x may be nil
// for an output-derived activation.
func (p *Pool) Backward64(a Activation, dx, dy, x, y []float64, cols int) {
	mustActivation("Pool.Backward64", "", a)
	if p.serial() {
		a.Backward64(dx, dy, x, y, cols)
		return
	}
	p.call(bwd64, a, cols, [4][]float64{dx, dy, y, x}, [4][]float32{})
}

// Backward32 writes a's backward into dx, split over the pool; x may be nil
// for an output-derived activation.
func (p *Pool) Backward32(a Activation, dx, dy, x, y []float32, cols int) {
	mustActivation("Pool.Backward32", "", a)
	if p.serial() {
		a.Backward32(dx, dy, x, y, cols)
		return
	}
	p.call(bwd32, a, cols, [4][]float64{}, [4][]float32{dx, dy, y, x})
}

// serial reports whether calls run on the caller alone.
func (p *Pool) serial() bool { return p == nil || p.n < 2 || p.closed.Load() }

// job is one activation call split by rows. Jobs are reused, and run is a
// top-level function, so that a split call allocates nothing.
type job struct {
	run  func(j *job, lo, hi int)
	act  Activation
	cols int // row length: ranges are [lo·cols, hi·cols); 0 for all
	pass int // the cols argument the activation gets
	a64  [4][]float64
	a32  [4][]float32
	wg   sync.WaitGroup
	mu   sync.Mutex
	pan  any // a worker's panic, raised again by the caller
}

type part struct {
	j      *job
	lo, hi int
}

// worker runs parts handed to it until the pool is closed.
func (p *Pool) worker() {
	defer p.wg.Done()
	for pt := range p.parts {
		runPart(pt)
	}
}

// runPart runs one part, keeping a panic for the caller.
func runPart(pt part) {
	defer pt.j.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			pt.j.mu.Lock()
			pt.j.pan = r
			pt.j.mu.Unlock()
		}
	}()
	pt.j.run(pt.j, pt.lo, pt.hi)
}

// get returns a job to fill, put one back for reuse.
func (p *Pool) get() *job {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		j := p.free[n-1]
		p.free = p.free[:n-1]
		return j
	}
	return new(job)
}

func (p *Pool) put(j *job) {
	j.act, j.a64, j.a32 = nil, [4][]float64{}, [4][]float32{}
	p.mu.Lock()
	p.free = append(p.free, j)
	p.mu.Unlock()
}

// call runs a job split by rows. Slices whose length is not a whole number
// of rows are passed on as they are, in one call.
func (p *Pool) call(run func(*job, int, int), a Activation, cols int, s64 [4][]float64, s32 [4][]float32) {
	n := max(len(s64[0]), len(s32[0]))
	j := p.get()
	defer p.put(j)
	j.run, j.act, j.pass, j.a64, j.a32 = run, a, cols, s64, s32
	if cols < 1 || n%cols != 0 || !sameLen(n, s64, s32) {
		j.cols = 0
		run(j, 0, 0)
		return
	}
	j.cols = cols
	p.split(j, n/cols, cols)
}

// split runs j over rows×cols elements: on the calling goroutine alone when
// they are few, and otherwise in up to p.n row ranges at once, the caller
// taking the last. Rows never straddle two ranges, so a row-wise activation
// sees whole rows, and the result is the same however it is split.
func (p *Pool) split(j *job, rows, cols int) {
	n := min(p.n, rows, rows*cols/minPart)
	if n < 2 {
		j.run(j, 0, rows)
		return
	}
	j.wg.Add(n - 1)
	for k := 0; k < n-1; k++ {
		// A part goes to a worker only if one is idle this instant, and is
		// otherwise run here: no part ever waits in a queue, so a split
		// inside a split (an activation built on the pool) cannot deadlock.
		pt := part{j, rows * k / n, rows * (k + 1) / n}
		select {
		case p.parts <- pt:
		default:
			runPart(pt)
		}
	}
	defer func() {
		j.wg.Wait()
		if r := j.pan; r != nil {
			j.pan = nil
			panic(r)
		}
	}()
	j.run(j, rows*(n-1)/n, rows)
}

// r64 and r32 return rows [lo, hi) of argument k, or all of it when the job
// is not split (cols 0).
func (j *job) r64(k, lo, hi int) []float64 {
	if j.cols == 0 || j.a64[k] == nil {
		return j.a64[k]
	}
	return j.a64[k][lo*j.cols : hi*j.cols]
}

func (j *job) r32(k, lo, hi int) []float32 {
	if j.cols == 0 || j.a32[k] == nil {
		return j.a32[k]
	}
	return j.a32[k][lo*j.cols : hi*j.cols]
}

func fwd64(j *job, lo, hi int) { j.act.Forward64(j.r64(0, lo, hi), j.r64(1, lo, hi), j.pass) }
func fwd32(j *job, lo, hi int) { j.act.Forward32(j.r32(0, lo, hi), j.r32(1, lo, hi), j.pass) }
func bwd64(j *job, lo, hi int) {
	j.act.Backward64(j.r64(0, lo, hi), j.r64(1, lo, hi), j.r64(3, lo, hi), j.r64(2, lo, hi), j.pass)
}
func bwd32(j *job, lo, hi int) {
	j.act.Backward32(j.r32(0, lo, hi), j.r32(1, lo, hi), j.r32(3, lo, hi), j.r32(2, lo, hi), j.pass)
}

// sameLen reports whether every slice given has length n.
func sameLen(n int, s64 [4][]float64, s32 [4][]float32) bool {
	for i := range s64 {
		if (s64[i] != nil && len(s64[i]) != n) || (s32[i] != nil && len(s32[i]) != n) {
			return false
		}
	}
	return true
}

// ForwardOn is Forward split over p (serial when p is nil), for either
// element type.
func ForwardOn[T Float](p *Pool, a Activation, y, x []T, cols int) {
	switch x := any(x).(type) {
	case []float64:
		p.Forward64(a, any(y).([]float64), x, cols)
	case []float32:
		p.Forward32(a, any(y).([]float32), x, cols)
	}
}

// BackwardOn is Backward split over p (serial when p is nil); x may be nil
// for an output-derived activation.
func BackwardOn[T Float](p *Pool, a Activation, dx, dy, x, y []T, cols int) {
	switch y := any(y).(type) {
	case []float64:
		x64, _ := any(x).([]float64)
		p.Backward64(a, any(dx).([]float64), any(dy).([]float64), x64, y, cols)
	case []float32:
		x32, _ := any(x).([]float32)
		p.Backward32(a, any(dx).([]float32), any(dy).([]float32), x32, y, cols)
	}
}
