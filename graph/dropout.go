package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// maskOp is h ⊙ mask with a mask that is data: its derivative with respect to
// h is g ⊙ mask (the same op) and the mask gets none. Gorgonia's HadamardProd
// would do the same product but allocate its result on every run and build a
// gradient for the mask.
type maskOp struct{ kept }

var (
	_ gorgonia.SDOp            = (*maskOp)(nil)
	_ gorgonia.UsePreallocDoer = (*maskOp)(nil)
	_ kernel                   = (*maskOp)(nil)
)

// newMaskOp returns a mask op that owns its result.
func newMaskOp() *maskOp {
	op := new(maskOp)
	op.kept = kept{
		base: base{name: "⊙mask", key: "mask", arity: 2, dense: 2, sameSize: true, typ: sameType(2)},
		res:  new(result), k: op,
	}
	return op
}

// DiffWRT says h has a gradient and the mask none.
func (op *maskOp) DiffWRT(int) []bool { return []bool{true, false} }

// InferShape returns the shape of h and the mask, which must agree.
func (op *maskOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShape(op, 2, in)
}

func (op *maskOp) shape(a args) (tensor.Shape, error) {
	if h, m := a.d[0], a.d[1]; !h.Shape().Eq(m.Shape()) {
		return nil, fmt.Errorf("graph: %v: shapes %v and %v differ", op, h.Shape(), m.Shape())
	}
	return likeFirst(a)
}

func (op *maskOp) run(out *tensor.Dense, a args) error {
	h, m := a.d[0], a.d[1]
	switch h.Dtype() {
	case tensor.Float64:
		mulInto(out.Float64s(), h.Float64s(), m.Float64s())
	case tensor.Float32:
		mulInto(out.Float32s(), h.Float32s(), m.Float32s())
	}
	return nil
}

// SymDiff returns g ⊙ mask for h and nothing for the mask.
func (op *maskOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d inputs, want 2", op, len(in))
	}
	dh, err := gorgonia.ApplyOp(newMaskOp(), grad, in[1])
	if err != nil {
		return nil, fmt.Errorf("graph: %v backward: %w", op, err)
	}
	return gorgonia.Nodes{dh, nil}, nil
}

// mulInto sets c[i] = a[i]·b[i].
func mulInto[T ops.Float](c, a, b []T) {
	b, c = b[:len(a)], c[:len(a)]
	for i, v := range a {
		c[i] = v * b[i]
	}
}
