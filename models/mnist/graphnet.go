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
// for every step. The dropout masks (kept units scaled by 2) are input nodes;
// gradients come from gorgonia.Grad.
type GraphNet[T ops.Float] struct {
	c    Config
	prog *graph.Program
	// Training inputs and weights: the nodes' values, updated in place. The
	// images are not copied: xNode is bound to the caller's batch (xData).
	xNode *gorgonia.Node
	xData []T
	t     *tensor.Dense
	masks []*tensor.Dense // one per hidden layer, holding 2·mask
	w     []*tensor.Dense
	ws    [][]T          // the weights' backing slices
	out   gorgonia.Value // the output y, read out by the machine
	cost  gorgonia.Value // the loss, read out by the machine
	g     [][]T          // the machine's gradients of the last run
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

// checkWeights checks that ws holds one matrix per layer of the sizes c asks for.
func checkWeights[T ops.Float](c Config, ws [][]T) error {
	sizes := c.Sizes()
	if len(ws) != len(sizes)-1 {
		return fmt.Errorf("mnist: %d weight matrices, want %d", len(ws), len(sizes)-1)
	}
	for i, w := range ws {
		if len(w) != sizes[i]*sizes[i+1] {
			return fmt.Errorf("mnist: weight matrix %s has %d values, want %d×%d", c.MatrixNames()[i], len(w), sizes[i], sizes[i+1])
		}
	}
	return nil
}

// NewGraph builds and compiles the graph
//
//	h_l = act_l(in·w_l); hd_l = h_l ⊙ mask2_l (dropout only), for each hidden layer
//	L   = s·loss(hd·w_last, t)    (graph.Loss; s = Config.LossScale)
//
// with the weight matrices as learnables, starting from copies of ws.
// Config.Book does not apply: the graph always computes the true gradient.
func NewGraph[T ops.Float](c Config, ws [][]T) (*GraphNet[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkWeights(c, ws); err != nil {
		return nil, err
	}
	dt, b, sizes, names := dtypeOf[T](), c.Batch, c.Sizes(), c.MatrixNames()
	n := &GraphNet[T]{
		c:   c,
		t:   tensor.New(tensor.WithShape(b, Classes), tensor.Of(dt)),
		out: tensor.New(tensor.WithShape(b, Classes), tensor.Of(dt)),
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(b, Pixels), tensor.Of(dt))))
	n.xNode = x
	t := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, Classes), gorgonia.WithName("t"), gorgonia.WithValue(n.t))
	var learn gorgonia.Nodes
	for i, w := range ws {
		d := tensor.New(tensor.WithShape(sizes[i], sizes[i+1]), tensor.WithBacking(clone(w)))
		n.w, n.ws = append(n.w, d), append(n.ws, d.Data().([]T))
		learn = append(learn, gorgonia.NewMatrix(g, dt, gorgonia.WithShape(sizes[i], sizes[i+1]), gorgonia.WithName(names[i]), gorgonia.WithValue(d)))
	}
	h := x
	var err error
	for l, act := range c.Acts() {
		if h, err = graph.Dense(h, learn[l], act, graph.WithPool(c.Pool)); err != nil {
			return nil, fmt.Errorf("mnist: graph: %w", err)
		}
		if c.Dropout {
			m := tensor.New(tensor.WithShape(b, sizes[l+1]), tensor.Of(dt))
			n.masks = append(n.masks, m)
			mn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, sizes[l+1]), gorgonia.WithName(fmt.Sprintf("mask2_%d", l+1)), gorgonia.WithValue(m))
			if h, err = graph.Dropout(h, mn); err != nil {
				return nil, fmt.Errorf("mnist: graph: %w", err)
			}
		}
	}
	logits, err := graph.MatMul(h, learn[len(learn)-1])
	if err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	loss, out, err := graph.Loss(c.Output, logits, t, c.LossScale(), graph.WithPool(c.Pool))
	if err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	gorgonia.Read(out, &n.out)
	gorgonia.Read(loss, &n.cost)
	if n.prog, err = graph.Compile(loss, learn, c.Alpha); err != nil {
		return nil, fmt.Errorf("mnist: graph: %w", err)
	}
	n.g = make([][]T, len(ws))
	return n, nil
}

// Name returns "graph".
func (n *GraphNet[T]) Name() string { return "graph" }

// run feeds the batch and masks and runs the machine once.
func (n *GraphNet[T]) run(x, t []T, masks [][]T) error {
	c := n.c
	if len(x) != c.Batch*Pixels || len(t) != c.Batch*Classes {
		return fmt.Errorf("mnist: graph: got %d pixels and %d targets, want %d and %d", len(x), len(t), c.Batch*Pixels, c.Batch*Classes)
	}
	if c.Dropout != (masks != nil) || len(masks) != len(n.masks) {
		return fmt.Errorf("mnist: graph: %d masks with dropout %v, want %d", len(masks), c.Dropout, len(n.masks))
	}
	for l, mask := range masks {
		m2 := n.masks[l].Data().([]T)
		if len(mask) != len(m2) {
			return fmt.Errorf("mnist: graph: mask %d has %d values, want %d", l+1, len(mask), len(m2))
		}
		for i, m := range mask {
			m2[i] = m * 2
		}
	}
	if err := bindData(n.xNode, &n.xData, x, c.Batch); err != nil {
		return fmt.Errorf("mnist: graph: %w", err)
	}
	copy(n.t.Data().([]T), t)
	if err := n.prog.Run(); err != nil {
		return fmt.Errorf("mnist: graph: %w", err)
	}
	return nil
}

// Gradient feeds the batch and masks and runs the machine, without updating.
// The images are read in place, never written: the graph refers to x until
// the next call.
func (n *GraphNet[T]) Gradient(x, t []T, masks [][]T) error {
	if err := n.run(x, t, masks); err != nil {
		return err
	}
	for i := range n.g {
		g, err := n.prog.Grad(i)
		if err != nil {
			return fmt.Errorf("mnist: graph: %w", err)
		}
		n.g[i] = g.Data().([]T)
	}
	return nil
}

// Step is Gradient and the update.
func (n *GraphNet[T]) Step(x, t []T, masks [][]T) error {
	if err := n.Gradient(x, t, masks); err != nil {
		return err
	}
	if err := n.prog.Update(); err != nil {
		return fmt.Errorf("mnist: graph step: %w", err)
	}
	return nil
}

// Loss runs the machine on the batch and returns the cost node's value.
func (n *GraphNet[T]) Loss(x, t []T, masks [][]T) (float64, error) {
	if err := n.run(x, t, masks); err != nil {
		return 0, err
	}
	switch v := n.cost.Data().(type) {
	case float64:
		return v, nil
	case float32:
		return float64(v), nil
	}
	return 0, fmt.Errorf("mnist: graph loss: cost holds %T", n.cost.Data())
}

// Output returns the last run's output.
func (n *GraphNet[T]) Output() []T { return n.out.Data().([]T) }

// Grads returns the last run's gradients.
func (n *GraphNet[T]) Grads() [][]T { return n.g }

// Weights returns the current weights (the graph's own tensors' data).
func (n *GraphNet[T]) Weights() [][]T { return n.ws }

// Logits runs the test-time graph, which shares the training weights, on n
// images. It is compiled on the first call and again only when the number of
// images changes.
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
	dt, sizes, names := dtypeOf[T](), n.c.Sizes(), n.c.MatrixNames()
	g := gorgonia.NewGraph()
	n.evalOut = tensor.New(tensor.WithShape(rows, Classes), tensor.Of(dt))
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, Pixels), tensor.Of(dt))))
	n.evalX, n.evalData = x, nil
	var ws gorgonia.Nodes
	for i, w := range n.w {
		ws = append(ws, gorgonia.NewMatrix(g, dt, gorgonia.WithShape(sizes[i], sizes[i+1]), gorgonia.WithName(names[i]), gorgonia.WithValue(w)))
	}
	h := x
	var err error
	for l, act := range n.c.Acts() {
		if h, err = graph.Dense(h, ws[l], act, graph.WithPool(n.c.Pool)); err != nil {
			return fmt.Errorf("mnist: graph eval: %w", err)
		}
	}
	logits, err := graph.MatMul(h, ws[len(ws)-1])
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

// clone returns a copy of v.
func clone[T any](v []T) []T { return append([]T(nil), v...) }
