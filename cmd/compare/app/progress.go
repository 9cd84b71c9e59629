package app

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"outgrad/models/mnist"
)

// progress reports training progress on stderr: one line rewritten in place
// (\r) on a terminal, a plain line per evaluation otherwise, nothing when quiet.
// Its methods may be called from the training goroutine while the command
// waits for an interrupt; after stop they print nothing.
type progress struct {
	mu           sync.Mutex
	stopped      bool
	w            io.Writer
	quiet, tty   bool
	iters, steps int // iterations, and steps per iteration
	start, last  time.Time
	shown        bool
	// first is when the first step ended, firstDone the steps done then:
	// the time to go is judged from the steps after it, not from the
	// loading and building before the training.
	first     time.Time
	firstDone int
	// iter and done are where the last step left the training: a row
	// printed later (its evaluation ran beside the steps) reports them.
	iter, done int
	now        func() time.Time
}

func newProgress(w io.Writer, c mnist.Config, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet, iters: c.Iterations, steps: c.Steps(), start: time.Now(), now: time.Now}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// status describes the run after `done` finished steps, in iteration iter:
// the time to go at the rate of the steps since the first.
func (p *progress) status(iter, done int) string {
	now := p.now()
	el := now.Sub(p.start)
	eta := "?"
	if since := done - p.firstDone; !p.first.IsZero() && since > 0 {
		total := p.iters * p.steps
		eta = time.Duration(float64(now.Sub(p.first)) * float64(total-done) / float64(since)).Round(time.Second).String()
	}
	return fmt.Sprintf("iteration %d/%d  elapsed %s  to go ~%s", iter+1, p.iters, el.Round(time.Second), eta)
}

// step is called after every step.
func (p *progress) step(iter, step int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now, done := p.now(), iter*p.steps+step+1
	if p.first.IsZero() {
		p.first, p.firstDone = now, done
	}
	p.iter, p.done = iter, done
	if p.quiet || !p.tty || p.stopped {
		return
	}
	if now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		fmt.Fprintf(p.w, "\r\033[K%s", p.status(iter, done))
		p.shown = true
	}
}

// row prints an evaluation's row s on out (between progress lines) and,
// unless quiet or on a terminal, the progress: where the steps are, which
// is past iteration iter when the evaluation ran beside them.
func (p *progress) row(out io.Writer, s string, iter int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.clearLocked()
	fmt.Fprintln(out, s)
	if p.quiet || p.tty {
		return
	}
	at, done := iter, (iter+1)*p.steps
	if p.done > done {
		at, done = p.iter, p.done
	}
	fmt.Fprintf(p.w, "compare: %s\n", p.status(at, done))
}

// line prints a progress line of its own, unless quiet, prefixed as every
// line the command writes on stderr is.
func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quiet || p.stopped {
		return
	}
	p.clearLocked()
	fmt.Fprintln(p.w, "compare: "+s)
}

// stop erases the progress line and silences every later call.
func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	p.stopped = true
}

// clear erases the progress line so that stdout rows print cleanly.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
}

func (p *progress) clearLocked() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
