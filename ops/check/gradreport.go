package check

import (
	"fmt"
	"math"
	"strings"
)

// GradientPoint is one comparison of a graph gradient element with central
// differences of the cost.
type GradientPoint struct {
	// Input is the index of the input, Index the element's coordinates in it
	// and X the element's value.
	Input int
	Index []int
	X     float64
	// Analytic is the gradient that gorgonia.Grad computed.
	Analytic float64
	// Numeric is the central difference of the cost, NumErr its estimated
	// error.
	Numeric, NumErr float64
	// Err is |Analytic − Numeric| / max(1, |Numeric|).
	Err float64
}

// GradientKink is an input element at which the cost is not differentiable:
// its one-sided slopes disagree at every step.
type GradientKink struct {
	// Input, Index and X locate the element as in GradientPoint.
	Input int
	Index []int
	X     float64
	// Left and Right are the one-sided slopes of the cost.
	Left, Right float64
	// Analytic is the gradient that gorgonia.Grad computed.
	Analytic float64
}

// GradientReport is what GraphGradient measured.
type GradientReport struct {
	// Tol is the tolerance applied.
	Tol float64
	// Cost is the cost at the given inputs.
	Cost float64
	// Elements is the number of input elements compared.
	Elements int
	// Worst is the comparison with the largest error.
	Worst GradientPoint
	// Kinks are the elements where the cost is not differentiable; they are
	// not failures.
	Kinks []GradientKink
}

// OK reports whether every compared element is within Tol.
func (r GradientReport) OK() bool { return r.Worst.Err <= r.Tol }

// String summarises the report: whether it passed, the worst element and the
// kinks.
func (r GradientReport) String() string {
	var b strings.Builder
	status, rel := "ok", "≤"
	if !r.OK() {
		status, rel = "FAILED", ">"
	}
	w := r.Worst
	fmt.Fprintf(&b, "graph gradient: %s: worst error %.3g %s %.3g at input %d element %v (x=%g): gradient %.10g, central difference %.10g",
		status, w.Err, rel, r.Tol, w.Input, w.Index, w.X, w.Analytic, w.Numeric)
	if !r.OK() && w.NumErr > r.Tol*math.Max(1, math.Abs(w.Numeric))/2 {
		fmt.Fprintf(&b, " (the central difference is only good to ±%.1g here: is the cost large?)", w.NumErr)
	}
	fmt.Fprintf(&b, " (%d elements, cost %.10g)", r.Elements, r.Cost)
	for _, k := range r.Kinks {
		fmt.Fprintf(&b, "; not differentiable at input %d element %v (x=%g): slope %.6g from the left, %.6g from the right, gradient %.6g",
			k.Input, k.Index, k.X, k.Left, k.Right, k.Analytic)
	}
	return b.String()
}

// Err returns nil when the report is OK and otherwise an error whose text is
// "check: " and the report.
func (r GradientReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("check: %s", r)
}
