package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"outgrad/models/mnist"
)

// TestProgressTimeToGo: the time to go is judged from the steps after the
// first, not from the start of the command: 5 s of loading before a run of
// 30 steps of 0.1 s leave 2 s to go after the first iteration, not 12. A row
// printed late (its evaluation ran beside the steps) reports where the
// steps are.
func TestProgressTimeToGo(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Iterations, c.TrainImages, c.Batch = 3, 100, 10 // 10 steps an iteration
	var errb, out bytes.Buffer
	p := newProgress(&errb, c, false)
	clock := p.start
	p.now = func() time.Time { return clock }
	if got := p.status(0, 0); !strings.HasSuffix(got, "to go ~?") {
		t.Errorf("before any step: %q, want the time to go unknown", got)
	}
	clock = clock.Add(5 * time.Second)
	for step := range c.Steps() {
		if step > 0 {
			clock = clock.Add(100 * time.Millisecond)
		}
		p.step(0, step)
	}
	p.row(&out, "I:0 …", 0)
	for step := range 5 {
		clock = clock.Add(100 * time.Millisecond)
		p.step(1, step)
	}
	p.row(&out, "I:0 again, late", 0)
	want := "compare: iteration 1/3  elapsed 6s  to go ~2s\n" + // 0.9 s for 9 steps, 20 to go
		"compare: iteration 2/3  elapsed 6s  to go ~2s\n" // 1.4 s for 14 steps, 15 to go
	if errb.String() != want {
		t.Errorf("progress %q, want %q", errb.String(), want)
	}
}
