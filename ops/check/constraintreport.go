package check

import (
	"fmt"
	"math"
	"strings"

	"outgrad/ops"
)

// ConstraintReport says how an elementwise activation meets the four
// constraints that Grokking Deep Learning, chapter 9, puts on an activation:
//
//  1. continuous and infinite in domain: defined and finite for every real input
//     (sampled over [−1e3, 1e3] and at magnitudes up to the largest float64);
//  2. monotonic: never changes direction. This is what lets a slope be read off
//     the output at all: where two inputs give one output with different
//     slopes, the output-derived slope is ill-defined (Ambiguous);
//  3. nonlinear: not a straight line;
//  4. efficiently computable: nanoseconds per element, beside tanh's.
//
// An input-derived activation (ops.FromInput, such as swish) may turn: its
// backward reads x, so two inputs with one output and different slopes are
// why it needs x, not a fault. Its report says so and OK does not count it.
type ConstraintReport struct {
	// Name is the activation's name, Source what its backward reads.
	Name   string
	Source ops.Source
	// NonFinite lists sampled inputs whose output is NaN or ±Inf (at most 8).
	NonFinite []float64
	// Monotonic is false when the output rises and falls; Turn is an input
	// near where the direction changes.
	Monotonic bool
	Turn      float64
	// Ambiguous, when not nil, shows two inputs with the same output but
	// different slopes: no function of the output can give both.
	Ambiguous *AmbiguousSlope
	// Linear is true when the output is a straight line of the input over
	// [−3, 3] (largest residual of the least-squares line below 1e-9 of the
	// output's range).
	Linear bool
	// NsPerElement and TanhNsPerElement are the measured forward costs.
	NsPerElement, TanhNsPerElement float64
}

// AmbiguousSlope is a pair of inputs X1 ≠ X2 with f(X1) = f(X2) = Y whose
// derivatives Slope1 and Slope2 (central differences) differ.
type AmbiguousSlope struct {
	X1, X2, Y      float64
	Slope1, Slope2 float64
}

// OK reports whether the constraints hold (cost is reported, not judged).
// Monotonicity and a slope determined by the output are required of an
// output-derived activation only: an input-derived one reads its slope off x.
func (r ConstraintReport) OK() bool {
	shape := r.Source == ops.FromInput || r.Monotonic && r.Ambiguous == nil
	return len(r.NonFinite) == 0 && shape && !r.Linear
}

// String reports each constraint on its own line.
func (r ConstraintReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", r.Name)
	if len(r.NonFinite) == 0 {
		fmt.Fprintf(&b, "  defined everywhere: yes (finite at every sampled input, up to ±%g)\n", math.MaxFloat64)
	} else {
		fmt.Fprintf(&b, "  defined everywhere: NO: not finite at x = %v\n", r.NonFinite)
	}
	input := r.Source == ops.FromInput
	switch {
	case r.Monotonic:
		fmt.Fprintf(&b, "  monotonic: yes\n")
	case input:
		fmt.Fprintf(&b, "  monotonic: no: changes direction near x = %.6g (its slope is taken from the input)\n", r.Turn)
	default:
		fmt.Fprintf(&b, "  monotonic: NO: changes direction near x = %.6g\n", r.Turn)
	}
	switch a := r.Ambiguous; {
	case a == nil:
		fmt.Fprintf(&b, "  slope from output: well-defined at every sampled output\n")
	case input:
		fmt.Fprintf(&b, "  slope from output: not determined: x = %.6g and x = %.6g both give y = %.6g, with slopes %.6g and %.6g; this is why its backward reads the input x\n",
			a.X1, a.X2, a.Y, a.Slope1, a.Slope2)
	default:
		fmt.Fprintf(&b, "  slope from output: ILL-DEFINED: x = %.6g and x = %.6g both give y = %.6g, with slopes %.6g and %.6g\n",
			a.X1, a.X2, a.Y, a.Slope1, a.Slope2)
	}
	if r.Linear {
		fmt.Fprintf(&b, "  nonlinear: NO: a straight line (layers of it collapse into one)\n")
	} else {
		fmt.Fprintf(&b, "  nonlinear: yes\n")
	}
	fmt.Fprintf(&b, "  cost: %.3g ns per element (tanh: %.3g)", r.NsPerElement, r.TanhNsPerElement)
	return b.String()
}
