package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"outgrad/ops"
)

// Dense returns act(x·w) for a batch x (rows are examples) and weights w; the
// options apply to the activation (see Apply).
//
// When x is a leaf of the graph (the network's input), it is taken as data:
// the graph computes no gradient for it. Build x·w with MatMul to have one.
func Dense(x, w *gorgonia.Node, act ops.Activation, opts ...Option) (*gorgonia.Node, error) {
	z, err := denseProduct(x, w)
	if err != nil {
		return nil, err
	}
	return Apply(z, act, opts...)
}

// denseProduct returns x·w for Dense and DenseParams: x a batch (a leaf of
// the graph is data, with no gradient), w the weights.
func denseProduct(x, w *gorgonia.Node) (*gorgonia.Node, error) {
	if x == nil || w == nil {
		return nil, fmt.Errorf("graph: dense: nil node")
	}
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 2 || ws.Dims() != 2 || xs[1] != ws[0] {
		return nil, fmt.Errorf("graph: dense: cannot multiply %s %v by %s %v", x.Name(), xs, w.Name(), ws)
	}
	z, err := matMul(x, w, x.Op() == nil)
	if err != nil {
		return nil, fmt.Errorf("graph: dense: %w", err)
	}
	return z, nil
}

// Dropout returns h ⊙ mask. The mask is an input node holding the kept units
// already scaled (0 for a dropped unit, 1/(1−p) for a kept one), so the
// backward is exactly the same product. The mask is data: it gets no
// gradient.
func Dropout(h, mask *gorgonia.Node) (*gorgonia.Node, error) {
	if h == nil || mask == nil {
		return nil, fmt.Errorf("graph: dropout: nil node")
	}
	if !h.Shape().Eq(mask.Shape()) {
		return nil, fmt.Errorf("graph: dropout: mask %v does not match activations %v", mask.Shape(), h.Shape())
	}
	if h.Dtype() != mask.Dtype() {
		return nil, fmt.Errorf("graph: dropout: mask is %v but activations are %v", mask.Dtype(), h.Dtype())
	}
	out, err := gorgonia.ApplyOp(newMaskOp(), h, mask)
	if err != nil {
		return nil, fmt.Errorf("graph: dropout: %w", err)
	}
	return out, nil
}
