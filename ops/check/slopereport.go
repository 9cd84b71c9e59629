package check

import (
	"fmt"
	"math"
	"strings"

	"outgrad/ops"
)

// SlopePoint is one comparison of an activation's backward with central
// differences of its forward.
type SlopePoint struct {
	// X is the input entry and Y = f(X) its output.
	X, Y float64
	// Row and DY are the input row and the output gradient of a row
	// comparison, and Col is X's index in Row. Row is nil for a single point,
	// whose output gradient is 1.
	Row, DY []float64
	Col     int
	// Analytic is what Backward64 gives at X: the slope for a single point,
	// dx_Col of the row otherwise.
	Analytic float64
	// Numeric is the central difference of Forward64 (for a row, of
	// Σ DY⊙f(Row)) with respect to X, and NumErr its estimated error.
	Numeric, NumErr float64
	// Err is |Analytic − Numeric| / max(1, |Numeric|).
	Err float64
}

// Kink is a point where the activation is not differentiable: the left and
// right one-sided slopes disagree at every step tried (see Slope).
type Kink struct {
	// Source is what the activation's backward reads.
	Source ops.Source
	// X is the input entry, Y = f(X).
	X, Y float64
	// Row is the input row of a row comparison (nil for a single point), and
	// Col is X's index in it.
	Row []float64
	Col int
	// Left and Right are the one-sided slopes (of Σ dy⊙f for a row).
	Left, Right float64
	// Backward is what the backward gives there.
	Backward float64
}

// Float32Point is one comparison of an activation's float32 path with its
// float64 path, on the same (float32-representable) input.
type Float32Point struct {
	// What is "forward" or "backward".
	What string
	// X is the input entry; Row and Col locate it for a row comparison.
	X   float64
	Row []float64
	Col int
	// Want is the float64 path's value and Got the float32 path's.
	Want, Got float64
	// Err is |Got − Want| / max(1, |Want|); NaN on both sides agrees.
	Err float64
}

// SlopeReport is what Slope measured.
type SlopeReport struct {
	// Name is the activation's name.
	Name string
	// Source is what its backward reads: the output, or (FromInput) the
	// input, because the output does not determine the slope.
	Source ops.Source
	// Elementwise reports whether the activation acts on each entry alone (its
	// slope was then also checked point by point, with dy = 1).
	Elementwise bool
	// Lo and Hi bound the interval checked.
	Lo, Hi float64
	// Tol and Tol32 are the tolerances applied.
	Tol, Tol32 float64
	// Points is the number of single points compared, and Entries the number
	// of row entries whose vector-Jacobian product was compared.
	Points, Entries int
	// Worst is the float64 comparison with the largest error.
	Worst SlopePoint
	// Kinks are the points where the activation is not differentiable. They
	// are not failures.
	Kinks []Kink
	// Worst32 is the largest disagreement of the float32 and float64 paths.
	Worst32 Float32Point
}

// OK reports whether every float64 comparison is within Tol and every
// float32 one within Tol32.
func (r SlopeReport) OK() bool { return r.Worst.Err <= r.Tol && r.Worst32.Err <= r.Tol32 }

// String summarises the report: the activation, whether it passed, the worst
// points in float64 and float32, where the slope comes from, and the kinks,
// e.g. "slope tanh: ok: worst error 2.1e-10 ≤ 1e-06 at x=0.53 (y=0.4853):
// slope 0.7644 given, finite difference 0.7644 …".
func (r SlopeReport) String() string {
	var b strings.Builder
	status := "ok"
	if !r.OK() {
		status = "FAILED"
	}
	fmt.Fprintf(&b, "slope %s: %s: ", r.Name, status)
	w := r.Worst
	fmt.Fprintf(&b, "worst error %.3g %s %.3g at %s", w.Err, cmp(w.Err, r.Tol), r.Tol, w.where(r.Elementwise))
	if !(w.Err <= r.Tol) && w.NumErr > r.Tol*math.Max(1, math.Abs(w.Numeric))/2 {
		fmt.Fprintf(&b, " (the finite difference is only good to ±%.1g here)", w.NumErr)
	}
	fmt.Fprintf(&b, " (%d points, %d row entries in [%g, %g])", r.Points, r.Entries, r.Lo, r.Hi)
	w32 := r.Worst32
	fmt.Fprintf(&b, "; float32 %s worst error %.3g %s %.3g at %s: float32 gives %.8g, float64 %.10g",
		w32.What, w32.Err, cmp(w32.Err, r.Tol32), r.Tol32, w32.where(), w32.Got, w32.Want)
	if r.Source == ops.FromInput {
		b.WriteString("; slope from the input (the output does not determine it)")
	} else {
		b.WriteString("; slope from the output")
	}
	for _, k := range r.Kinks {
		fmt.Fprintf(&b, "; %s", k)
	}
	return b.String()
}

// Err returns nil when the report is OK and otherwise an error whose text is
// "check: " and the report, naming the activation and its worst point.
func (r SlopeReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("check: %s", r)
}

// String describes the kink, e.g. "not differentiable at x=0 (slope 0 from
// the left, 1 from the right); the output y=0 does not determine the slope,
// backward gives 0 (the left slope)".
func (k Kink) String() string {
	side := ""
	switch {
	case agree(k.Backward, k.Left, kinkTol):
		side = " (the left slope)"
	case agree(k.Backward, k.Right, kinkTol):
		side = " (the right slope)"
	}
	at := fmt.Sprintf("x=%g", k.X)
	if k.Row != nil {
		at += fmt.Sprintf(" (entry %d of row %s)", k.Col, fmtRow(k.Row))
	}
	what := fmt.Sprintf("the output y=%g does not determine the slope", k.Y)
	if k.Source == ops.FromInput {
		what = fmt.Sprintf("the slope is taken from the input (y=%g)", k.Y)
	}
	return fmt.Sprintf("not differentiable at %s (slope %.6g from the left, %.6g from the right); %s, backward gives %.6g%s",
		at, k.Left, k.Right, what, k.Backward, side)
}

// Slope returns the point's comparison as slopes: f′(X) as the backward
// gives it and the finite difference of f at X. At a single point these
// are Analytic and Numeric. At an entry of a row of an elementwise
// activation, whose vector-Jacobian product is dy_j·f′(x_j), they are
// Analytic and Numeric divided by dy_j. ok is false where the entry is no
// slope: a row of a row-wise activation (softmax), or dy_j = 0.
func (p SlopePoint) Slope(elementwise bool) (given, numeric float64, ok bool) {
	switch {
	case p.Row == nil:
		return p.Analytic, p.Numeric, true
	case elementwise && p.Col < len(p.DY) && p.DY[p.Col] != 0:
		dy := p.DY[p.Col]
		return p.Analytic / dy, p.Numeric / dy, true
	}
	return 0, 0, false
}

// where locates the point and says what was compared there: slopes where
// the point gives them (see Slope), else the vector-Jacobian entries.
func (p SlopePoint) where(elementwise bool) string {
	if p.Row == nil {
		return fmt.Sprintf("x=%g (y=%.10g): slope %.10g given, finite difference %.10g", p.X, p.Y, p.Analytic, p.Numeric)
	}
	if given, numeric, ok := p.Slope(elementwise); ok {
		return fmt.Sprintf("x=%g (y=%.10g; entry %d of row %s, dy %s): slope %.10g given, finite difference %.10g (dx %.10g and %.10g)",
			p.X, p.Y, p.Col, fmtRow(p.Row), fmtRow(p.DY), given, numeric, p.Analytic, p.Numeric)
	}
	return fmt.Sprintf("x=%g (y=%.10g; entry %d of row %s, dy %s): dx %.10g given, finite difference %.10g",
		p.X, p.Y, p.Col, fmtRow(p.Row), fmtRow(p.DY), p.Analytic, p.Numeric)
}

func (p Float32Point) where() string {
	if p.Row == nil {
		return fmt.Sprintf("x=%g", p.X)
	}
	return fmt.Sprintf("x=%g (entry %d of row %s)", p.X, p.Col, fmtRow(p.Row))
}

// cmp is "≤" when err is within tol and ">" otherwise (NaN included).
func cmp(err, tol float64) string {
	if err <= tol {
		return "≤"
	}
	return ">"
}

// fmtRow formats a row compactly.
func fmtRow(row []float64) string {
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = fmt.Sprintf("%.6g", v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
