package graph

import (
	"fmt"
	"reflect"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// Apply returns the node act(x): a Gorgonia op that runs act's forward, and
// whose symbolic derivative (gorgonia.Grad) is act's backward. Rows for
// row-wise activations are x's last dimension.
//
// For an output-derived activation (ops.FromOutput) the backward op reads the
// op's own output y and the output gradient: the graph keeps y and nothing
// else for it. For an input-derived one (ops.FromInput) the backward op reads
// x as well, so x is kept too.
//
// x must be a float32 or float64 tensor (not a scalar). WithPool splits large
// batches over a worker pool.
func Apply(x *gorgonia.Node, act ops.Activation, opts ...Option) (*gorgonia.Node, error) {
	if act == nil {
		return nil, fmt.Errorf("graph: apply: nil activation")
	}
	if err := checkFloatTensor(x, "apply "+act.Name()); err != nil {
		return nil, err
	}
	from := act.DerivedFrom()
	if from != ops.FromOutput && from != ops.FromInput {
		return nil, fmt.Errorf("graph: apply %s: unknown source %d of the slope", act.Name(), from)
	}
	n, err := gorgonia.ApplyOp(newActOp(act, apply(opts).pool), x)
	if err != nil {
		return nil, fmt.Errorf("graph: apply %s: %w", act.Name(), err)
	}
	return n, nil
}

// actOp is the forward op of any activation.
type actOp struct {
	kept
	act  ops.Activation
	pool *ops.Pool
}

// actBackOp computes dx with the activation's backward: from (y, dy) for an
// output-derived activation, from (x, y, dy) for an input-derived one.
type actBackOp struct {
	kept
	act  ops.Activation
	pool *ops.Pool
}

var (
	_ gorgonia.SDOp            = (*actOp)(nil)
	_ gorgonia.UsePreallocDoer = (*actOp)(nil)
	_ kernel                   = (*actOp)(nil)
	_ gorgonia.Op              = (*actBackOp)(nil)
	_ gorgonia.UsePreallocDoer = (*actBackOp)(nil)
	_ kernel                   = (*actBackOp)(nil)
)

func newActOp(act ops.Activation, pool *ops.Pool) *actOp {
	op := &actOp{act: act, pool: pool}
	op.kept = kept{
		base: base{name: act.Name(), key: "act{" + actKey(act) + "}", arity: 1, dense: 1, sameSize: true, typ: sameType(1)},
		res:  new(result), k: op,
	}
	return op
}

func newActBackOp(act ops.Activation, pool *ops.Pool) *actBackOp {
	n := 2
	if act.DerivedFrom() == ops.FromInput {
		n = 3
	}
	op := &actBackOp{act: act, pool: pool}
	op.kept = kept{
		base: base{name: act.Name() + "'", key: "actBack{" + actKey(act) + "}", arity: n, dense: n, sameSize: true, typ: sameType(n)},
		res:  new(result), k: op,
	}
	return op
}

// DiffWRT says the input has a gradient.
func (op *actOp) DiffWRT(int) []bool { return []bool{true} }

// InferShape returns the input's shape.
func (op *actOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShape(op, 1, in)
}

func (op *actOp) shape(a args) (tensor.Shape, error) { return likeFirst(a) }

func (op *actOp) run(out *tensor.Dense, a args) error {
	x := a.d[0]
	cols := lastDim(x.Shape())
	switch x.Dtype() {
	case tensor.Float64:
		op.pool.Forward64(op.act, out.Float64s(), x.Float64s(), cols)
	case tensor.Float32:
		op.pool.Forward32(op.act, out.Float32s(), x.Float32s(), cols)
	}
	return nil
}

// SymDiff returns act's backward applied to the op's output (and, for an
// input-derived activation, its input): the derivative of an output-derived
// activation is read off y, never recomputed from x.
func (op *actOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	back := newActBackOp(op.act, op.pool)
	var (
		dx  *gorgonia.Node
		err error
	)
	if op.act.DerivedFrom() == ops.FromInput {
		if len(inputs) != 1 {
			return nil, fmt.Errorf("graph: %v: got %d inputs, want 1", op, len(inputs))
		}
		dx, err = gorgonia.ApplyOp(back, inputs[0], output, grad)
	} else {
		dx, err = gorgonia.ApplyOp(back, output, grad)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: %s backward: %w", op.act.Name(), err)
	}
	return gorgonia.Nodes{dx}, nil
}

// InferShape returns the shape of the inputs, which must agree.
func (op *actBackOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShape(op, op.arity, in)
}

func (op *actBackOp) shape(a args) (tensor.Shape, error) { return likeFirst(a) }

// run computes dx from (y, dy), or (x, y, dy) for an input-derived activation.
func (op *actBackOp) run(out *tensor.Dense, a args) error {
	var x *tensor.Dense
	d := a.d[:op.arity]
	if op.arity == 3 {
		x, d = d[0], d[1:]
	}
	y, dy := d[0], d[1]
	cols := lastDim(y.Shape())
	switch y.Dtype() {
	case tensor.Float64:
		op.pool.Backward64(op.act, out.Float64s(), dy.Float64s(), float64sOr(x), y.Float64s(), cols)
	case tensor.Float32:
		op.pool.Backward32(op.act, out.Float32s(), dy.Float32s(), float32sOr(x), y.Float32s(), cols)
	}
	return nil
}

// float64sOr returns x's values, or nil for a nil x (the input an
// output-derived activation's backward does not read).
func float64sOr(x *tensor.Dense) []float64 {
	if x == nil {
		return nil
	}
	return x.Float64s()
}

// float32sOr is float64sOr in float32.
func float32sOr(x *tensor.Dense) []float32 {
	if x == nil {
		return nil
	}
	return x.Float32s()
}

// actKey identifies an activation in an op's hash: its name, its type and,
// for a pointer, its address. Gorgonia merges nodes whose ops hash alike, so
// two activations that share a name must not hash alike.
func actKey(a ops.Activation) string {
	if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer {
		return fmt.Sprintf("%s %T %#x", a.Name(), a, v.Pointer())
	}
	return fmt.Sprintf("%s %T %v", a.Name(), a, a)
}
