package graph

import (
	"fmt"
	"math"
	"reflect"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// Loss returns the node of o's loss of logits against targets (same shape,
// rows are examples) scaled by scale, and the node of the output
// o.Act(logits). For cross-entropy the loss is one fused op on the logits (a
// stable log-softmax, ops.CrossEntropy) whose derivative is ops.Delta's
// (y − t)·s; the output node is then a separate softmax of the same logits,
// which the derivative reads.
// For squared error the loss is ops.SquaredError of the output. The options
// apply to the output activation (see Apply).
func Loss(o ops.Output, logits, targets *gorgonia.Node, scale float64, opts ...Option) (loss, out *gorgonia.Node, err error) {
	if o.Act == nil {
		return nil, nil, fmt.Errorf("graph: output %q has no activation", o.Name)
	}
	if o.CrossEntropy && o.Loss != nil {
		return nil, nil, fmt.Errorf("graph: loss %s: both the fused cross-entropy and %s", o.Name, o.Loss.Name())
	}
	if err := checkFloatTensor(logits, "loss "+o.Name); err != nil {
		return nil, nil, err
	}
	if err := checkFloatTensor(targets, "loss "+o.Name); err != nil {
		return nil, nil, err
	}
	if !logits.Shape().Eq(targets.Shape()) || logits.Dtype() != targets.Dtype() {
		return nil, nil, fmt.Errorf("graph: loss %s: logits are %v %v but targets are %v %v",
			o.Name, logits.Dtype(), logits.Shape(), targets.Dtype(), targets.Shape())
	}
	if math.IsNaN(scale) || math.IsInf(scale, 0) {
		return nil, nil, fmt.Errorf("graph: loss %s: scale %v is not finite", o.Name, scale)
	}
	if out, err = Apply(logits, o.Act, opts...); err != nil {
		return nil, nil, err
	}
	if o.CrossEntropy {
		if _, ok := o.LogitScale(); !ok {
			return nil, nil, fmt.Errorf("graph: loss %s: cross-entropy needs softmax, got %s", o.Name, o.Act.Name())
		}
		// The output is a third input: the derivative reads the softmax
		// there instead of computing it again.
		loss, err = gorgonia.ApplyOp(newLossOp(o, scale), logits, targets, out)
	} else {
		loss, err = gorgonia.ApplyOp(newLossOp(o, scale), out, targets)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("graph: loss %s: %w", o.Name, err)
	}
	return loss, out, nil
}

// lossOp is the scalar loss s·Σ −t ln softmax(x) (cross-entropy) or
// s·½Σ(y − t)² of its first two inputs. Its derivative with respect to the
// first input is g·s·(softmax(x) − t), the softmax read from a third input,
// the output node y = softmax(x), or g·s·(y − t); the targets and the output
// get none.
type lossOp struct {
	base
	o     ops.Output
	scale float64
	k     float64 // cross-entropy of softmax(k·x): a softmax of base e^k
}

// lossBackOp computes the first input's gradient of lossOp from (x, t, g)
// into its own kept result.
type lossBackOp struct {
	kept
	fwd *lossOp
}

var (
	_ gorgonia.SDOp            = (*lossOp)(nil)
	_ gorgonia.Op              = (*lossBackOp)(nil)
	_ gorgonia.UsePreallocDoer = (*lossBackOp)(nil)
	_ kernel                   = (*lossBackOp)(nil)
)

// newLossOp returns the loss op of o scaled by scale.
func newLossOp(o ops.Output, scale float64) *lossOp {
	kind, arity := "squaredError", 2
	k, _ := o.LogitScale()
	switch {
	case o.CrossEntropy:
		kind, arity = "softmaxCrossEntropy", 3
	case o.Loss != nil:
		kind = lossKey(o.Loss)
	}
	return &lossOp{
		base: base{
			name: fmt.Sprintf("%s{%g}", kind, scale), key: fmt.Sprintf("%s{%v %v}", kind, scale, k),
			arity: arity, dense: arity, sameSize: true,
			typ: func() hm.Type {
				a := hm.TypeVariable('a')
				t := gorgonia.TensorType{Dims: 2, Of: a}
				ts := []hm.Type{t, t, t}[:arity]
				return hm.NewFnType(append(ts, a)...)
			},
		},
		o: o, scale: scale, k: k,
	}
}

// DiffWRT says the first input has a gradient, the targets (and the
// output) none.
func (op *lossOp) DiffWRT(int) []bool { return []bool{true, false, false}[:op.arity] }

// InferShape checks that the inputs have one shape; the loss is a scalar.
func (op *lossOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if _, err := sameShape(op, op.arity, in); err != nil {
		return nil, err
	}
	return tensor.ScalarShape(), nil
}

// Do computes the loss in float64 and returns it as a scalar of the inputs'
// dtype.
func (op *lossOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, err := op.args(in)
	if err != nil {
		return nil, err
	}
	x, t, cols := a.d[0], a.d[1], lastDim(a.d[0].Shape())
	var sum float64
	if x.Dtype() == tensor.Float64 {
		sum, err = lossSum(op, x.Float64s(), outputOf[float64](a), t.Float64s(), cols)
	} else {
		sum, err = lossSum(op, x.Float32s(), outputOf[float32](a), t.Float32s(), cols)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: %v: %w", op, err)
	}
	if x.Dtype() == tensor.Float64 {
		return gorgonia.NewF64(op.scale * sum), nil
	}
	return gorgonia.NewF32(float32(op.scale * sum)), nil
}

// lossKey identifies a Loss in an op's hash, as actKey does an activation.
func lossKey(l ops.Loss) string {
	if v := reflect.ValueOf(l); v.Kind() == reflect.Pointer {
		return fmt.Sprintf("loss %q %T %#x", l.Name(), l, v.Pointer())
	}
	return fmt.Sprintf("loss %q %T %v", l.Name(), l, l)
}

// lossSum is the unscaled loss: the cross-entropy of the logits x, read
// off their softmax y (ops.CrossEntropyGiven), or ops.SquaredError of the
// output x.
func lossSum[T ops.Float](op *lossOp, x, y, t []T, cols int) (float64, error) {
	if op.o.CrossEntropy {
		return ops.CrossEntropyGiven(x, y, t, cols, op.k)
	}
	return ops.OutputLoss(op.o, x, t, cols), nil
}

// SymDiff returns g·s·(y − t) for the first input, y the output node
// (softmax(x), for cross-entropy) or the first input itself.
func (op *lossOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != op.arity {
		return nil, fmt.Errorf("graph: %v: got %d inputs, want %d", op, len(inputs), op.arity)
	}
	y := inputs[0]
	if op.o.CrossEntropy {
		y = inputs[2]
	}
	dx, err := gorgonia.ApplyOp(newLossBackOp(op), y, inputs[1], grad)
	if err != nil {
		return nil, fmt.Errorf("graph: %v backward: %w", op, err)
	}
	grads := make(gorgonia.Nodes, op.arity)
	grads[0] = dx
	return grads, nil
}

func newLossBackOp(fwd *lossOp) *lossBackOp {
	op := &lossBackOp{fwd: fwd}
	op.kept = kept{
		base: base{
			name: fwd.name + "'", key: fwd.key + "Back",
			arity: 3, dense: 2, sameSize: true,
			typ: func() hm.Type {
				a := hm.TypeVariable('a')
				t := gorgonia.TensorType{Dims: 2, Of: a}
				return hm.NewFnType(t, t, a, t)
			},
		},
		res: new(result), k: op,
	}
	return op
}

// InferShape returns the shape of the first two inputs, which must agree.
func (op *lossBackOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want 3", op, len(in))
	}
	return sameShape(op, 2, in[:2])
}

func (op *lossBackOp) shape(a args) (tensor.Shape, error) { return likeFirst(a) }

// run writes g·s·(y − t) from the output y: ops.Delta of the softmax for
// cross-entropy, the scaled difference for squared error.
func (op *lossBackOp) run(out *tensor.Dense, a args) error {
	y, t, cols, s := a.d[0], a.d[1], lastDim(a.d[0].Shape()), op.fwd.scale*a.s
	switch y.Dtype() {
	case tensor.Float64:
		lossGrad(op.fwd.o, out.Float64s(), y.Float64s(), t.Float64s(), cols, s)
	case tensor.Float32:
		lossGrad(op.fwd.o, out.Float32s(), y.Float32s(), t.Float32s(), cols, s)
	}
	return nil
}

// lossGrad writes the gradient of the scaled loss with respect to the loss
// op's first input into d, from the output y.
func lossGrad[T ops.Float](o ops.Output, d, y, t []T, cols int, s float64) {
	switch {
	case o.CrossEntropy:
		ops.Delta(o, d, y, t, cols, s)
	case o.Loss != nil:
		ops.LossGrad(o.Loss, d, y, t, cols, s)
	default:
		ops.ScaledDiff(d, y, t, s)
	}
}

// outputOf is the loss's third input, the softmax output that a
// cross-entropy reads (nil for a loss of two inputs).
func outputOf[T ops.Float](a args) []T {
	d := a.d[2]
	if d == nil {
		return nil
	}
	var y []T
	switch p := any(&y).(type) {
	case *[]float64:
		*p = d.Float64s()
	case *[]float32:
		*p = d.Float32s()
	}
	return y
}
