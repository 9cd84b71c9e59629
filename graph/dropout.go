package graph

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/ops"
)

// maskOp is h ⊙ mask with a mask that is data: its derivative with respect to
// h is g ⊙ mask (the same op) and the mask gets none. Gorgonia's HadamardProd
// would do the same product but allocate its result on every run and build a
// gradient for the mask.
type maskOp struct{ res *ops.Result }

var (
	_ gorgonia.SDOp            = maskOp{}
	_ gorgonia.UsePreallocDoer = maskOp{}
)

func (op maskOp) Arity() int { return 2 }
func (op maskOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}
func (op maskOp) ReturnsPtr() bool      { return false }
func (op maskOp) CallsExtern() bool     { return false }
func (op maskOp) OverwritesInput() int  { return -1 }
func (op maskOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "outgrad.mask") }
func (op maskOp) String() string        { return "⊙mask" }
func (op maskOp) DiffWRT(int) []bool    { return []bool{true, false} }
func (op maskOp) Hashcode() uint32      { h := fnv.New32a(); op.WriteHash(h); return h.Sum32() }
func (op maskOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want 2", op, len(in))
	}
	a, ok1 := in[0].(tensor.Shape)
	b, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || !a.Eq(b) {
		return nil, fmt.Errorf("graph: %v: shapes %v and %v differ", op, in[0], in[1])
	}
	return a.Clone(), nil
}

func (op maskOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d inputs, want 2", op, len(in))
	}
	return op.UsePreallocDo(op.res.Get(in[0].Dtype(), in[0].Shape()), in...)
}

func (op maskOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	h, m, c, err := binaryArgs(op, prealloc, in)
	if err != nil {
		return nil, err
	}
	if !h.Shape().Eq(m.Shape()) || c.Size() != h.Size() || h.Dtype() != m.Dtype() || c.Dtype() != h.Dtype() || c.IsView() {
		return nil, fmt.Errorf("graph: %v: cannot multiply %v %v by %v %v into %v %v", op, h.Dtype(), h.Shape(), m.Dtype(), m.Shape(), c.Dtype(), c.Shape())
	}
	switch h.Dtype() {
	case tensor.Float64:
		mulInto(c.Float64s(), h.Float64s(), m.Float64s())
	case tensor.Float32:
		mulInto(c.Float32s(), h.Float32s(), m.Float32s())
	default:
		return nil, fmt.Errorf("graph: %v: dtype %v, want float32 or float64", op, h.Dtype())
	}
	return c, nil
}

// SymDiff returns g ⊙ mask for h and nothing for the mask.
func (op maskOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d inputs, want 2", op, len(in))
	}
	dh, err := gorgonia.ApplyOp(maskOp{res: new(ops.Result)}, grad, in[1])
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
