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

// MatMul returns the node a·b of two matrices, computed with [Gemm]. Its
// symbolic derivative gives ∂/∂a = g·bᵀ and ∂/∂b = aᵀ·g, except that a leaf
// operand marked as data by noGradA gets none: gorgonia.Mul always builds
// both, which for the first layer is a 100×100·100×784 product per step whose
// result (the gradient of the images) nobody reads.
func MatMul(a, b *gorgonia.Node) (*gorgonia.Node, error) { return matMul(a, b, false) }

func matMul(a, b *gorgonia.Node, noGradA bool) (*gorgonia.Node, error) {
	if a == nil || b == nil {
		return nil, fmt.Errorf("graph: matmul: nil node")
	}
	as, bs := a.Shape(), b.Shape()
	if as.Dims() != 2 || bs.Dims() != 2 || as[1] != bs[0] {
		return nil, fmt.Errorf("graph: cannot multiply %s %v by %s %v", a.Name(), as, b.Name(), bs)
	}
	if a.Dtype() != b.Dtype() {
		return nil, fmt.Errorf("graph: cannot multiply %s (%v) by %s (%v)", a.Name(), a.Dtype(), b.Name(), b.Dtype())
	}
	op := newMatMulOp(false, false, noGradA)
	n, err := gorgonia.ApplyOp(op, a, b)
	if err != nil {
		return nil, fmt.Errorf("graph: matmul %s·%s: %w", a.Name(), b.Name(), err)
	}
	return n, nil
}

// scratch holds the transposed operands of one op's Gemm calls.
type scratch struct {
	f64 []float64
	f32 []float32
}

// newMatMulOp returns a product op that owns its scratch and result.
func newMatMulOp(tA, tB, noGradA bool) *matMulOp {
	return &matMulOp{tA: tA, tB: tB, noGradA: noGradA, scratch: new(scratch), res: new(ops.Result)}
}

// matMulOp is op(A)·op(B) with op a transpose when tA or tB is set.
type matMulOp struct {
	tA, tB  bool
	noGradA bool
	scratch *scratch
	res     *ops.Result
}

var (
	_ gorgonia.SDOp            = (*matMulOp)(nil)
	_ gorgonia.UsePreallocDoer = (*matMulOp)(nil)
)

func (op *matMulOp) Arity() int { return 2 }
func (op *matMulOp) Type() hm.Type {
	t := gorgonia.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t, t)
}
func (op *matMulOp) ReturnsPtr() bool     { return false }
func (op *matMulOp) CallsExtern() bool    { return false }
func (op *matMulOp) OverwritesInput() int { return -1 }
func (op *matMulOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "outgrad.matmul{%v %v %v}", op.tA, op.tB, op.noGradA)
}
func (op *matMulOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
func (op *matMulOp) String() string {
	s := "A"
	if op.tA {
		s += "ᵀ"
	}
	s += "·B"
	if op.tB {
		s += "ᵀ"
	}
	return s
}
func (op *matMulOp) DiffWRT(int) []bool { return []bool{!op.noGradA, true} }

// dims returns m, n, k of op(A)·op(B) for stored shapes a and b.
func (op *matMulOp) dims(a, b tensor.Shape) (m, n, k, kb int) {
	m, k = a[0], a[1]
	if op.tA {
		m, k = k, m
	}
	kb, n = b[0], b[1]
	if op.tB {
		kb, n = n, kb
	}
	return m, n, k, kb
}

func (op *matMulOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want 2", op, len(in))
	}
	a, ok1 := in[0].(tensor.Shape)
	b, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || a.Dims() != 2 || b.Dims() != 2 {
		return nil, fmt.Errorf("graph: %v: want two matrices, got %v and %v", op, in[0], in[1])
	}
	m, n, k, kb := op.dims(a, b)
	if k != kb {
		return nil, fmt.Errorf("graph: %v: inner dimensions %d and %d differ", op, k, kb)
	}
	return tensor.Shape{m, n}, nil
}

func (op *matMulOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	s, err := op.InferShape(shapesOf(in)...)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(op.res.Get(in[0].Dtype(), s), in...)
}

func (op *matMulOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	a, b, c, err := binaryArgs(op, prealloc, in)
	if err != nil {
		return nil, err
	}
	m, n, k, kb := op.dims(a.Shape(), b.Shape())
	if k != kb || c.Size() != m*n || a.Dtype() != b.Dtype() || c.Dtype() != a.Dtype() {
		return nil, fmt.Errorf("graph: %v: cannot multiply %v %v by %v %v into %v %v", op, a.Dtype(), a.Shape(), b.Dtype(), b.Shape(), c.Dtype(), c.Shape())
	}
	switch a.Dtype() {
	case tensor.Float64:
		Gemm(op.tA, op.tB, m, n, k, a.Float64s(), b.Float64s(), c.Float64s(), &op.scratch.f64)
	case tensor.Float32:
		Gemm(op.tA, op.tB, m, n, k, a.Float32s(), b.Float32s(), c.Float32s(), &op.scratch.f32)
	default:
		return nil, fmt.Errorf("graph: %v: dtype %v, want float32 or float64", op, a.Dtype())
	}
	return c, nil
}

// SymDiff returns g·bᵀ and aᵀ·g (nil for an operand marked as data).
func (op *matMulOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.tA || op.tB {
		return nil, fmt.Errorf("graph: %v: no derivative of a transposed product", op)
	}
	out := make(gorgonia.Nodes, 2)
	var err error
	if !op.noGradA {
		if out[0], err = gorgonia.ApplyOp(newMatMulOp(false, true, false), grad, in[1]); err != nil {
			return nil, fmt.Errorf("graph: %v backward: %w", op, err)
		}
	}
	if out[1], err = gorgonia.ApplyOp(newMatMulOp(true, false, false), in[0], grad); err != nil {
		return nil, fmt.Errorf("graph: %v backward: %w", op, err)
	}
	return out, nil
}

// binaryArgs checks the inputs of a two-input op and its destination: all
// dense, the inputs made contiguous.
func binaryArgs(op fmt.Stringer, prealloc gorgonia.Value, in []gorgonia.Value) (a, b, c *tensor.Dense, err error) {
	if len(in) != 2 {
		return nil, nil, nil, fmt.Errorf("graph: %v: got %d inputs, want 2", op, len(in))
	}
	a, ok1 := in[0].(*tensor.Dense)
	b, ok2 := in[1].(*tensor.Dense)
	c, ok3 := prealloc.(*tensor.Dense)
	if !ok1 || !ok2 || !ok3 {
		return nil, nil, nil, fmt.Errorf("graph: %v: want dense tensors, got %T, %T into %T", op, in[0], in[1], prealloc)
	}
	if a.IsMaterializable() {
		a = a.Materialize().(*tensor.Dense)
	}
	if b.IsMaterializable() {
		b = b.Materialize().(*tensor.Dense)
	}
	return a, b, c, nil
}

// shapesOf returns the shapes of vs as DimSizers.
func shapesOf(vs []gorgonia.Value) []gorgonia.DimSizer {
	out := make([]gorgonia.DimSizer, len(vs))
	for i, v := range vs {
		out[i] = v.Shape()
	}
	return out
}
