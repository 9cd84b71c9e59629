package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops/blas"
)

// MatMul returns the node a·b of two matrices, computed with [blas.Gemm]. Its
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

// matMulOp is op(A)·op(B) with op a transpose when tA or tB is set.
type matMulOp struct {
	kept
	tA, tB  bool
	noGradA bool
	scratch scratch
	out     [2]int // the result's shape, kept so that computing it allocates nothing
}

var (
	_ gorgonia.SDOp            = (*matMulOp)(nil)
	_ gorgonia.UsePreallocDoer = (*matMulOp)(nil)
	_ kernel                   = (*matMulOp)(nil)
)

// newMatMulOp returns a product op that owns its scratch and result.
func newMatMulOp(tA, tB, noGradA bool) *matMulOp {
	op := &matMulOp{tA: tA, tB: tB, noGradA: noGradA}
	name := "A"
	if tA {
		name += "ᵀ"
	}
	name += "·B"
	if tB {
		name += "ᵀ"
	}
	op.kept = kept{
		base: base{
			name: name, key: fmt.Sprintf("matmul{%v %v %v}", tA, tB, noGradA),
			arity: 2, dense: 2,
			typ: func() hm.Type {
				t := gorgonia.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
				return hm.NewFnType(t, t, t)
			},
		},
		res: new(result), k: op,
	}
	return op
}

// DiffWRT says both operands have a gradient, except one marked as data.
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

// InferShape returns the product's shape, m×n.
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

func (op *matMulOp) shape(a args) (tensor.Shape, error) {
	as, bs := a.d[0].Shape(), a.d[1].Shape()
	if as.Dims() != 2 || bs.Dims() != 2 {
		return nil, fmt.Errorf("graph: %v: want two matrices, got %v and %v", op, as, bs)
	}
	m, n, k, kb := op.dims(as, bs)
	if k != kb {
		return nil, fmt.Errorf("graph: %v: cannot multiply %v by %v", op, as, bs)
	}
	op.out = [2]int{m, n}
	return op.out[:], nil
}

func (op *matMulOp) run(c *tensor.Dense, a args) error {
	x, y := a.d[0], a.d[1]
	m, n, k, _ := op.dims(x.Shape(), y.Shape())
	switch x.Dtype() {
	case tensor.Float64:
		blas.Gemm(op.tA, op.tB, m, n, k, x.Float64s(), y.Float64s(), c.Float64s(), &op.scratch.f64)
	case tensor.Float32:
		blas.Gemm(op.tA, op.tB, m, n, k, x.Float32s(), y.Float32s(), c.Float32s(), &op.scratch.f32)
	}
	return nil
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
