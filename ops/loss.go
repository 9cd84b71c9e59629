package ops

import (
	"fmt"
	"math"
	"strings"
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
	// Softmax); otherwise the loss is Loss, or squared error when Loss is
	// nil.
	CrossEntropy bool
	// Loss, when not nil, is the loss of the output y against the targets,
	// in place of squared error (not with CrossEntropy): L = s·Σ_rows ℓ(y, t),
	// and the output delta is Act's backward of s·∂ℓ/∂y.
	Loss Loss
}

// Loss is a loss ℓ(y, t) of one row of outputs y against its targets t,
// for outputs of one's own (Output.Loss). Value returns Σ_rows ℓ over the
// rows of length cols, unscaled, accumulated in float64; Grad writes
// ∂ℓ/∂y of every entry into d (which may alias neither y nor t).
//
// Like an activation's slope, Grad is checked against finite differences
// of Value before a run trains with it (package reference's loss check),
// and the network's finite-difference check covers it.
type Loss interface {
	Name() string
	Value(y, t []float64, cols int) float64
	Grad(d, y, t []float64, cols int)
}

// BinaryCrossEntropy is ℓ(y, t) = −Σ_j t_j ln y_j + (1 − t_j) ln(1 − y_j),
// for outputs in (0, 1): ∂ℓ/∂y = (y − t)/(y(1 − y)). With the sigmoid's
// slope y(1 − y) the delta is s·(y − t), computed as the product of the
// two. An output of exactly 0 or 1 (a sigmoid saturated in float64, beyond
// |x| ≈ 37) gives an infinite loss and a NaN delta, which the training
// reports as a divergence.
var BinaryCrossEntropy Loss = binaryCrossEntropy{}

type binaryCrossEntropy struct{}

func (binaryCrossEntropy) Name() string { return "binary cross-entropy" }

func (binaryCrossEntropy) Value(y, t []float64, _ int) float64 {
	mustSame("binary cross-entropy", "", "y", "t", len(y), len(t))
	var sum float64
	for i, v := range y {
		sum -= t[i]*math.Log(v) + (1-t[i])*math.Log1p(-v)
	}
	return sum
}

func (binaryCrossEntropy) Grad(d, y, t []float64, _ int) {
	mustSame("binary cross-entropy", "", "y", "t", len(y), len(t))
	mustHold("binary cross-entropy", "", "d", len(d), len(y))
	for i, v := range y {
		d[i] = (v - t[i]) / (v * (1 - v))
	}
}

// The output configurations of the chapter.
var (
	// SoftmaxCrossEntropy is softmax with the fused, stable cross-entropy loss.
	SoftmaxCrossEntropy = Output{Name: "softmax", Act: Softmax, CrossEntropy: true}
	// SigmoidSquared is sigmoid with squared error.
	SigmoidSquared = Output{Name: "sigmoid", Act: Sigmoid}
	// IdentitySquared is a linear output with squared error.
	IdentitySquared = Output{Name: "identity", Act: Identity}
	// SigmoidBCE is sigmoid with binary cross-entropy (a Loss, not fused):
	// ten independent yes/no outputs.
	SigmoidBCE = Output{Name: "sigmoid-bce", Act: Sigmoid, Loss: BinaryCrossEntropy}
)

// outputs lists the output configurations known by name. It is read, never written.
var outputs = [...]Output{SoftmaxCrossEntropy, SigmoidSquared, IdentitySquared, SigmoidBCE}

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
	act := "<nil>"
	if o.Act != nil {
		act = o.Act.Name()
	}
	switch {
	case o.CrossEntropy:
		return act + " + cross-entropy"
	case o.Loss != nil:
		return act + " + " + o.Loss.Name()
	}
	return act + " + squared error"
}

// Validate reports the first thing wrong with o as an output: no
// activation, an input-derived one (an output reads its slope off y), a
// fused cross-entropy without a softmax, or one with a Loss as well.
func (o Output) Validate() error {
	switch {
	case o.Act == nil:
		return fmt.Errorf("ops: output %q has no activation", o.Name)
	case o.Act.DerivedFrom() != FromOutput:
		return fmt.Errorf("ops: output activation %s is input-derived: an output must read its slope off y", o.Act.Name())
	case o.CrossEntropy && o.Loss != nil:
		return fmt.Errorf("ops: output %q has both the fused cross-entropy and the loss %s", o.Name, o.Loss.Name())
	}
	if _, softmax := o.LogitScale(); o.CrossEntropy && !softmax {
		return fmt.Errorf("ops: output %q pairs cross-entropy with %s: the fused loss needs a softmax", o.Name, o.Act.Name())
	}
	return nil
}

// OutputLoss returns Σ_rows loss of the output y against t for an output
// without the fused cross-entropy: ½Σ(y − t)² (SquaredError), or o.Loss's
// Value, in float64.
func OutputLoss[T Float](o Output, y, t []T, cols int) float64 {
	if o.Loss == nil {
		return SquaredError(y, t)
	}
	mustSame("OutputLoss of ", o.Name, "y", "t", len(y), len(t))
	if y64, ok := any(y).([]float64); ok {
		return o.Loss.Value(y64, any(t).([]float64), cols)
	}
	return o.Loss.Value(widen(y), widen(t), cols)
}

// widen returns v as float64s.
func widen[T Float](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// LogitScale returns k when o is a cross-entropy of a softmax of base e^k
// (1 for SoftmaxCrossEntropy): its loss works on k·logits.
func (o Output) LogitScale() (float64, bool) {
	if !o.CrossEntropy {
		return 0, false
	}
	return logitScale(o.Act)
}

// Delta writes into d the gradient of the loss with respect to the logits,
// given the output y = o.Act(logits), the targets t and the scale s: (y − t)·s
// for cross-entropy, Act's backward of (y − t)·s for squared error, Act's
// backward of s·∂ℓ/∂y for an Output with a Loss.
func Delta[T Float](o Output, d, y, t []T, cols int, s float64) {
	mustActivation("Delta of output ", o.Name, o.Act)
	if k, ok := logitScale(o.Act); ok && o.CrossEntropy {
		s *= k // softmax of base e^k: ∂L/∂x = k·s·(y − t)
	}
	if o.Loss != nil && !o.CrossEntropy {
		LossGrad(o.Loss, d, y, t, cols, s)
	} else {
		ScaledDiff(d, y, t, s)
	}
	if !o.CrossEntropy {
		Backward(o.Act, d, d, nil, y, cols)
	}
}

// LossGrad writes d = s·∂ℓ/∂y of l, computed in float64 and rounded once.
// d must alias neither y nor t (Loss.Grad's rule).
func LossGrad[T Float](l Loss, d, y, t []T, cols int, s float64) {
	mustSame("LossGrad", "", "y", "t", len(y), len(t))
	mustHold("LossGrad", "", "d", len(d), len(y))
	d = d[:len(y)]
	if d64, ok := any(d).([]float64); ok {
		l.Grad(d64, any(y).([]float64), any(t).([]float64), cols)
		for i := range d64 {
			d64[i] *= s
		}
		return
	}
	g := make([]float64, len(y))
	l.Grad(g, widen(y), widen(t), cols)
	for i, v := range g {
		d[i] = T(v * s)
	}
}

// ScaledDiff writes d = (y − t)·s, the product rounded once to T.
func ScaledDiff[T Float](d, y, t []T, s float64) {
	mustSame("ScaledDiff", "", "y", "t", len(y), len(t))
	mustHold("ScaledDiff", "", "d", len(d), len(y))
	d, t = d[:len(y)], t[:len(y)]
	for i, v := range y {
		d[i] = T(float64(v-t[i]) * s)
	}
}

// SquaredError returns ½ Σ (y − t)², accumulated in float64.
func SquaredError[T Float](y, t []T) float64 {
	mustSame("SquaredError", "", "y", "t", len(y), len(t))
	t = t[:len(y)]
	var sum float64
	for i, v := range y {
		d := float64(v - t[i])
		sum += d * d
	}
	return sum / 2
}

// CrossEntropy returns Σ_rows −Σ_j t_j ln softmax(k·x)_j over the rows of
// length cols of the logits x and targets t, accumulated in float64 with a
// stable log-softmax: ln softmax(k·x)_j = k·x_j − (m + ln Σ e^(k·x − m)), m the
// row's maximum of k·x.
//
// Every target row must be a distribution (sum 1 within 1e-6·cols, as one-hot
// rows are): the fused gradient (softmax(k·x) − t)·k is the gradient only
// then, so another row is an error rather than a silently wrong gradient.
// x and t must be the same whole number of rows and k finite and nonzero:
// anything else is an error.
func CrossEntropy[T Float](x, t []T, cols int, k float64) (float64, error) {
	return crossEntropy(x, nil, t, cols, k)
}

// CrossEntropyGiven is CrossEntropy with y = softmax(k·x) given, as the
// softmax computed it (the output that a fused cross-entropy reads for its
// gradient anyway): each row's ln Σ e^(k·x) is then k·x_j − ln y_j at the
// row's largest y_j, which is at least 1/cols and so never underflows: one
// logarithm a row instead of cols exponentials and one. It differs from
// CrossEntropy by the rounding of that y_j: about one unit in the last place
// of y's type, relative, in each row's ln Σ e^(k·x), which is as close as
// CrossEntropy's own sum of exponentials comes in float64. y must hold as
// many values as x.
func CrossEntropyGiven[T Float](x, y, t []T, cols int, k float64) (float64, error) {
	if len(y) != len(x) {
		return 0, fmt.Errorf("ops: cross-entropy: %d logits and %d outputs, want as many", len(x), len(y))
	}
	return crossEntropy(x, y, t, cols, k)
}

// LogSumExp returns ln Σ_j e^(k·x_j) over the row x, in float64, stably:
// m + ln Σ_j e^(k·x_j − m), m the row's largest k·x_j (NaN when a value is
// NaN).
func LogSumExp[T Float](x []T, k float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, k*float64(v))
	}
	var z float64
	for _, v := range x {
		z += math.Exp(k*float64(v) - m)
	}
	return m + math.Log(z)
}

// crossEntropy is CrossEntropy, reading each row's ln Σ e^(k·x) off y when
// y is not nil (CrossEntropyGiven).
func crossEntropy[T Float](x, y, t []T, cols int, k float64) (float64, error) {
	switch {
	case cols <= 0:
		return 0, fmt.Errorf("ops: cross-entropy: row length %d", cols)
	case len(x) != len(t) || len(x)%cols != 0:
		return 0, fmt.Errorf("ops: cross-entropy: %d logits and %d targets, want the same whole number of rows of %d", len(x), len(t), cols)
	case k == 0 || math.IsNaN(k) || math.IsInf(k, 0):
		return 0, fmt.Errorf("ops: cross-entropy: logit scale %v, want a finite nonzero number", k)
	}
	var sum float64
	for r := 0; r+cols <= len(x); r += cols {
		xr, tr := x[r:r+cols], t[r:r+cols]
		var ts float64
		for _, v := range tr {
			ts += float64(v)
		}
		if math.Abs(ts-1) > 1e-6*float64(cols) {
			return 0, fmt.Errorf("ops: cross-entropy: target row %d sums to %v, want 1 (a distribution)", r/cols, ts)
		}
		var lz float64 // ln Σ e^(k·x), stable
		if y != nil {
			yr := y[r : r+cols]
			j := 0 // a NaN logit makes the whole row NaN: then lz is NaN
			for i, v := range yr {
				if v > yr[j] {
					j = i
				}
			}
			lz = k*float64(xr[j]) - math.Log(float64(yr[j]))
		} else {
			lz = LogSumExp(xr, k)
		}
		for j, v := range xr {
			if tr[j] != 0 {
				sum -= float64(tr[j]) * (k*float64(v) - lz)
			}
		}
	}
	return sum, nil
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
