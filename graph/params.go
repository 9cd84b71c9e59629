package graph

import (
	"fmt"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/ops"
)

// ApplyParams returns the node act(x; θ) of an activation with learnable
// parameters, for a matrix x (rows × units): theta is a vector node of act.Params().Count(units) values
// (units is x's last dimension), laid out as ops.Params says, and usually a
// learnable of the program. gorgonia.Grad gives both gradients, ∂/∂x and
// ∂/∂θ, from act's ParamsBackward: the backward ops read x only for an
// input-derived activation, y for every one.
//
// The activation runs on the calling goroutine (no Pool splits it: its
// parameter gradient is a sum over the rows).
//
// Apply with a Learnable computes it at its initial parameters, held fixed.
func ApplyParams(x, theta *gorgonia.Node, act ops.Learnable) (*gorgonia.Node, error) {
	if act == nil {
		return nil, fmt.Errorf("graph: apply params: nil activation")
	}
	what := "apply " + act.Name()
	if err := checkFloatTensor(x, what); err != nil {
		return nil, err
	}
	if x.Shape().Dims() != 2 {
		return nil, fmt.Errorf("graph: %s: %s has shape %v, want a matrix (rows × units)", what, x.Name(), x.Shape())
	}
	if theta == nil {
		return nil, fmt.Errorf("graph: %s: nil parameter node", what)
	}
	units := lastDim(x.Shape())
	if want := act.Params().Count(units); theta.Shape().TotalSize() != want || theta.Shape().Dims() != 1 {
		return nil, fmt.Errorf("graph: %s: parameters %s have shape %v, want a vector of %d for %d units", what, theta.Name(), theta.Shape(), want, units)
	}
	if theta.Dtype() != x.Dtype() {
		return nil, fmt.Errorf("graph: %s: parameters are %v, input %v", what, theta.Dtype(), x.Dtype())
	}
	from := act.DerivedFrom()
	if from != ops.FromOutput && from != ops.FromInput {
		return nil, fmt.Errorf("graph: %s: unknown source %d of the slope", what, from)
	}
	n, err := gorgonia.ApplyOp(newParamActOp(act), x, theta)
	if err != nil {
		return nil, fmt.Errorf("graph: %s: %w", what, err)
	}
	return n, nil
}

// DenseParams returns act(x·w; θ), as Dense does for an activation without
// parameters.
func DenseParams(x, w, theta *gorgonia.Node, act ops.Learnable) (*gorgonia.Node, error) {
	z, err := denseProduct(x, w)
	if err != nil {
		return nil, err
	}
	return ApplyParams(z, theta, act)
}

// paramActOp is y = act(x; θ).
type paramActOp struct {
	kept
	act ops.Learnable
}

// paramBackOp computes one of the two gradients, dx (wrt false) or dθ
// (wrt true), from (θ, y, dy), or (x, θ, y, dy) for an input-derived
// activation. Each of the two runs the whole backward and keeps its half.
type paramBackOp struct {
	kept
	act     ops.Learnable
	ofTheta bool
	// other is the half the op does not return, kept between runs.
	other result
}

var (
	_ gorgonia.SDOp            = (*paramActOp)(nil)
	_ gorgonia.UsePreallocDoer = (*paramActOp)(nil)
	_ kernel                   = (*paramActOp)(nil)
	_ gorgonia.Op              = (*paramBackOp)(nil)
	_ kernel                   = (*paramBackOp)(nil)
)

func newParamActOp(act ops.Learnable) *paramActOp {
	op := &paramActOp{act: act}
	op.kept = kept{
		base: base{name: act.Name(), key: "paramAct{" + actKey(act) + "}", arity: 2, dense: 2, typ: func() hm.Type {
			a := hm.TypeVariable('a')
			m, v := gorgonia.TensorType{Dims: 2, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
			return hm.NewFnType(m, v, m)
		}},
		res: new(result), k: op,
	}
	return op
}

func newParamBackOp(act ops.Learnable, ofTheta bool) *paramBackOp {
	n, name, key := 3, act.Name()+"'", "paramBackX{"
	if act.DerivedFrom() == ops.FromInput {
		n = 4
	}
	if ofTheta {
		name, key = act.Name()+"'θ", "paramBackTheta{"
	}
	op := &paramBackOp{act: act, ofTheta: ofTheta}
	op.kept = kept{
		base: base{name: name, key: key + actKey(act) + "}", arity: n, dense: n, typ: func() hm.Type {
			// (x,) θ, y, dy → dx or dθ: x, y, dy and dx share a type, θ
			// and dθ another.
			a := hm.TypeVariable('a')
			m, v := gorgonia.TensorType{Dims: 2, Of: a}, gorgonia.TensorType{Dims: 1, Of: a}
			ts := []hm.Type{v, m, m}
			if n == 4 {
				ts = append([]hm.Type{m}, ts...)
			}
			if ofTheta {
				return hm.NewFnType(append(ts, v)...)
			}
			return hm.NewFnType(append(ts, m)...)
		}},
		res: new(result), k: op,
	}
	return op
}

// DiffWRT says both inputs have a gradient.
func (op *paramActOp) DiffWRT(int) []bool { return []bool{true, true} }

// InferShape returns the input's shape.
func (op *paramActOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want 2", op, len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("graph: %v: input 0 has no shape (%T)", op, in[0])
	}
	return s.Clone(), nil
}

func (op *paramActOp) shape(a args) (tensor.Shape, error) {
	x, th := a.d[0], a.d[1]
	if want := op.act.Params().Count(lastDim(x.Shape())); th.Size() != want {
		return nil, fmt.Errorf("graph: %v: %d parameters for %v, want %d", op, th.Size(), x.Shape(), want)
	}
	return x.Shape(), nil
}

func (op *paramActOp) run(out *tensor.Dense, a args) error {
	x, th := a.d[0], a.d[1]
	cols := lastDim(x.Shape())
	switch x.Dtype() {
	case tensor.Float64:
		op.act.ParamsForward64(out.Float64s(), x.Float64s(), th.Float64s(), cols)
	case tensor.Float32:
		op.act.ParamsForward32(out.Float32s(), x.Float32s(), th.Float32s(), cols)
	}
	return nil
}

// SymDiff returns the two backward ops on the op's output (and, for an
// input-derived activation, its input) and the parameters.
func (op *paramActOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("graph: %v: got %d inputs, want 2", op, len(inputs))
	}
	args := gorgonia.Nodes{inputs[1], output, grad}
	if op.act.DerivedFrom() == ops.FromInput {
		args = append(gorgonia.Nodes{inputs[0]}, args...)
	}
	dx, err := gorgonia.ApplyOp(newParamBackOp(op.act, false), args...)
	if err != nil {
		return nil, fmt.Errorf("graph: %s backward: %w", op.act.Name(), err)
	}
	dth, err := gorgonia.ApplyOp(newParamBackOp(op.act, true), args...)
	if err != nil {
		return nil, fmt.Errorf("graph: %s parameter backward: %w", op.act.Name(), err)
	}
	return gorgonia.Nodes{dx, dth}, nil
}

// InferShape returns θ's shape for dθ, y's for dx.
func (op *paramBackOp) InferShape(in ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != op.arity {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want %d", op, len(in), op.arity)
	}
	i := op.arity - 2 // y
	if op.ofTheta {
		i = op.arity - 3 // θ
	}
	s, ok := in[i].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("graph: %v: input %d has no shape (%T)", op, i, in[i])
	}
	return s.Clone(), nil
}

// split returns x (nil for an output-derived activation), θ, y and dy.
func (op *paramBackOp) split(a args) (x, th, y, dy *tensor.Dense) {
	d := a.d[:op.arity]
	if op.arity == 4 {
		x, d = d[0], d[1:]
	}
	return x, d[0], d[1], d[2]
}

func (op *paramBackOp) shape(a args) (tensor.Shape, error) {
	_, th, y, dy := op.split(a)
	if y.Size() != dy.Size() {
		return nil, fmt.Errorf("graph: %v: dy has %d values, y %d", op, dy.Size(), y.Size())
	}
	if op.ofTheta {
		return th.Shape(), nil
	}
	return y.Shape(), nil
}

// run computes both gradients, writing the one the op returns into out.
func (op *paramBackOp) run(out *tensor.Dense, a args) error {
	x, th, y, dy := op.split(a)
	dx, dth := out, op.other.get(y.Dtype(), th.Shape())
	if op.ofTheta {
		dx, dth = op.other.get(y.Dtype(), y.Shape()), out
	}
	cols := lastDim(y.Shape())
	switch y.Dtype() {
	case tensor.Float64:
		op.act.ParamsBackward64(dx.Float64s(), dth.Float64s(), dy.Float64s(), float64sOr(x), y.Float64s(), th.Float64s(), cols)
	case tensor.Float32:
		op.act.ParamsBackward32(dx.Float32s(), dth.Float32s(), dy.Float32s(), float32sOr(x), y.Float32s(), th.Float32s(), cols)
	}
	return nil
}
