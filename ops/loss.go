package ops

import (
	"fmt"
	"hash"
	"math"
	"strings"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Output is an output configuration: the activation applied to the logits and
// the loss that compares its output y with the targets t.
//
// Every loss here is scaled by one factor s, chosen by the caller:
//
//	cross-entropy (softmax)  L = s · Σ_rows −Σ_j t_j ln y_j,   ∂L/∂logits = s·(y − t)
//	squared error            L = s · ½ Σ (y − t)²,              ∂L/∂y      = s·(y − t)
//
// so that the output delta is exactly (y − t)·s, times the activation's slope
// for squared error.
type Output struct {
	// Name is the configuration's name, as typed on a command line.
	Name string
	// Act is applied to the logits.
	Act Activation
	// CrossEntropy selects the fused softmax cross-entropy (Act must be
	// Softmax); otherwise the loss is squared error.
	CrossEntropy bool
}

// The output configurations of the chapter.
var (
	// SoftmaxCrossEntropy is softmax with the fused, stable cross-entropy loss.
	SoftmaxCrossEntropy = Output{Name: "softmax", Act: Softmax, CrossEntropy: true}
	// SigmoidSquared is sigmoid with squared error.
	SigmoidSquared = Output{Name: "sigmoid", Act: Sigmoid}
	// IdentitySquared is a linear output with squared error.
	IdentitySquared = Output{Name: "identity", Act: Identity}
)

// outputs lists the output configurations known by name. It is read, never written.
var outputs = [...]Output{SoftmaxCrossEntropy, SigmoidSquared, IdentitySquared}

// Outputs returns the registered output configurations.
func Outputs() []Output {
	out := make([]Output, len(outputs))
	copy(out, outputs[:])
	return out
}

// OutputNames returns the names of the registered output configurations.
func OutputNames() []string {
	names := make([]string, len(outputs))
	for i, o := range outputs {
		names[i] = o.Name
	}
	return names
}

// LookupOutput returns the output configuration called name. An unknown name
// is an error that lists the known ones.
func LookupOutput(name string) (Output, error) {
	for _, o := range outputs {
		if o.Name == name {
			return o, nil
		}
	}
	return Output{}, fmt.Errorf("ops: unknown output %q (known: %s)", name, strings.Join(OutputNames(), ", "))
}

// String describes the configuration, e.g. "softmax + cross-entropy".
func (o Output) String() string {
	if o.CrossEntropy {
		return o.Act.Name() + " + cross-entropy"
	}
	return o.Act.Name() + " + squared error"
}

// Delta writes into d the gradient of the loss with respect to the logits,
// given the output y = o.Act(logits), the targets t and the scale s: (y − t)·s
// for cross-entropy, Act's backward of (y − t)·s for squared error.
func Delta[T Float](o Output, d, y, t []T, cols int, s float64) {
	if k, ok := logitScale(o.Act); ok && o.CrossEntropy {
		s *= k // softmax of base e^k: ∂L/∂x = k·s·(y − t)
	}
	scaledDiff(d, y, t, s)
	if !o.CrossEntropy {
		Backward(o.Act, d, d, nil, y, cols)
	}
}

// scaledDiff writes d = (y − t)·s.
func scaledDiff[T float32 | float64](d, y, t []T, s float64) {
	d, t = d[:len(y)], t[:len(y)]
	for i, v := range y {
		d[i] = T(float64(v-t[i]) * s)
	}
}

// Loss returns the node of the scaled loss of logits against targets (same
// shape, rows are examples), and the node of the output Act(logits). For
// cross-entropy the loss is one fused op on the logits (a stable log-softmax);
// the output node is then a separate softmax of the same logits.
func (o Output) Loss(logits, targets *gorgonia.Node, scale float64) (loss, out *gorgonia.Node, err error) {
	if o.Act == nil {
		return nil, nil, fmt.Errorf("ops: output %q has no activation", o.Name)
	}
	if err := checkFloatTensor(logits, "loss "+o.Name); err != nil {
		return nil, nil, err
	}
	if err := checkFloatTensor(targets, "loss "+o.Name); err != nil {
		return nil, nil, err
	}
	if !logits.Shape().Eq(targets.Shape()) || logits.Dtype() != targets.Dtype() {
		return nil, nil, fmt.Errorf("ops: loss %s: logits are %v %v but targets are %v %v",
			o.Name, logits.Dtype(), logits.Shape(), targets.Dtype(), targets.Shape())
	}
	if math.IsNaN(scale) || math.IsInf(scale, 0) {
		return nil, nil, fmt.Errorf("ops: loss %s: scale %v is not finite", o.Name, scale)
	}
	if out, err = Apply(logits, o.Act); err != nil {
		return nil, nil, err
	}
	if o.CrossEntropy {
		k, ok := logitScale(o.Act)
		if !ok {
			return nil, nil, fmt.Errorf("ops: loss %s: cross-entropy needs softmax, got %s", o.Name, o.Act.Name())
		}
		loss, err = gorgonia.ApplyOp(lossOp{scale: scale, xent: true, k: k}, logits, targets)
	} else {
		loss, err = gorgonia.ApplyOp(lossOp{scale: scale}, out, targets)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("ops: loss %s: %w", o.Name, err)
	}
	return loss, out, nil
}

// lossOp is the scalar loss s·Σ −t ln softmax(x) (xent) or s·½Σ(y − t)² of
// its two inputs. Its derivative with respect to the first input is
// g·s·(softmax(x) − t) or g·s·(y − t); the targets get none.
type lossOp struct {
	scale float64
	xent  bool
	k     float64 // cross-entropy of softmax(k·x): a softmax of base e^k
}

// lossBackOp computes the first input's gradient of lossOp from (x, t, g)
// into its own kept result.
type lossBackOp struct {
	fwd lossOp
	res *Result
}

var (
	_ gorgonia.SDOp            = lossOp{}
	_ gorgonia.Op              = lossBackOp{}
	_ gorgonia.UsePreallocDoer = lossBackOp{}
)

func (op lossOp) kind() string {
	if op.xent {
		return "softmaxCrossEntropy"
	}
	return "squaredError"
}

func (op lossOp) Arity() int { return 2 }
func (op lossOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := gorgonia.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t, t, a)
}
func (op lossOp) ReturnsPtr() bool     { return false }
func (op lossOp) CallsExtern() bool    { return false }
func (op lossOp) OverwritesInput() int { return -1 }
func (op lossOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "outgrad.%s{%v %v}", op.kind(), op.scale, op.k)
}
func (op lossOp) Hashcode() uint32          { return hashOf(op) }
func (op lossOp) String() string            { return fmt.Sprintf("%s{%g}", op.kind(), op.scale) }
func (op lossOp) DiffWRT(inputs int) []bool { return []bool{true, false} }
func (op lossOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if _, err := sameShape(op, 2, in); err != nil {
		return nil, err
	}
	return tensor.ScalarShape(), nil
}

func (op lossOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	args, err := denseArgs(op, in, 2)
	if err != nil {
		return nil, err
	}
	x, t, cols := args[0], args[1], lastDim(args[0].Shape())
	switch x.Dtype() {
	case tensor.Float64:
		v, err := lossValue(op, x.Float64s(), t.Float64s(), cols)
		return gorgonia.NewF64(v), err
	default:
		v, err := lossValue(op, x.Float32s(), t.Float32s(), cols)
		return gorgonia.NewF32(float32(v)), err
	}
}

// lossValue computes the loss in float64. For cross-entropy every target row
// must be a distribution (sum 1, as one-hot rows are): the fused backward
// s·(y − t) is the gradient only then, so another row is an error rather than
// a silently wrong gradient.
func lossValue[T float32 | float64](op lossOp, x, t []T, cols int) (float64, error) {
	var sum float64
	if !op.xent {
		for i, v := range x {
			d := float64(v - t[i])
			sum += d * d
		}
		return op.scale * sum / 2, nil
	}
	for r := 0; r+cols <= len(x); r += cols {
		xr, tr := x[r:r+cols], t[r:r+cols]
		var ts float64
		for _, v := range tr {
			ts += float64(v)
		}
		if math.Abs(ts-1) > 1e-6*float64(cols) {
			return 0, fmt.Errorf("ops: %v: target row %d sums to %v, want 1 (a distribution)", op, r/cols, ts)
		}
		m := math.Inf(-1)
		for _, v := range xr {
			m = math.Max(m, op.k*float64(v))
		}
		var z float64
		for _, v := range xr {
			z += math.Exp(op.k*float64(v) - m)
		}
		lz := m + math.Log(z) // ln Σ e^x, stable
		for j, v := range xr {
			if tr[j] != 0 {
				sum -= float64(tr[j]) * (op.k*float64(v) - lz)
			}
		}
	}
	return op.scale * sum, nil
}

// SymDiff returns g·s·(softmax(x) − t) or g·s·(y − t) for the first input.
func (op lossOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("ops: %v: got %d inputs, want 2", op, len(inputs))
	}
	dx, err := gorgonia.ApplyOp(lossBackOp{fwd: op, res: new(Result)}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, fmt.Errorf("ops: %v backward: %w", op, err)
	}
	return gorgonia.Nodes{dx, nil}, nil
}

func (op lossBackOp) Arity() int { return 3 }
func (op lossBackOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := gorgonia.TensorType{Dims: 2, Of: a}
	return hm.NewFnType(t, t, a, t)
}
func (op lossBackOp) ReturnsPtr() bool     { return false }
func (op lossBackOp) CallsExtern() bool    { return false }
func (op lossBackOp) OverwritesInput() int { return -1 }
func (op lossBackOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "outgrad.%sBack{%v %v}", op.fwd.kind(), op.fwd.scale, op.fwd.k)
}
func (op lossBackOp) Hashcode() uint32 { return hashOf(op) }
func (op lossBackOp) String() string   { return op.fwd.String() + "'" }
func (op lossBackOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("ops: %v: got %d shapes, want 3", op, len(in))
	}
	return sameShape(op, 2, in[:2])
}

func (op lossBackOp) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("ops: %v: got %d inputs, want 3", op, len(in))
	}
	args, err := denseArgs(op, in[:2], 2)
	if err != nil {
		return nil, err
	}
	return op.UsePreallocDo(op.res.Get(args[0].Dtype(), args[0].Shape()), in...)
}

func (op lossBackOp) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("ops: %v: got %d inputs, want 3", op, len(in))
	}
	args, err := denseArgs(op, in[:2], 2)
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(in[2])
	if err != nil {
		return nil, fmt.Errorf("ops: %v: %w", op, err)
	}
	out, err := denseOut(op, prealloc, args[0])
	if err != nil {
		return nil, err
	}
	x, t, cols, s := args[0], args[1], lastDim(args[0].Shape()), op.fwd.scale*g
	if op.fwd.xent {
		s *= op.fwd.k
	}
	switch x.Dtype() {
	case tensor.Float64:
		d := out.Float64s()
		if op.fwd.xent {
			softmaxRows(d, x.Float64s(), cols, op.fwd.k)
			scaledDiff(d, d, t.Float64s(), s)
		} else {
			scaledDiff(d, x.Float64s(), t.Float64s(), s)
		}
	case tensor.Float32:
		d := out.Float32s()
		if op.fwd.xent {
			softmaxRows(d, x.Float32s(), cols, op.fwd.k)
			scaledDiff(d, d, t.Float32s(), s)
		} else {
			scaledDiff(d, x.Float32s(), t.Float32s(), s)
		}
	}
	return out, nil
}

// scalarOf reads a scalar gradient value.
func scalarOf(v gorgonia.Value) (float64, error) {
	switch v := v.(type) {
	case *gorgonia.F64:
		return float64(*v), nil
	case *gorgonia.F32:
		return float64(*v), nil
	case *tensor.Dense:
		if v.Size() == 1 {
			switch d := v.Data().(type) {
			case float64:
				return d, nil
			case float32:
				return float64(d), nil
			case []float64:
				return d[0], nil
			case []float32:
				return float64(d[0]), nil
			}
		}
	}
	return 0, fmt.Errorf("gradient is %T, want a scalar", v)
}

// SoftmaxOutput returns the output configuration softmax of the given base
// (see NewSoftmax) with the fused cross-entropy, whose logit gradient is
// ln(base)·(y − t)·s. SoftmaxOutput(math.E) is SoftmaxCrossEntropy.
func SoftmaxOutput(base float64) (Output, error) {
	act, err := NewSoftmax(base)
	if err != nil {
		return Output{}, err
	}
	if act == Softmax {
		return SoftmaxCrossEntropy, nil
	}
	return Output{Name: act.Name(), Act: act, CrossEntropy: true}, nil
}
