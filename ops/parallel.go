package ops

import (
	"runtime"
	"sync"
)

// minPart is the fewest elements worth handing to another core. Waking a
// worker costs a few microseconds: measured on 100×100 inputs, splitting
// takes tanh from about 150 µs to 90 µs, and costs relu (3 ns per element)
// about 6 µs of its 30 µs. The book's activations are the expensive kind.
const minPart = 4096

// job is one activation call split by rows. It is pooled, and its run field is
// a top-level function, so that a split call allocates nothing.
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

var (
	jobs        = sync.Pool{New: func() any { return new(job) }}
	parts       chan part
	startWorker sync.Once
)

// worker runs parts handed to it; workers live as long as the process.
func worker() {
	for p := range parts {
		runPart(p)
	}
}

// runPart runs one part, keeping a panic for the caller.
func runPart(p part) {
	defer p.j.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			p.j.mu.Lock()
			p.j.pan = r
			p.j.mu.Unlock()
		}
	}()
	p.j.run(p.j, p.lo, p.hi)
}

// split runs j over rows×cols elements: on the calling goroutine alone when
// they are few, and otherwise in up to GOMAXPROCS row ranges at once, the
// caller taking the last. Rows never straddle two ranges, so a row-wise
// activation sees whole rows, and the result is the same however it is split.
func split(j *job, rows, cols int) {
	n := min(runtime.GOMAXPROCS(0), rows, rows*cols/minPart)
	if n < 2 {
		j.run(j, 0, rows)
		return
	}
	startWorker.Do(func() {
		parts = make(chan part)
		for range runtime.NumCPU() {
			go worker()
		}
	})
	j.wg.Add(n - 1)
	for k := 0; k < n-1; k++ {
		// A part goes to a worker only if one is idle this instant, and is
		// otherwise run here: no part ever waits in a queue, so a split
		// inside a split (an activation built on Forward) cannot deadlock.
		p := part{j, rows * k / n, rows * (k + 1) / n}
		select {
		case parts <- p:
		default:
			runPart(p)
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

// call runs a split job and returns it to the pool. Slices whose length is
// not a whole number of rows are passed on as they are, in one call.
func call(run func(*job, int, int), a Activation, cols int, s64 [4][]float64, s32 [4][]float32) {
	n := max(len(s64[0]), len(s32[0]))
	j := jobs.Get().(*job)
	j.run, j.act, j.pass, j.a64, j.a32 = run, a, cols, s64, s32
	defer func() {
		j.act, j.a64, j.a32 = nil, [4][]float64{}, [4][]float32{}
		jobs.Put(j)
	}()
	if cols < 1 || n%cols != 0 || !sameLen(n, s64, s32) {
		j.cols = 0
		run(j, 0, 0)
		return
	}
	j.cols = cols
	split(j, n/cols, cols)
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
