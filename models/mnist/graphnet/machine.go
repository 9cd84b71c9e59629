package graphnet

import (
	"errors"
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/graph"
	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// layers builds what differs between the Gorgonia networks: the custom-op
// graph (GraphNet) and the one of Gorgonia's built-in ops (BuiltinNet).
type layers interface {
	// name is the implementation's name.
	name() string
	// hidden returns act(h·w), or act(h·w; θ) when theta is not nil (the
	// activation is then an ops.Learnable).
	hidden(h, w, theta *gorgonia.Node, act ops.Activation) (*gorgonia.Node, error)
	// dropout returns h ⊙ mask2.
	dropout(h, mask2 *gorgonia.Node) (*gorgonia.Node, error)
	// product returns h·w, the logits.
	product(h, w *gorgonia.Node) (*gorgonia.Node, error)
	// loss returns the scaled loss of the logits against t, and the output.
	loss(o ops.Output, logits, t *gorgonia.Node, scale float64) (loss, out *gorgonia.Node, err error)
}

// machine is a network of Config as a Gorgonia expression graph, compiled
// once into one machine that is run for every step: the learnables are the
// weight matrices, the dropout masks (kept units scaled by 2) are input
// nodes, and the gradients come from gorgonia.Grad.
type machine[T ops.Float] struct {
	c    mnist.Config
	l    layers
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
	g     [][]T          // the machine's gradients of the last run
	// opt applies the update rule to ws with g: the code the hand-rolled
	// network runs (package optim), so that the two take the same steps.
	opt *optim.State[T]
	// Training-time forward alone (no gradients), sharing the weight, mask
	// and target tensors, for Loss; compiled on the first call.
	fwd     *graph.Runner
	fwdX    *gorgonia.Node
	fwdData []T
	fwdCost gorgonia.Value
	// Test-time networks, sharing the weight tensors, one compiled for each
	// number of rows evaluated (the test set's blocks and the training
	// set's, for the training loss), the last used first.
	evals []*evalProg[T]
	// closed is set by Close: the machines are released, and every later
	// call is an error.
	closed bool
}

// evalProg is the test-time network compiled for rows images.
type evalProg[T ops.Float] struct {
	run  *graph.Runner
	x    *gorgonia.Node
	data []T
	out  gorgonia.Value
	rows int
}

// maxEvalProgs bounds the test-time programs a machine keeps: the test set's
// block, its last partial block, and the same two of the training set.
const maxEvalProgs = 4

// dtypeOf is the tensor dtype of T.
func dtypeOf[T ops.Float]() tensor.Dtype {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// forward builds, in g, the training-time network on the machine's
// weight, mask and target tensors, with an input node for the images:
//
//	h_l = hidden_l(in, w_l); hd_l = dropout(h_l, mask2_l) (dropout only), for each hidden layer
//	L   = loss(product(hd, w_last), t)   (scaled by Config.LossScale)
//
// and returns the input node, the weight nodes, the loss and the output.
func (n *machine[T]) forward(g *gorgonia.ExprGraph) (x *gorgonia.Node, learn gorgonia.Nodes, loss, out *gorgonia.Node, err error) {
	c, l := n.c, n.l
	dt, b, sizes := dtypeOf[T](), c.Batch, c.Sizes()
	x = gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, idx.Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(b, idx.Pixels), tensor.Of(dt))))
	t := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, idx.Classes), gorgonia.WithName("t"), gorgonia.WithValue(n.t))
	learn = n.weightNodes(g)
	h := x
	for i, act := range c.Acts() {
		if h, err = l.hidden(h, learn[i], n.theta(learn, i), act); err != nil {
			return nil, nil, nil, nil, err
		}
		if c.Dropout {
			mn := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, sizes[i+1]), gorgonia.WithName(fmt.Sprintf("mask2_%d", i+1)), gorgonia.WithValue(n.masks[i]))
			if h, err = l.dropout(h, mn); err != nil {
				return nil, nil, nil, nil, fmt.Errorf("dropout %d: %w", i+1, err)
			}
		}
	}
	logits, err := l.product(h, learn[len(sizes)-2])
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("logits: %w", err)
	}
	if loss, out, err = l.loss(c.Output, logits, t, c.LossScale()); err != nil {
		return nil, nil, nil, nil, fmt.Errorf("loss %s: %w", c.Output.Name, err)
	}
	return x, learn, loss, out, nil
}

// weightNodes returns, in g, the nodes of the weight tensors: the matrices,
// then the parameter vectors (Config.WeightNames).
func (n *machine[T]) weightNodes(g *gorgonia.ExprGraph) gorgonia.Nodes {
	dt, sizes, names := dtypeOf[T](), n.c.Sizes(), n.c.WeightNames()
	var ws gorgonia.Nodes
	for i, d := range n.w {
		if i+1 < len(sizes) {
			ws = append(ws, gorgonia.NewMatrix(g, dt, gorgonia.WithShape(sizes[i], sizes[i+1]), gorgonia.WithName(names[i]), gorgonia.WithValue(d)))
		} else {
			ws = append(ws, gorgonia.NewVector(g, dt, gorgonia.WithShape(d.Size()), gorgonia.WithName(names[i]), gorgonia.WithValue(d)))
		}
	}
	return ws
}

// theta returns the parameter node of hidden layer l (0-based) among the
// weight nodes ws, or nil when its activation has none.
func (n *machine[T]) theta(ws gorgonia.Nodes, l int) *gorgonia.Node {
	if i := n.c.ParamIndex()[l]; i >= 0 {
		return ws[i]
	}
	return nil
}

// newMachine builds the network (forward) and compiles it with the weight
// matrices as learnables, starting from copies of ws.
func newMachine[T ops.Float](c mnist.Config, ws [][]T, l layers) (*machine[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := mnist.CheckWeights(c, ws); err != nil {
		return nil, err
	}
	dt, b, sizes := dtypeOf[T](), c.Batch, c.Sizes()
	n := &machine[T]{
		c: c, l: l,
		t:   tensor.New(tensor.WithShape(b, idx.Classes), tensor.Of(dt)),
		out: tensor.New(tensor.WithShape(b, idx.Classes), tensor.Of(dt)),
		g:   make([][]T, len(ws)),
	}
	counts := make([]int, len(ws))
	for i, w := range ws {
		counts[i] = len(w)
	}
	opt, err := optim.New[T](c.OptimSpec(), counts)
	if err != nil {
		return nil, fmt.Errorf("graphnet: %s: %w", l.name(), err)
	}
	n.opt = opt
	for i, w := range ws {
		shape := tensor.Shape{len(w)} // a parameter vector
		if i+1 < len(sizes) {
			shape = tensor.Shape{sizes[i], sizes[i+1]}
		}
		d := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(clone(w)))
		n.w, n.ws = append(n.w, d), append(n.ws, d.Data().([]T))
	}
	if c.Dropout {
		for i := range c.Acts() {
			n.masks = append(n.masks, tensor.New(tensor.WithShape(b, sizes[i+1]), tensor.Of(dt)))
		}
	}
	what := "graphnet: " + l.name()
	g := gorgonia.NewGraph()
	x, learn, loss, out, err := n.forward(g)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	n.xNode = x
	gorgonia.Read(out, &n.out)
	if n.prog, err = graph.Compile(loss, learn, c.Alpha); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// Name is the implementation's name: "graph" or "builtin".
func (n *machine[T]) Name() string { return n.l.name() }

// feed checks the batch and masks and writes the masks (×2) and targets
// into the tensors both programs read; the images are bound by the caller.
func (n *machine[T]) feed(x, t []T, masks [][]T) error {
	c, what := n.c, "graphnet: "+n.l.name()
	if len(x) != c.Batch*idx.Pixels || len(t) != c.Batch*idx.Classes {
		return fmt.Errorf("%s: got %d pixels and %d targets, want %d and %d", what, len(x), len(t), c.Batch*idx.Pixels, c.Batch*idx.Classes)
	}
	if c.Dropout != (masks != nil) || len(masks) != len(n.masks) {
		return fmt.Errorf("%s: %d masks with dropout %v, want %d", what, len(masks), c.Dropout, len(n.masks))
	}
	for l, mask := range masks {
		m2 := n.masks[l].Data().([]T)
		if len(mask) != len(m2) {
			return fmt.Errorf("%s: mask %d has %d values, want %d", what, l+1, len(mask), len(m2))
		}
		for i, m := range mask {
			m2[i] = m * 2
		}
	}
	copy(n.t.Data().([]T), t)
	return nil
}

// run feeds the batch and masks and runs the machine once.
func (n *machine[T]) run(x, t []T, masks [][]T) error {
	what := "graphnet: " + n.l.name()
	if err := n.feed(x, t, masks); err != nil {
		return err
	}
	if err := bindData(n.xNode, &n.xData, x, n.c.Batch); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := n.prog.Run(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Gradient feeds the batch and masks and runs the machine, without updating.
// The images are read in place, never written: the graph refers to x until
// the next call.
func (n *machine[T]) Gradient(x, t []T, masks [][]T) error {
	if n.closed {
		return errClosed
	}
	if err := n.run(x, t, masks); err != nil {
		return err
	}
	for i := range n.g {
		g, err := n.prog.Grad(i)
		if err != nil {
			return fmt.Errorf("graphnet: %s: %w", n.l.name(), err)
		}
		n.g[i] = g.Data().([]T)
	}
	return nil
}

// Step is Gradient and the update rule of Config.Optimizer and Schedule
// (w ← w − α·∂L/∂w by default), applied by package optim to the weight
// tensors' backing slices with the gradients the machine wrote: the same
// code as the hand-rolled network's, rather than graph.Program.Update,
// which knows plain gradient descent only.
func (n *machine[T]) Step(x, t []T, masks [][]T) error {
	if n.closed {
		return errClosed
	}
	if err := n.Gradient(x, t, masks); err != nil {
		return err
	}
	if err := n.opt.Update(n.ws, n.g); err != nil {
		return fmt.Errorf("graphnet: %s step: %w", n.l.name(), err)
	}
	return nil
}

// Loss returns the cost of the batch at the current weights, with the masks
// held fixed. It runs the training-time forward alone, a program of its
// own sharing the weights (built on the first call): the gradients are not
// computed, and the training program's values, the last step's gradients
// among them, are left as they were.
func (n *machine[T]) Loss(x, t []T, masks [][]T) (float64, error) {
	if n.closed {
		return 0, errClosed
	}
	what := "graphnet: " + n.l.name() + " loss"
	if err := n.feed(x, t, masks); err != nil {
		return 0, err
	}
	if n.fwd == nil {
		g := gorgonia.NewGraph()
		fx, _, loss, _, err := n.forward(g)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", what, err)
		}
		gorgonia.Read(loss, &n.fwdCost)
		n.fwd, n.fwdX, n.fwdData = graph.NewRunner(g), fx, nil
	}
	if err := bindData(n.fwdX, &n.fwdData, x, n.c.Batch); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if err := n.fwd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	switch v := n.fwdCost.Data().(type) {
	case float64:
		return v, nil
	case float32:
		return float64(v), nil
	}
	return 0, fmt.Errorf("%s: cost holds %T", what, n.fwdCost.Data())
}

// Output returns the last run's output.
func (n *machine[T]) Output() []T { return n.out.Data().([]T) }

// Grads returns the last run's gradients.
func (n *machine[T]) Grads() [][]T { return n.g }

// Weights returns the current weights: the backing slices of the graph's
// weight tensors, so writing them changes the net.
func (n *machine[T]) Weights() [][]T { return n.ws }

// Logits runs the test-time network (no dropout), which shares the training
// weights, on rows images. It is compiled for each number of images the
// first time that number comes, and kept (up to maxEvalProgs of them).
func (n *machine[T]) Logits(x []T, rows int) ([]T, error) {
	if n.closed {
		return nil, errClosed
	}
	what := "graphnet: " + n.l.name() + " logits"
	if rows < 1 || len(x) != rows*idx.Pixels {
		return nil, fmt.Errorf("%s: %d pixels for %d images", what, len(x), rows)
	}
	e := n.evalFor(rows)
	if e == nil {
		var err error
		if e, err = n.compileEval(rows); err != nil {
			return nil, err
		}
	}
	if err := bindData(e.x, &e.data, x, rows); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := e.run.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return e.out.Data().([]T), nil
}

// evalFor returns the test-time program compiled for rows images, moved to
// the front, or nil.
func (n *machine[T]) evalFor(rows int) *evalProg[T] {
	for i, e := range n.evals {
		if e.rows == rows {
			copy(n.evals[1:i+1], n.evals[:i])
			n.evals[0] = e
			return e
		}
	}
	return nil
}

// compileEval builds the test-time graph for rows images and puts it first,
// closing the least recently used one beyond maxEvalProgs.
func (n *machine[T]) compileEval(rows int) (*evalProg[T], error) {
	dt := dtypeOf[T]()
	what := "graphnet: " + n.l.name() + " eval"
	g := gorgonia.NewGraph()
	e := &evalProg[T]{rows: rows, out: tensor.New(tensor.WithShape(rows, idx.Classes), tensor.Of(dt))}
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(rows, idx.Pixels), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithShape(rows, idx.Pixels), tensor.Of(dt))))
	e.x = x
	ws := n.weightNodes(g)
	h := x
	var err error
	for l, act := range n.c.Acts() {
		if h, err = n.l.hidden(h, ws[l], n.theta(ws, l), act); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
	}
	logits, err := n.l.product(h, ws[len(n.c.Hidden)])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	gorgonia.Read(logits, &e.out)
	e.run = graph.NewRunner(g)
	if len(n.evals) == maxEvalProgs {
		n.evals[maxEvalProgs-1].run.Close()
		n.evals = n.evals[:maxEvalProgs-1]
	}
	n.evals = append([]*evalProg[T]{e}, n.evals...)
	return e, nil
}

// errClosed is the error of a call on a closed net.
var errClosed = errors.New("graphnet: the net is closed")

// Close releases the machines. Every later call of Gradient, Step, Loss or
// Logits is an error; a second Close does nothing.
func (n *machine[T]) Close() error {
	if n.closed {
		return nil
	}
	n.closed = true
	for _, e := range n.evals {
		e.run.Close()
	}
	if n.fwd != nil {
		n.fwd.Close()
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
	if err := gorgonia.Let(node, tensor.New(tensor.WithShape(rows, idx.Pixels), tensor.WithBacking(data))); err != nil {
		return fmt.Errorf("bind %s: %w", node.Name(), err)
	}
	*cur = data
	return nil
}

// clone returns a copy of v.
func clone[T any](v []T) []T { return append([]T(nil), v...) }
