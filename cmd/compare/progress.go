package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"outgrad/models/mnist"
)

// progress reports training progress on stderr: one line rewritten in place
// (\r) on a terminal, a plain line per evaluation otherwise, nothing when quiet.
type progress struct {
	w            io.Writer
	quiet, tty   bool
	iters, steps int // iterations, and steps per iteration
	start, last  time.Time
	shown        bool
}

func newProgress(w io.Writer, c mnist.Config, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet, iters: c.Iterations, steps: c.Steps(), start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

// status describes the run after `done` finished steps, in iteration iter.
func (p *progress) status(iter, done int) string {
	el := time.Since(p.start)
	eta := "?"
	if done > 0 {
		total := p.iters * p.steps
		eta = time.Duration(float64(el) * float64(total-done) / float64(done)).Round(time.Second).String()
	}
	return fmt.Sprintf("iteration %d/%d  elapsed %s  to go ~%s", iter+1, p.iters, el.Round(time.Second), eta)
}

// step is called after every step.
func (p *progress) step(iter, step int) {
	if p.quiet || !p.tty {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		fmt.Fprintf(p.w, "\r\033[K%s", p.status(iter, iter*p.steps+step+1))
		p.shown = true
	}
}

// eval is called after every evaluation (which follows the iteration's last step).
func (p *progress) eval(iter int) {
	if p.quiet || p.tty {
		return
	}
	fmt.Fprintf(p.w, "compare: %s\n", p.status(iter, (iter+1)*p.steps))
}

// clear erases the progress line so that stdout rows print cleanly.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
