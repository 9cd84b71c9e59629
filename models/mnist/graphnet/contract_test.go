package graphnet

import (
	"math"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil, zero, negative, mismatched lengths, NaN.
func TestContract(t *testing.T) {
	var zero mnist.Config
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages = []int{4}, 2, 2
	ws, err := mnist.InitWeights[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	nanAlpha := c
	nanAlpha.Alpha = math.NaN()
	nilAct := c
	nilAct.HiddenAct = []ops.Activation{nil}
	g, err := NewGraph(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	b, err := NewBuiltin(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	x, tg := make([]float64, c.Batch*idx.Pixels), make([]float64, c.Batch*idx.Classes)
	short := make([]float64, 3)
	masks := [][]float64{make([]float64, c.Batch*4)}
	var cases []mnisttest.ContractCase
	add := func(name string, f func() error) {
		cases = append(cases, mnisttest.ContractCase{Name: name, Call: f})
	}
	add("BuiltinSupports zero Config", func() error { return BuiltinSupports(zero) })
	add("BuiltinSupports nil activation", func() error { return BuiltinSupports(nilAct) })
	add("NewGraph zero Config", func() error { _, err := NewGraph[float64](zero, ws); return err })
	add("NewGraph NaN alpha", func() error { _, err := NewGraph(nanAlpha, ws); return err })
	add("NewGraph nil weights", func() error { _, err := NewGraph[float64](c, nil); return err })
	add("NewGraph short weights", func() error { _, err := NewGraph(c, [][]float64{short, ws[1]}); return err })
	add("NewBuiltin zero Config", func() error { _, err := NewBuiltin[float64](zero, ws); return err })
	add("NewBuiltin nil weights", func() error { _, err := NewBuiltin[float64](c, nil); return err })
	add("NewBuiltin short weights", func() error { _, err := NewBuiltin(c, [][]float64{ws[0], short}); return err })
	for name, n := range map[string]mnist.Net[float64]{"GraphNet": g, "BuiltinNet": b} {
		add(name+".Step nil", func() error { return n.Step(nil, nil, nil) })
		add(name+".Step short x", func() error { return n.Step(short, tg, masks) })
		add(name+".Step short t", func() error { return n.Step(x, short, masks) })
		add(name+".Step masks with dropout off? wrong count", func() error { return n.Step(x, tg, [][]float64{short, short}) })
		add(name+".Step short mask", func() error { return n.Step(x, tg, [][]float64{short}) })
		add(name+".Gradient short x", func() error { return n.Gradient(short, tg, masks) })
		add(name+".Loss short t", func() error { _, err := n.Loss(x, short, masks); return err })
		add(name+".Logits rows 0", func() error { _, err := n.Logits(x, 0); return err })
		add(name+".Logits rows -1", func() error { _, err := n.Logits(x, -1); return err })
		add(name+".Logits rows beyond x", func() error { _, err := n.Logits(x, 5); return err })
		add(name+".Logits nil", func() error { _, err := n.Logits(nil, 1); return err })
	}
	mnisttest.RunContract(t, "graphnet: ", cases)
}

// TestContractAfterClose calls the nets' methods after Close, and Close twice.
func TestContractAfterClose(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Dropout = []int{4}, 2, 2, false
	ws, err := mnist.InitWeights[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGraph(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBuiltin(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	x, tg := make([]float64, c.Batch*idx.Pixels), make([]float64, c.Batch*idx.Classes)
	var cases []mnisttest.ContractCase
	for name, n := range map[string]interface {
		mnist.Net[float64]
		Close() error
	}{"GraphNet": g, "BuiltinNet": b} {
		n.Close()
		cases = append(cases,
			mnisttest.ContractCase{Name: name + ".Close twice", Call: func() error { n.Close(); return mnisttest.ErrReturned }},
			mnisttest.ContractCase{Name: name + ".Step after Close", Call: func() error { return n.Step(x, tg, nil) }},
			mnisttest.ContractCase{Name: name + ".Logits after Close", Call: func() error { _, err := n.Logits(x, c.Batch); return err }},
		)
	}
	mnisttest.RunContract(t, "graphnet: ", cases)
}
