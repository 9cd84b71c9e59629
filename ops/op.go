package ops

import (
	"fmt"
	"hash"
	"hash/fnv"
	"reflect"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Apply returns the node act(x): a Gorgonia op that runs act's forward, and
// whose symbolic derivative (gorgonia.Grad) is act's backward applied to the
// op's own output. Rows for row-wise activations are x's last dimension.
//
// x must be a float32 or float64 tensor (not a scalar).
func Apply(x *gorgonia.Node, act Activation) (*gorgonia.Node, error) {
	if act == nil {
		return nil, fmt.Errorf("ops: apply: nil activation")
	}
	if err := checkFloatTensor(x, "apply "+act.Name()); err != nil {
		return nil, err
	}
	if act.DerivedFrom() != FromOutput {
		return nil, fmt.Errorf("ops: apply %s: input-derived activations are not supported by this op", act.Name())
	}
	n, err := gorgonia.ApplyOp(actOp{act: act, res: new(Result)}, x)
	if err != nil {
		return nil, fmt.Errorf("ops: apply %s: %w", act.Name(), err)
	}
	return n, nil
}

// checkFloatTensor reports whether n is a float32 or float64 tensor node.
func checkFloatTensor(n *gorgonia.Node, what string) error {
	if n == nil {
		return fmt.Errorf("ops: %s: nil node", what)
	}
	if n.IsScalar() || n.Shape().Dims() == 0 {
		return fmt.Errorf("ops: %s: %s is a scalar, want a vector or matrix", what, n.Name())
	}
	if dt := n.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return fmt.Errorf("ops: %s: %s has dtype %v, want float32 or float64", what, n.Name(), dt)
	}
	return nil
}

// actOp is the forward op of any Activation.
type actOp struct {
	act Activation
	res *Result
}

// actBackOp computes dx from (y, dy) with the activation's backward.
type actBackOp struct {
	act Activation
	res *Result
}

var (
	_ gorgonia.SDOp            = actOp{}
	_ gorgonia.UsePreallocDoer = actOp{}
	_ gorgonia.Op              = actBackOp{}
	_ gorgonia.UsePreallocDoer = actBackOp{}
)

func (op actOp) Arity() int                { return 1 }
func (op actOp) Type() hm.Type             { a := hm.TypeVariable('a'); return hm.NewFnType(a, a) }
func (op actOp) ReturnsPtr() bool          { return false }
func (op actOp) CallsExtern() bool         { return false }
func (op actOp) OverwritesInput() int      { return -1 }
func (op actOp) WriteHash(h hash.Hash)     { fmt.Fprintf(h, "outgrad.act{%s}", actKey(op.act)) }
func (op actOp) Hashcode() uint32          { return hashOf(op) }
func (op actOp) String() string            { return op.act.Name() }
func (op actOp) DiffWRT(inputs int) []bool { return []bool{true} }
func (op actOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShape(op, 1, in)
}

func (op actOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := denseArgs(op, in, 1)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(op.res.Get(x[0].Dtype(), x[0].Shape()), in...)
}

func (op actOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	args, err := denseArgs(op, in, 1)
	if err != nil {
		return nil, err
	}
	out, err := denseOut(op, prealloc, args[0])
	if err != nil {
		return nil, err
	}
	x, cols := args[0], lastDim(args[0].Shape())
	switch x.Dtype() {
	case tensor.Float64:
		Forward(op.act, out.Float64s(), x.Float64s(), cols)
	case tensor.Float32:
		Forward(op.act, out.Float32s(), x.Float32s(), cols)
	}
	return out, nil
}

// SymDiff returns act's backward applied to the op's output: the derivative is
// read off y, never recomputed from x.
func (op actOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(actBackOp{act: op.act, res: new(Result)}, output, grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %s backward: %w", op.act.Name(), err)
	}
	return gorgonia.Nodes{dx}, nil
}

func (op actBackOp) Arity() int           { return 2 }
func (op actBackOp) Type() hm.Type        { a := hm.TypeVariable('a'); return hm.NewFnType(a, a, a) }
func (op actBackOp) ReturnsPtr() bool     { return false }
func (op actBackOp) CallsExtern() bool    { return false }
func (op actBackOp) OverwritesInput() int { return -1 }
func (op actBackOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "outgrad.actBack{%s}", actKey(op.act))
}
func (op actBackOp) Hashcode() uint32 { return hashOf(op) }
func (op actBackOp) String() string   { return op.act.Name() + "'" }
func (op actBackOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShape(op, 2, in)
}

func (op actBackOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	args, err := denseArgs(op, in, 2)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(op.res.Get(args[0].Dtype(), args[0].Shape()), in...)
}

func (op actBackOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	args, err := denseArgs(op, in, 2)
	if err != nil {
		return nil, err
	}
	out, err := denseOut(op, prealloc, args[0])
	if err != nil {
		return nil, err
	}
	y, dy, cols := args[0], args[1], lastDim(args[0].Shape())
	switch y.Dtype() {
	case tensor.Float64:
		Backward(op.act, out.Float64s(), dy.Float64s(), nil, y.Float64s(), cols)
	case tensor.Float32:
		Backward(op.act, out.Float32s(), dy.Float32s(), nil, y.Float32s(), cols)
	}
	return out, nil
}

// actKey identifies an activation in an op's hash: its name, its type and,
// for a pointer, its address. Gorgonia merges nodes whose ops hash alike, so
// two activations that share a name must not hash alike.
func actKey(a Activation) string {
	if v := reflect.ValueOf(a); v.Kind() == reflect.Pointer {
		return fmt.Sprintf("%s %T %#x", a.Name(), a, v.Pointer())
	}
	return fmt.Sprintf("%s %T %v", a.Name(), a, a)
}

// hashOf hashes an op by the text its WriteHash writes.
func hashOf(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// sameShape checks that an op got n shapes, all equal, and returns the first.
func sameShape(op fmt.Stringer, n int, in []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != n {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want %d", op, len(in), n)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("ops: %v: input 0 has no shape (%T)", op, in[0])
	}
	for i, d := range in[1:] {
		t, ok := d.(tensor.Shape)
		if !ok || !t.Eq(s) {
			return nil, fmt.Errorf("ops: %v: input %d has shape %v, want %v", op, i+1, d, s)
		}
	}
	return s.Clone(), nil
}

// denseArgs checks an op's arguments: n dense float tensors of one dtype and
// one size, made contiguous.
func denseArgs(op fmt.Stringer, in []gorgonia.Value, n int) ([]*tensor.Dense, error) {
	if len(in) != n {
		return nil, fmt.Errorf("ops: %v: got %d inputs, want %d", op, len(in), n)
	}
	out := make([]*tensor.Dense, n)
	for i, v := range in {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("ops: %v: input %d is %T, want a dense tensor", op, i, v)
		}
		if d.IsMaterializable() {
			d = d.Materialize().(*tensor.Dense)
		}
		if dt := d.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
			return nil, fmt.Errorf("ops: %v: input %d has dtype %v, want float32 or float64", op, i, dt)
		}
		if i > 0 && (d.Dtype() != out[0].Dtype() || d.Size() != out[0].Size()) {
			return nil, fmt.Errorf("ops: %v: input %d is %v %v, want %v %v", op, i, d.Dtype(), d.Shape(), out[0].Dtype(), out[0].Shape())
		}
		out[i] = d
	}
	return out, nil
}

// denseOut checks that prealloc can hold a result like like.
func denseOut(op fmt.Stringer, prealloc gorgonia.Value, like *tensor.Dense) (*tensor.Dense, error) {
	d, ok := prealloc.(*tensor.Dense)
	if !ok || d.Dtype() != like.Dtype() || d.Size() != like.Size() || d.IsView() {
		return nil, fmt.Errorf("ops: %v: cannot write a %v %v result into %T", op, like.Dtype(), like.Shape(), prealloc)
	}
	return d, nil
}

// lastDim is the row length of s: its last dimension.
func lastDim(s tensor.Shape) int {
	if len(s) == 0 {
		return 1
	}
	return s[len(s)-1]
}
