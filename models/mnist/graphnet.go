package mnist

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/graph"
	"outgrad/ops"
)

// GraphNet is the network as a Gorgonia expression graph built with package
// graph from the ops activations, compiled once into one machine that is run
// for every step. The dropout mask (kept units scaled by 2) is an input node;
// gradients come from gorgonia.Grad.
type GraphNet[T ops.Float] struct {
	c    Config
	prog *graph.Program
	// Training inputs and weights: the nodes' values, updated in place. The
	// images are not copied: xNode is bound to the caller's batch (xData).
	xNode    *gorgonia.Node
	xData    []T
	t, mask  *tensor.Dense
	w01, w12 *tensor.Dense
	out      gorgonia.Value // the output y, read out by the machine
	g01, g12 []T            // the machine's gradients of the last step
	// Test-time network, sharing the weight tensors, compiled for evalRows.
	eval     gorgonia.VM
	evalX    *gorgonia.Node
	evalData []T
	evalOut  gorgonia.Value
	evalRows int
}

// dtypeOf is the tensor dtype of T.
func dtypeOf[T ops.Float]() tensor.Dtype {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// NewGraph builds and compiles the graph
//
//	h  = act(x·w01); hd = h ⊙ mask2 (dropout only)
//	L  = s·loss(hd·w12, t)    (graph.Loss; s = Config.LossScale)
//
// with learnables w01 and w12 starting from copies of the given weights.
// Config.Book does not apply: the graph always computes the true gradient.
func NewGraph[T ops.Float](c Config, w01, w12 []T) (*GraphNet[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkWeights(c, w01, w12); err != nil {
		return nil, err
	}
	dt, b, hid := dtypeOf[T](), c.Batch, c.Hidden
	n := &GraphNet[T]{
		c:   c,
		t:   tensor.New(tensor.WithShape(b, Classes), tensor.Of(dt)),
		w01: tensor.New(tensor.WithShape(Pixels, hid), tensor.WithBacking(clone(w01))),
		w12: tensor.New(tensor.WithShape(hid, Classes), tensor.WithBacking(clone(w12))),
		out: tensor.New(tensor.WithShape(b, Classes), tensor.Of(dt)),
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(b, Pixels), tensor.Of(dt))))
	n.xNode = x
	t := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, Classes), gorgonia.WithName("t"), gorgonia.WithValue(n.t))
	nw01 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(Pixels, hid), gorgonia.WithName("w01"), gorgonia.WithValue(n.w01))
	nw12 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(hid, Classes), gorgonia.WithName("w12"), gorgonia.WithValue(n.w12))
	h, err := graph.Dense(x, nw01, c.HiddenAct)
	if err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	if c.Dropout {
		n.mask = tensor.New(tensor.WithShape(b, hid), tensor.Of(dt))
		m := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, hid), gorgonia.WithName("mask2"), gorgonia.WithValue(n.mask))
		if h, err = graph.Dropout(h, m); err != nil {
			return nil, fmt.Errorf("mnist: graph: %w", err)
		}
	}
	logits, err := graph.MatMul(h, nw12)
	if err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	loss, out, err := graph.Loss(c.Output, logits, t, c.LossScale())
	if err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	gorgonia.Read(out, &n.out)
	if n.prog, err = graph.Compile(loss, gorgonia.Nodes{nw01, nw12}, c.Alpha); err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	return n, nil
}

// Name returns "graph".
func (n *GraphNet[T]) Name() string { return "graph" }

// Step feeds the batch and mask, runs the machine and applies the update.
// The images are read in place, never written: the graph refers to x until
// the next Step.
func (n *GraphNet[T]) Step(x, t, mask []T) error {
	c := n.c
	if len(x) != c.Batch*Pixels || len(t) != c.Batch*Classes {
		return fmt.Errorf("mnist: graph step: got %d pixels and %d targets, want %d and %d", len(x), len(t), c.Batch*Pixels, c.Batch*Classes)
	}
	if c.Dropout != (mask != nil) || (mask != nil && len(mask) != c.Batch*c.Hidden) {
		return fmt.Errorf("mnist: graph step: mask of %d values with dropout %v, want %d", len(mask), c.Dropout, c.Batch*c.Hidden)
	}
	if err := bindData(n.xNode, &n.xData, x, c.Batch); err != nil {
		return fmt.Errorf("mnist: graph step: %w", err)
	}
	copy(n.t.Data().([]T), t)
	if mask != nil {
		m2 := n.mask.Data().([]T)
		for i, m := range mask {
			m2[i] = m * 2
		}
	}
	if err := n.prog.Run(); err != nil {
		return fmt.Errorf("mnist: graph step: %w", err)
	}
	for i, dst := range []*[]T{&n.g01, &n.g12} {
		g, err := n.prog.Grad(i)
		if err != nil {
			return fmt.Errorf("mnist: graph step: %w", err)
		}
		*dst = g.Data().([]T)
	}
	if err := n.prog.Update(); err != nil {
		return fmt.Errorf("mnist: graph step: %w", err)
	}
	return nil
}

// Output returns the last step's output.
func (n *GraphNet[T]) Output() []T { return n.out.Data().([]T) }

// Grads returns the last step's gradients.
func (n *GraphNet[T]) Grads() (g01, g12 []T) { return n.g01, n.g12 }

// Weights returns the current weights.
func (n *GraphNet[T]) Weights() (w01, w12 []T) {
	return n.w01.Data().([]T), n.w12.Data().([]T)
}

// Logits runs the test-time graph act(x·w01)·w12, which shares the training
// weights, on n images. It is compiled on the first call and again only when
// the number of images changes.
func (n *GraphNet[T]) Logits(x []T, rows int) ([]T, error) {
	if rows < 1 || len(x) != rows*Pixels {
		return nil, fmt.Errorf("mnist: graph logits: %d pixels for %d images", len(x), rows)
	}
	if n.eval == nil || n.evalRows != rows {
		if err := n.compileEval(rows); err != nil {
			return nil, err
		}
	}
	if err := bindData(n.evalX, &n.evalData, x, rows); err != nil {
		return nil, fmt.Errorf("mnist: graph logits: %w", err)
	}
	defer n.eval.Reset()
	if err := n.eval.RunAll(); err != nil {
		return nil, fmt.Errorf("mnist: graph logits: %w", err)
	}
	return n.evalOut.Data().([]T), nil
}

func (n *GraphNet[T]) compileEval(rows int) error {
	dt, hid := dtypeOf[T](), n.c.Hidden
	g := gorgonia.NewGraph()
	n.evalOut = tensor.New(tensor.WithShape(rows, Classes), tensor.Of(dt))
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, Pixels), tensor.Of(dt))))
	n.evalX, n.evalData = x, nil
	w01 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(Pixels, hid), gorgonia.WithName("w01"), gorgonia.WithValue(n.w01))
	w12 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(hid, Classes), gorgonia.WithName("w12"), gorgonia.WithValue(n.w12))
	h, err := graph.Dense(x, w01, n.c.HiddenAct)
	if err != nil {
		return fmt.Errorf("mnist: graph eval: %w", err)
	}
	logits, err := graph.MatMul(h, w12)
	if err != nil {
		return fmt.Errorf("mnist: graph eval: %w", err)
	}
	gorgonia.Read(logits, &n.evalOut)
	if n.eval != nil {
		n.eval.Close()
	}
	n.eval, n.evalRows = gorgonia.NewTapeMachine(g), rows
	return nil
}

// Close releases the machines.
func (n *GraphNet[T]) Close() error {
	if n.eval != nil {
		n.eval.Close()
	}
	return n.prog.Close()
}

// bindData makes node's value the images in data (rows×Pixels) without
// copying them, unless it is already bound to the same slice. The graph only
// reads its input, so the caller's data is never written.
func bindData[T ops.Float](node *gorgonia.Node, cur *[]T, data []T, rows int) error {
	if len(*cur) == len(data) && len(data) > 0 && &(*cur)[0] == &data[0] {
		return nil
	}
	if err := gorgonia.Let(node, tensor.New(tensor.WithShape(rows, Pixels), tensor.WithBacking(data))); err != nil {
		return fmt.Errorf("bind %s: %w", node.Name(), err)
	}
	*cur = data
	return nil
}
