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
// for cross-entropy, Act's backward of (y − t)·s for squared error.
func Delta[T Float](o Output, d, y, t []T, cols int, s float64) {
	mustActivation("Delta of output ", o.Name, o.Act)
	if k, ok := logitScale(o.Act); ok && o.CrossEntropy {
		s *= k // softmax of base e^k: ∂L/∂x = k·s·(y − t)
	}
	ScaledDiff(d, y, t, s)
	if !o.CrossEntropy {
		Backward(o.Act, d, d, nil, y, cols)
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
		m := math.Inf(-1)
		for _, v := range xr {
			m = math.Max(m, k*float64(v))
		}
		var z float64
		for _, v := range xr {
			z += math.Exp(k*float64(v) - m)
		}
		lz := m + math.Log(z) // ln Σ e^x, stable
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
