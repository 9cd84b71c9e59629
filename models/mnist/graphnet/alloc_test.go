package graphnet

import (
	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"runtime"
	"testing"
)

// TestGraphStepMemory checks that a graph step reuses its tensors: after a
// warm-up step, the machine may allocate small bookkeeping but no result
// tensor (a single 100×100 float64 matrix is 80 000 bytes; the step computes
// five matrix products and four elementwise results).
func TestGraphStepMemory(t *testing.T) {
	train, test := mnisttest.LoadData(t, 1000)
	c := mnist.DefaultConfig()
	_, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGraph(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	x, y := train.X(nil, 0, c.Batch), train.Y(nil, 0, c.Batch)
	mask := make([]float64, c.Batch*c.Hidden[0])
	for i := range mask {
		mask[i] = float64(i % 2)
	}
	step := func() {
		if err := g.Step(x, y, [][]float64{mask}); err != nil {
			t.Fatal(err)
		}
	}
	step()
	const steps, limit = 20, 40_000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range steps {
		step()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / steps; per > limit {
		t.Errorf("a graph step allocates %d bytes, want at most %d: some op allocates its result every run", per, limit)
	} else {
		t.Logf("a graph step allocates %d bytes", per)
	}
}
