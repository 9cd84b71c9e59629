package mnist

import (
	"fmt"

	"outgrad/graph"
	"outgrad/ops"
)

// HandRolled is the network written out by hand in the book's style: plain
// slices, BLAS GEMM, and deltas multiplied by the slope that the ops
// activation reads off its output. It allocates everything once.
type HandRolled[T ops.Float] struct {
	c        Config
	scale    float64
	w01, w12 []T
	g01, g12 []T
	// Per-step buffers, batch rows.
	h, hd, y, d2, e1 []T
	// Evaluation buffers, grown to the largest n seen.
	eh, ey []T
	// scratch holds transposed GEMM operands.
	scratch []T
}

// NewHandRolled returns the hand-rolled network starting from copies of w01
// and w12. With c.Book the hidden delta uses the book's slope, taken after
// dropout (DESIGN: kept units get 1 − 4y² for tanh instead of 2(1 − y²)).
func NewHandRolled[T ops.Float](c Config, w01, w12 []T) (*HandRolled[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := checkWeights(c, w01, w12); err != nil {
		return nil, err
	}
	b, h := c.Batch, c.Hidden
	return &HandRolled[T]{
		c: c, scale: c.LossScale(),
		w01: clone(w01), w12: clone(w12),
		g01: make([]T, len(w01)), g12: make([]T, len(w12)),
		h: make([]T, b*h), hd: make([]T, b*h), e1: make([]T, b*h),
		y: make([]T, b*Classes), d2: make([]T, b*Classes),
	}, nil
}

// Name returns "handrolled".
func (n *HandRolled[T]) Name() string { return "handrolled" }

// Step runs one batch:
//
//	h  = act(x·w01);  hd = h ⊙ 2m (dropout) or h
//	y  = out(hd·w12); d2 = ∂L/∂logits = (y − t)·s (times out's slope for squared error)
//	g12 = hdᵀ·d2;     e1 = d2·w12ᵀ
//	true gradient: d1 = act'(from h) ⊙ (e1 ⊙ 2m)
//	book mode:     d1 = act'(from hd) ⊙ e1 ⊙ m
//	g01 = xᵀ·d1;      w ← w − α·g
func (n *HandRolled[T]) Step(x, t, mask []T) error {
	c := n.c
	b, hid := c.Batch, c.Hidden
	if len(x) != b*Pixels || len(t) != b*Classes {
		return fmt.Errorf("mnist: handrolled step: got %d pixels and %d targets, want %d and %d", len(x), len(t), b*Pixels, b*Classes)
	}
	if c.Dropout != (mask != nil) || (mask != nil && len(mask) != b*hid) {
		return fmt.Errorf("mnist: handrolled step: mask of %d values with dropout %v, want %d", len(mask), c.Dropout, b*hid)
	}
	graph.Gemm(false, false, b, hid, Pixels, x, n.w01, n.h, &n.scratch)
	ops.Forward(c.HiddenAct, n.h, n.h, hid)
	hd := n.h
	if mask != nil {
		hd = n.hd
		for i, m := range mask {
			hd[i] = n.h[i] * (m * 2)
		}
	}
	graph.Gemm(false, false, b, Classes, hid, hd, n.w12, n.y, &n.scratch)
	ops.Forward(c.Output.Act, n.y, n.y, Classes)
	ops.Delta(c.Output, n.d2, n.y, t, Classes, n.scale)

	graph.Gemm(true, false, hid, Classes, b, hd, n.d2, n.g12, &n.scratch)
	graph.Gemm(false, true, b, hid, Classes, n.d2, n.w12, n.e1, &n.scratch)
	switch {
	case mask == nil:
		ops.Backward(c.HiddenAct, n.e1, n.e1, nil, n.h, hid)
	case c.Book:
		ops.Backward(c.HiddenAct, n.e1, n.e1, nil, hd, hid)
		for i, m := range mask {
			n.e1[i] *= m
		}
	default:
		for i, m := range mask {
			n.e1[i] *= m * 2
		}
		ops.Backward(c.HiddenAct, n.e1, n.e1, nil, n.h, hid)
	}
	graph.Gemm(true, false, Pixels, hid, b, x, n.e1, n.g01, &n.scratch)

	graph.Axpy(-c.Alpha, n.g12, n.w12)
	graph.Axpy(-c.Alpha, n.g01, n.w01)
	return nil
}

// Output returns the last step's output.
func (n *HandRolled[T]) Output() []T { return n.y }

// Grads returns the last step's gradients.
func (n *HandRolled[T]) Grads() (g01, g12 []T) { return n.g01, n.g12 }

// Weights returns the current weights.
func (n *HandRolled[T]) Weights() (w01, w12 []T) { return n.w01, n.w12 }

// Logits computes act(x·w01)·w12 for n images in two GEMMs.
func (n *HandRolled[T]) Logits(x []T, rows int) ([]T, error) {
	if rows < 1 || len(x) != rows*Pixels {
		return nil, fmt.Errorf("mnist: handrolled logits: %d pixels for %d images", len(x), rows)
	}
	hid := n.c.Hidden
	if len(n.eh) < rows*hid {
		n.eh, n.ey = make([]T, rows*hid), make([]T, rows*Classes)
	}
	eh, ey := n.eh[:rows*hid], n.ey[:rows*Classes]
	graph.Gemm(false, false, rows, hid, Pixels, x, n.w01, eh, &n.scratch)
	ops.Forward(n.c.HiddenAct, eh, eh, hid)
	graph.Gemm(false, false, rows, Classes, hid, eh, n.w12, ey, &n.scratch)
	return ey, nil
}

// clone returns a copy of v.
func clone[T any](v []T) []T { return append([]T(nil), v...) }

// checkWeights checks that w01 and w12 have the sizes c asks for.
func checkWeights[T ops.Float](c Config, w01, w12 []T) error {
	if len(w01) != Pixels*c.Hidden || len(w12) != c.Hidden*Classes {
		return fmt.Errorf("mnist: weights of %d and %d values, want %d×%d and %d×%d",
			len(w01), len(w12), Pixels, c.Hidden, c.Hidden, Classes)
	}
	return nil
}
