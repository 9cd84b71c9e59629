package graph_test

import (
	"math"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// keptGraph builds Σ act(x) for a rows×cols float64 batch with its gradient,
// and returns what the backward op reads from the forward pass: the number of
// tensors (x and y are the candidates) and their bytes after a run.
func keptGraph(tb testing.TB, act ops.Activation, rows, cols int) (m gorgonia.VM, kept int, bytes int) {
	tb.Helper()
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = 2 * math.Sin(float64(i))
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(rows, cols), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))))
	y, err := graph.Apply(x, act)
	if err != nil {
		tb.Fatal(err)
	}
	grads, err := gorgonia.Grad(gorgonia.Must(gorgonia.Sum(y)), x)
	if err != nil {
		tb.Fatal(err)
	}
	back := grads[0]
	m = gorgonia.NewTapeMachine(g)
	if err := m.RunAll(); err != nil {
		tb.Fatal(err)
	}
	for _, n := range []*gorgonia.Node{x, y} {
		if g.HasEdgeFromTo(back.ID(), n.ID()) {
			kept++
			bytes += int(n.Value().MemSize())
		}
	}
	m.Reset()
	return m, kept, bytes
}

// tanhFromInput is tanh with its slope written from the input.
var tanhFromInput = ops.NewPointwiseInput("tanh-input", math.Tanh,
	func(x float64) float64 { t := math.Tanh(x); return 1 - t*t })

// TestKept: for the book's 100×100 hidden layer in float64 the backward of
// an output-derived activation reads one tensor from the forward pass (y,
// 80 000 bytes), that of an input-derived one two (x and y, 160 000 bytes).
func TestKept(t *testing.T) {
	for _, c := range []struct {
		act         ops.Activation
		kept, bytes int
	}{{ops.Tanh, 1, 80000}, {tanhFromInput, 2, 160000}} {
		m, kept, bytes := keptGraph(t, c.act, 100, 100)
		m.Close()
		if kept != c.kept || bytes != c.bytes {
			t.Errorf("%s: backward reads %d tensors (%d bytes) of the forward pass, want %d (%d bytes)", c.act.Name(), kept, bytes, c.kept, c.bytes)
		}
	}
}

// BenchmarkKept times the forward and backward of tanh on the book's
// 100×100 float64 hidden layer, from the output and from the input, and
// reports what the backward reads of the forward pass: tensors and bytes.
func BenchmarkKept(b *testing.B) {
	for _, act := range []ops.Activation{ops.Tanh, tanhFromInput} {
		b.Run(act.Name(), func(b *testing.B) {
			m, kept, bytes := keptGraph(b, act, 100, 100)
			defer m.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := m.RunAll(); err != nil {
					b.Fatal(err)
				}
				m.Reset()
			}
			b.ReportMetric(float64(kept), "tensors-kept")
			b.ReportMetric(float64(bytes), "bytes-kept")
		})
	}
}
