package graphnet

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/models/mnist"
	"outgrad/ops"
)

// ErrNoBuiltin is the error BuiltinSupports wraps when Gorgonia's built-in ops
// cannot express an activation or an output.
var ErrNoBuiltin = errors.New("graphnet: builtin: not expressible with gorgonia's built-in ops")

// BuiltinNet is the network built only from Gorgonia's own ops (Mul,
// HadamardProd, Tanh, Sigmoid, Rectify, LeakyRelu, Softplus, Mish, Exp, Log,
// Max, Sum, …) and differentiated by Gorgonia's own symbolic differentiation,
// whose derivatives are taken from the inputs: an implementation that shares
// nothing with package ops but the forward formulas it must agree with.
//
// Its structure is GraphNet's: h_l = act_l(in·w_l), times the dropout mask
// input (holding 2·mask) when dropout is on, then the output and its loss
// scaled by Config.LossScale. The cross-entropy is the stable
// −s·Σ t⊙(z − m − ln Σ e^(z−m)) with m the row maximum of the logits z.
// Config.Book does not apply: the gradient is the true one.//
// It is not safe for concurrent use: its machine, its input tensors and its
// output buffers belong to one call at a time, so one net must be used by
// one goroutine at a time. Different nets, each with its own graph and
// machine, may be used at once from different goroutines.
type BuiltinNet[T ops.Float] struct{ *machine[T] }

var _ mnist.Net[float64] = BuiltinNet[float64]{}

// builtinAct is one activation written with Gorgonia's built-in ops: build
// makes the node from the pre-activation z, ref is its forward in plain Go,
// used to recognise the function behind the name.
type builtinAct struct {
	build func(z *gorgonia.Node) (*gorgonia.Node, error)
	ref   func(float64) float64 // nil for the row-wise softmax
}

// builtinActs maps activation names to their built-in form. Each was checked
// against the ops forward on a grid (see builtin_test.go).
var builtinActs = map[string]builtinAct{
	"identity": {build: func(z *gorgonia.Node) (*gorgonia.Node, error) { return z, nil }, ref: func(x float64) float64 { return x }},
	"tanh":     {build: gorgonia.Tanh, ref: math.Tanh},
	// Gorgonia's sigmoid is 1/(1 + e^(−x)), exactly 1 above x = 19 and 0
	// below −709: within e^(−19) ≈ 5.6e-9 of the logistic function there.
	"sigmoid": {build: gorgonia.Sigmoid, ref: func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
	// Rectify is x⊙(x ≥ 0): slope 1 at x = 0 where ops.ReLU takes 0.
	"relu": {build: gorgonia.Rectify, ref: func(x float64) float64 { return math.Max(x, 0) }},
	"leakyrelu": {
		build: func(z *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.LeakyRelu(z, ops.LeakyReLUSlope) },
		ref: func(x float64) float64 {
			if x > 0 {
				return x
			}
			return ops.LeakyReLUSlope * x
		},
	},
	// softplus(x) = max(x, 0) + softplus(−|x|): Gorgonia's Softplus returns x
	// above 16, so it is only applied where its argument is ≤ 0, where it is
	// ln(1 + e^x), as ops.Softplus computes it.
	"softplus": {build: builtinSoftplus, ref: func(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }},
	// elu(x) = x⊙[x > 0] + expm1(x⊙[x ≤ 0]): expm1 never sees a positive x.
	"elu": {build: builtinELU, ref: func(x float64) float64 {
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	}},
	"softmax": {build: builtinSoftmaxRows},
	// swish(x) = x⊙σ(x).
	"swish": {build: func(z *gorgonia.Node) (*gorgonia.Node, error) {
		s, err := gorgonia.Sigmoid(z)
		if err != nil {
			return nil, err
		}
		return gorgonia.HadamardProd(z, s)
	}, ref: func(x float64) float64 { return x / (1 + math.Exp(-x)) }},
	// Gorgonia's Mish is x⊙tanh(softplus(x)).
	"mish": {build: gorgonia.Mish, ref: func(x float64) float64 { return x * math.Tanh(math.Log1p(math.Exp(x))) }},
	// softsign(x) = x / (1 + |x|).
	"softsign": {build: func(z *gorgonia.Node) (*gorgonia.Node, error) {
		a, err := gorgonia.Abs(z)
		if err != nil {
			return nil, err
		}
		d, err := gorgonia.Add(constLike(z, 1), a)
		if err != nil {
			return nil, err
		}
		return gorgonia.HadamardDiv(z, d)
	}, ref: func(x float64) float64 { return x / (1 + math.Abs(x)) }},
}

// builtinMissing says why an activation known elsewhere has no built-in form.
var builtinMissing = map[string]string{
	"gelu": "gorgonia has no built-in op for gelu (it needs erf)",
}

// BuiltinSupports returns nil when every hidden activation and the output of
// c can be written with Gorgonia's built-in ops, and otherwise an error
// wrapping ErrNoBuiltin that names the first one that cannot.
//
// Activations are recognised by name: identity, tanh, sigmoid, relu,
// leakyrelu, softplus, elu, softmax (row-wise), swish, mish and softsign. An
// activation whose forward is not the function its name stands for (a user
// activation that reuses a name) is refused too. The output must be softmax
// with cross-entropy (base e only), or any of those activations with squared
// error.
func BuiltinSupports(c mnist.Config) error {
	for i, a := range c.Acts() {
		if why := builtinWhyNot(a); why != "" {
			return fmt.Errorf("%w: hidden layer %d: %s", ErrNoBuiltin, i+1, why)
		}
	}
	a := c.Output.Act
	if a == nil {
		return fmt.Errorf("%w: output %q has no activation", ErrNoBuiltin, c.Output.Name)
	}
	if c.Output.Loss != nil {
		return fmt.Errorf("%w: output %q: its loss %s has no built-in form", ErrNoBuiltin, c.Output.Name, c.Output.Loss.Name())
	}
	if c.Output.CrossEntropy && a.Name() != "softmax" {
		return fmt.Errorf("%w: output %q: cross-entropy is built for the softmax of base e only, not %s", ErrNoBuiltin, c.Output.Name, a.Name())
	}
	if why := builtinWhyNot(a); why != "" {
		return fmt.Errorf("%w: output %q: %s", ErrNoBuiltin, c.Output.Name, why)
	}
	return nil
}

// builtinWhyNot returns "" when a has a built-in form and its forward is the
// function of its name, and otherwise the reason it has none.
func builtinWhyNot(a ops.Activation) string {
	if a == nil {
		return "nil activation"
	}
	if ops.LearnableOf(a) != nil {
		return a.Name() + " has learnable parameters, which the built-in network does not train"
	}
	name := a.Name()
	if why, ok := builtinMissing[name]; ok {
		return why
	}
	if strings.HasPrefix(name, "softmax-base") {
		return fmt.Sprintf("%s: only the softmax of base e is built", name)
	}
	b, ok := builtinActs[name]
	if !ok {
		return fmt.Sprintf("activation %q is not one gorgonia's built-in ops are known to express", name)
	}
	// Recognise the function: a few points where every form above agrees
	// with its reference to far better than the tolerance.
	xs := []float64{-6, -2.5, -1, -0.3, 0, 0.4, 1, 2, 5.5}
	ys := make([]float64, len(xs))
	a.Forward64(ys, xs, len(xs))
	want := make([]float64, len(xs))
	if b.ref == nil {
		softmaxRef(want, xs)
	} else {
		for i, x := range xs {
			want[i] = b.ref(x)
		}
	}
	for i := range xs {
		if d := math.Abs(ys[i] - want[i]); !(d <= 1e-12*math.Max(1, math.Abs(want[i]))) {
			return fmt.Sprintf("activation %q gives %v at %v where %s is %v: not the function of that name", name, ys[i], xs[i], name, want[i])
		}
	}
	return ""
}

// softmaxRef writes the softmax of the row x into y.
func softmaxRef(y, x []float64) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	var s float64
	for i, v := range x {
		y[i] = math.Exp(v - m)
		s += y[i]
	}
	for i := range y {
		y[i] /= s
	}
}

// constLike returns the scalar constant v of z's dtype.
func constLike(z *gorgonia.Node, v float64) *gorgonia.Node {
	if z.Dtype() == tensor.Float32 {
		return gorgonia.NewConstant(float32(v))
	}
	return gorgonia.NewConstant(v)
}

// builtinSoftplus is ½(z + |z|) + Softplus(−|z|). ½(z + |z|) is max(z, 0)
// exactly, and its slope at 0 is ½(1 + sign 0), which with the −sign(0)·σ(0)
// of the second term makes σ(0) = ½ whatever sign Gorgonia gives to 0.
func builtinSoftplus(z *gorgonia.Node) (*gorgonia.Node, error) {
	a, err := gorgonia.Abs(z)
	if err != nil {
		return nil, err
	}
	r, err := gorgonia.Add(z, a)
	if err != nil {
		return nil, err
	}
	if r, err = gorgonia.Mul(r, constLike(z, 0.5)); err != nil {
		return nil, err
	}
	if a, err = gorgonia.Neg(a); err != nil {
		return nil, err
	}
	if a, err = gorgonia.Softplus(a); err != nil {
		return nil, err
	}
	return gorgonia.Add(r, a)
}

// builtinELU is z⊙[z > 0] + expm1(z⊙[z ≤ 0]).
func builtinELU(z *gorgonia.Node) (*gorgonia.Node, error) {
	zero := constLike(z, 0)
	pos, err := gorgonia.Gt(z, zero, true)
	if err != nil {
		return nil, err
	}
	neg, err := gorgonia.Lte(z, zero, true)
	if err != nil {
		return nil, err
	}
	if pos, err = gorgonia.HadamardProd(z, pos); err != nil {
		return nil, err
	}
	if neg, err = gorgonia.HadamardProd(z, neg); err != nil {
		return nil, err
	}
	if neg, err = gorgonia.Expm1(neg); err != nil {
		return nil, err
	}
	return gorgonia.Add(pos, neg)
}

// rowShift returns z − m and e^(z − m), m the maximum of each row of z. The
// maximum is differentiated too; its contribution to the gradient of a
// softmax or log-softmax is zero, as they do not change when a row shifts.
func rowShift(z *gorgonia.Node) (zs, e *gorgonia.Node, err error) {
	m, err := gorgonia.Max(z, 1)
	if err != nil {
		return nil, nil, err
	}
	if zs, err = gorgonia.BroadcastSub(z, m, nil, []byte{1}); err != nil {
		return nil, nil, err
	}
	if e, err = gorgonia.Exp(zs); err != nil {
		return nil, nil, err
	}
	return zs, e, nil
}

// builtinSoftmaxRows is the softmax of each row: e^(z − m) · (1/Σ_row e^(z − m)).
// (Gorgonia's SoftMax takes the maximum of the whole array.)
func builtinSoftmaxRows(z *gorgonia.Node) (*gorgonia.Node, error) {
	if z.Shape().Dims() != 2 {
		return nil, fmt.Errorf("softmax of %v: want a matrix", z.Shape())
	}
	_, e, err := rowShift(z)
	if err != nil {
		return nil, err
	}
	s, err := gorgonia.Sum(e, 1)
	if err != nil {
		return nil, err
	}
	if s, err = gorgonia.Inverse(s); err != nil {
		return nil, err
	}
	return gorgonia.BroadcastHadamardProd(e, s, nil, []byte{1})
}

// builtinLoss returns the scaled loss of logits z against targets t and the
// output node y, as ops.Output.Loss defines them.
func builtinLoss(o ops.Output, z, t *gorgonia.Node, s float64) (loss, y *gorgonia.Node, err error) {
	if o.CrossEntropy {
		// ls = z − m − ln Σ e^(z − m), y = e^(z − m)/Σ e^(z − m),
		// L = −s·Σ t⊙ls.
		zs, e, err := rowShift(z)
		if err != nil {
			return nil, nil, err
		}
		sum, err := gorgonia.Sum(e, 1)
		if err != nil {
			return nil, nil, err
		}
		lse, err := gorgonia.Log(sum)
		if err != nil {
			return nil, nil, err
		}
		ls, err := gorgonia.BroadcastSub(zs, lse, nil, []byte{1})
		if err != nil {
			return nil, nil, err
		}
		inv, err := gorgonia.Inverse(sum)
		if err != nil {
			return nil, nil, err
		}
		if y, err = gorgonia.BroadcastHadamardProd(e, inv, nil, []byte{1}); err != nil {
			return nil, nil, err
		}
		tl, err := gorgonia.HadamardProd(t, ls)
		if err != nil {
			return nil, nil, err
		}
		if loss, err = gorgonia.Sum(tl); err != nil {
			return nil, nil, err
		}
		loss, err = gorgonia.Mul(loss, constLike(z, -s))
		return loss, y, err
	}
	// L = (s/2)·Σ (y − t)².
	if y, err = builtinActs[o.Act.Name()].build(z); err != nil {
		return nil, nil, err
	}
	d, err := gorgonia.Sub(y, t)
	if err != nil {
		return nil, nil, err
	}
	if d, err = gorgonia.Square(d); err != nil {
		return nil, nil, err
	}
	if loss, err = gorgonia.Sum(d); err != nil {
		return nil, nil, err
	}
	loss, err = gorgonia.Mul(loss, constLike(z, s/2))
	return loss, y, err
}

// NewBuiltin builds and compiles the network of c from Gorgonia's built-in
// ops (see BuiltinNet), starting from copies of ws. It fails, wrapping
// ErrNoBuiltin, when BuiltinSupports(c) does. The net is not safe for
// concurrent use (see BuiltinNet).
func NewBuiltin[T ops.Float](c mnist.Config, ws [][]T) (*BuiltinNet[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := BuiltinSupports(c); err != nil {
		return nil, err
	}
	if err := mnist.CheckWeights(c, ws); err != nil {
		return nil, err
	}
	m, err := newMachine(c, ws, builtinOps{})
	if err != nil {
		return nil, err
	}
	return &BuiltinNet[T]{m}, nil
}

// builtinOps builds the network from Gorgonia's built-in ops.
type builtinOps struct{}

func (builtinOps) name() string { return mnist.ImplBuiltin }

func (builtinOps) hidden(h, w, theta *gorgonia.Node, act ops.Activation) (*gorgonia.Node, error) {
	if theta != nil {
		return nil, fmt.Errorf("graphnet: builtin: %s has learnable parameters, which the built-in network does not train", act.Name())
	}
	return builtinLayer(h, w, act)
}

func (builtinOps) dropout(h, mask2 *gorgonia.Node) (*gorgonia.Node, error) {
	return gorgonia.HadamardProd(h, mask2)
}

func (builtinOps) product(h, w *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.Mul(h, w) }

func (builtinOps) loss(o ops.Output, logits, t *gorgonia.Node, scale float64) (*gorgonia.Node, *gorgonia.Node, error) {
	return builtinLoss(o, logits, t, scale)
}

// builtinLayer returns act(h·w) with Gorgonia's Mul and act's built-in form.
func builtinLayer(h, w *gorgonia.Node, act ops.Activation) (*gorgonia.Node, error) {
	z, err := gorgonia.Mul(h, w)
	if err != nil {
		return nil, fmt.Errorf("graphnet: builtin: %s·%s: %w", h.Name(), w.Name(), err)
	}
	y, err := builtinActs[act.Name()].build(z)
	if err != nil {
		return nil, fmt.Errorf("graphnet: builtin: %s: %w", act.Name(), err)
	}
	return y, nil
}
