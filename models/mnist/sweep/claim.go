package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// The verdicts of a Claim.
const (
	Supported = "supported"
	// NotShown: the numbers do not show the claim at the significance level
	// (including when the other side is better, or one seed cannot tell).
	NotShown  = "not shown"
	NotTested = "not tested"
)

// ClaimLevel is the significance level of the claims: a claim "A beats B" is
// supported when a one-sided Welch's t-test on the final test accuracies over
// the seeds rejects "A's mean ≤ B's mean" at this level.
const ClaimLevel = 0.05

// Claim is one claim judged against a sweep's numbers: cell A (the one
// claimed better) against cell B, two cells that differ in one axis only,
// by final test accuracy over the seeds.
type Claim struct {
	Claim string `json:"claim"`
	// Where names the values the two cells share on the other axes the
	// sweep varies ("softmax output, alpha=2"); empty when it varies no
	// other axis.
	Where   string `json:"where,omitempty"`
	Verdict string `json:"verdict"` // Supported, NotShown or NotTested
	// A and B name the two cells compared ("tanh hidden/softmax output",
	// then any other axis the sweep varies); empty when not tested.
	A     string  `json:"a,omitempty"`
	B     string  `json:"b,omitempty"`
	AccA  float64 `json:"acc_a"` // mean final test accuracy
	AccB  float64 `json:"acc_b"`
	StdA  float64 `json:"std_a"`
	StdB  float64 `json:"std_b"`
	NA    int     `json:"n_a"`
	NB    int     `json:"n_b"`
	T     float64 `json:"t"`
	DF    float64 `json:"df"`
	P     float64 `json:"p"` // one-sided; 1 when it cannot be computed
	Level float64 `json:"level"`
	// Detail gives the numbers, or why the claim was not tested.
	Detail string `json:"detail"`
}

// String is the claim on one line: `"tanh beats sigmoid …": supported (…)`,
// with "[where]" after the claim when the sweep varies other axes.
func (c Claim) String() string {
	if c.Where != "" {
		return fmt.Sprintf("%q [%s]: %s (%s)", c.Claim, c.Where, c.Verdict, c.Detail)
	}
	return fmt.Sprintf("%q: %s (%s)", c.Claim, c.Verdict, c.Detail)
}

// ClaimSpec is a claim "A's final test accuracy is greater than B's" on one
// axis: A and B are two values of Axis, as Value writes them.
type ClaimSpec struct {
	Text string `json:"text"` // as given, e.g. "alpha=2>alpha=0.5"
	Axis string `json:"axis"`
	A    string `json:"a"`
	B    string `json:"b"`
}

// ParseClaim reads a claim "A>B" against the axes of a sweep (AxesOf). A
// side is a value ("selu", "adam") or "axis=value" ("alpha=2",
// "hidden=128,64", "output=sigmoid"); a side without an axis takes the
// other side's, else the one axis holding both values. A value is read as
// its axis reads it: "alpha=2.0" is "alpha=2", "hidden=128, 64" is
// "hidden=128,64". Refused, with one line: no '>' or more than one, an
// unknown axis, a value not in the sweep, the same value on both sides, two
// different axes, and two bare values that are both values of two axes
// ("sigmoid>softmax": hidden activations and outputs both; write
// "output=sigmoid>softmax").
func ParseClaim(s string, axes []Axis) (ClaimSpec, error) {
	spec := ClaimSpec{Text: s}
	left, right, ok := strings.Cut(s, ">")
	if !ok || strings.Contains(right, ">") {
		return spec, fmt.Errorf("sweep: claim %q: want A>B (A's final test accuracy greater than B's), e.g. tanh>sigmoid or alpha=2>alpha=0.5", s)
	}
	type side struct{ axis, value string }
	read := func(t string) (side, error) {
		t = strings.TrimSpace(t)
		name, v, ok := strings.Cut(t, "=")
		if !ok {
			if t == "" {
				return side{}, fmt.Errorf("sweep: claim %q: a side is empty", s)
			}
			return side{value: t}, nil
		}
		name = strings.TrimSpace(name)
		if findAxis(axes, name) == nil {
			return side{}, fmt.Errorf("sweep: claim %q: unknown axis %q (want %s)", s, name, strings.Join(AxisNames(), ", "))
		}
		return side{axis: name, value: strings.TrimSpace(v)}, nil
	}
	a, err := read(left)
	if err != nil {
		return spec, err
	}
	b, err := read(right)
	if err != nil {
		return spec, err
	}
	if a.axis != "" && b.axis != "" && a.axis != b.axis {
		return spec, fmt.Errorf("sweep: claim %q: compares %s with %s; a claim compares two values of one axis", s, a.axis, b.axis)
	}
	named := a.axis
	if named == "" {
		named = b.axis
	}
	// The axes that hold both values.
	var fits []Axis
	var va, vb string
	for _, ax := range axes {
		if named != "" && ax.Name != named {
			continue
		}
		ca, errA := canon(ax.Name, a.value)
		cb, errB := canon(ax.Name, b.value)
		if errA == nil && errB == nil && has(ax.Values, ca) && has(ax.Values, cb) {
			if ca == cb {
				return spec, fmt.Errorf("sweep: claim %q: compares %s=%s with itself", s, ax.Name, ca)
			}
			fits = append(fits, ax)
			va, vb = ca, cb
		}
	}
	switch {
	case len(fits) > 1:
		return spec, fmt.Errorf("sweep: claim %q: %s and %s are values of %s and of %s: write %s=%s>%s or %s=%s>%s",
			s, a.value, b.value, fits[0].Name, fits[1].Name, fits[0].Name, a.value, b.value, fits[1].Name, a.value, b.value)
	case len(fits) == 0:
		for _, v := range []side{a, b} {
			if !inSweep(axes, named, v.value) {
				where := "any axis of the sweep"
				if named != "" {
					where = named + " (" + strings.Join(findAxis(axes, named).Values, " ") + ")"
				}
				return spec, fmt.Errorf("sweep: claim %q: %s is not a value of %s", s, v.value, where)
			}
		}
		return spec, fmt.Errorf("sweep: claim %q: %s and %s are not values of one axis", s, a.value, b.value)
	}
	spec.Axis, spec.A, spec.B = fits[0].Name, va, vb
	return spec, nil
}

// canon writes v as Value writes a value of axis, or fails when v cannot be
// one.
func canon(axis, v string) (string, error) {
	switch axis {
	case AxisAlpha:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%q is not a number", v)
		}
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case AxisHidden:
		var h []int
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return "", fmt.Errorf("%q is not a list of sizes", v)
			}
			h = append(h, n)
		}
		return sizes(h), nil
	case AxisHiddenAct:
		names := strings.Split(v, "+")
		same := true
		for i := range names {
			names[i] = strings.TrimSpace(names[i])
			same = same && names[i] == names[0]
		}
		if same {
			names = names[:1]
		}
		return strings.Join(names, "+"), nil
	}
	return v, nil
}

func findAxis(axes []Axis, name string) *Axis {
	for i := range axes {
		if axes[i].Name == name {
			return &axes[i]
		}
	}
	return nil
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// inSweep reports whether v is a value of axis (of any axis when axis is "").
func inSweep(axes []Axis, axis, v string) bool {
	for _, ax := range axes {
		if axis != "" && ax.Name != axis {
			continue
		}
		if c, err := canon(ax.Name, v); err == nil && has(ax.Values, c) {
			return true
		}
	}
	return false
}

// Claims returns the chapter's claims judged against the cells:
//
//	(a) "tanh beats sigmoid in the hidden layer": tanh vs sigmoid hidden,
//	    both with the softmax output;
//	(b) "softmax beats sigmoid at the output": softmax vs sigmoid output,
//	    both with the tanh hidden layer (or, without tanh, the first hidden
//	    activation of the sweep).
//
// Each is judged as Judge judges a claim: once for every pair of cells that
// differ in that axis only (one pair when the sweep varies nothing else).
func (r *SweepReport) Claims() []Claim {
	if r == nil {
		r = new(SweepReport) // no cells: every claim untested
	}
	hidden := "tanh"
	if !r.hasValue(AxisHiddenAct, hidden) && len(r.Cells) > 0 {
		hidden = r.Cells[0].Values[AxisHiddenAct]
	}
	var out []Claim
	out = append(out, r.judge(ClaimSpec{Text: "tanh beats sigmoid in the hidden layer", Axis: AxisHiddenAct, A: "tanh", B: "sigmoid"},
		map[string]string{AxisOutput: "softmax"})...)
	out = append(out, r.judge(ClaimSpec{Text: "softmax beats sigmoid at the output", Axis: AxisOutput, A: "softmax", B: "sigmoid"},
		map[string]string{AxisHiddenAct: hidden})...)
	return out
}

func (r *SweepReport) hasValue(axis, v string) bool {
	for _, c := range r.Cells {
		if c.Values[axis] == v {
			return true
		}
	}
	return false
}

// Judge returns the verdicts of spec: one Claim for every cell of A's value
// that has a partner of B's value differing in spec.Axis only, in the order
// of the cells. Several pairs (the sweep varies other axes too) give several
// verdicts, each naming its other values in Where: a claim can hold at one
// α and not at another, and one pooled test would hide that. A claim with
// no such pair is one Claim, not tested, saying which cell is missing.
//
// A pair's claim is supported when a one-sided Welch's t-test of A's final
// test accuracies against B's (runs that diverged left out) gives p <
// ClaimLevel, or every run of B diverged and A has at least two that did
// not; not shown otherwise (one seed per cell, or no spread on either side,
// never shows a claim: there is nothing to test against); not tested when
// either cell failed its checks or every run of both diverged.
func (r *SweepReport) Judge(spec ClaimSpec) []Claim {
	if r == nil {
		r = new(SweepReport)
	}
	return r.judge(spec, nil)
}

// judge is Judge over the cells whose values match where.
func (r *SweepReport) judge(spec ClaimSpec, where map[string]string) []Claim {
	show := varied(r.Cells)
	matches := func(c SweepCell) bool {
		for k, v := range where {
			if c.Values[k] != v {
				return false
			}
		}
		return true
	}
	var out []Claim
	var seenA, seenB bool
	for _, a := range r.Cells {
		if !matches(a) || a.Values[spec.Axis] != spec.A {
			continue
		}
		seenA = true
		for _, b := range r.Cells {
			if !matches(b) || b.Values[spec.Axis] != spec.B {
				continue
			}
			seenB = true
			if !sameBut(a.Values, b.Values, spec.Axis) {
				continue
			}
			var shared []string
			for _, ax := range show {
				if _, fixed := where[ax]; ax != spec.Axis && !fixed {
					shared = append(shared, describeValue(ax, a.Values[ax]))
				}
			}
			c := judgeCells(spec.Text, a, b, describe(a.Values, show, "/"), describe(b.Values, show, "/"))
			c.Where = strings.Join(shared, ", ")
			out = append(out, c)
		}
	}
	if len(out) > 0 {
		return out
	}
	// Name the missing cells by the claim's values and those of where.
	c := Claim{Claim: spec.Text, Verdict: NotTested, Level: ClaimLevel, P: 1}
	name := func(v string) string {
		vals := map[string]string{AxisHiddenAct: "any", AxisOutput: "any"}
		for k, x := range where {
			vals[k] = x
		}
		vals[spec.Axis] = v
		return describe(vals, []string{spec.Axis}, "/")
	}
	var missing []string
	if !seenA {
		missing = append(missing, name(spec.A))
	}
	if !seenB {
		missing = append(missing, name(spec.B))
	}
	if len(missing) > 0 {
		c.Detail = "the sweep has no " + strings.Join(missing, " and no ") + " run"
	} else {
		c.Detail = fmt.Sprintf("no cells of %s and of %s differ in %s only", name(spec.A), name(spec.B), spec.Axis)
	}
	return []Claim{c}
}

// describeValue writes one axis value as a cell's name does.
func describeValue(axis, v string) string {
	switch axis {
	case AxisHiddenAct:
		return v + " hidden"
	case AxisOutput:
		return v + " output"
	}
	return axis + "=" + v
}

// sameBut reports whether a and b agree on every axis but skip.
func sameBut(a, b map[string]string, skip string) bool {
	for _, ax := range AxisNames() {
		if ax != skip && a[ax] != b[ax] {
			return false
		}
	}
	return true
}

// judgeCells compares cell a (claimed better) with cell b.
func judgeCells(claim string, a, b SweepCell, nameA, nameB string) Claim {
	c := Claim{Claim: claim, Verdict: NotTested, Level: ClaimLevel, P: 1}
	switch {
	case a.Failed || b.Failed:
		var failed []string
		if a.Failed {
			failed = append(failed, nameA)
		}
		if b.Failed {
			failed = append(failed, nameB)
		}
		c.Detail = strings.Join(failed, " and ") + " failed the checks and was not trained"
		return c
	case a.N == 0 && b.N == 0:
		c.Detail = fmt.Sprintf("every run of %s and of %s diverged", nameA, nameB)
		return c
	}
	c.A, c.B = nameA, nameB
	c.AccA, c.AccB, c.StdA, c.StdB, c.NA, c.NB = a.Mean, b.Mean, a.Std, b.Std, a.N, b.N
	show := func(name string, cell SweepCell) string {
		if cell.N == 0 {
			return name + " diverged"
		}
		return fmt.Sprintf("%s %.4f ± %.4f (n=%d)", name, cell.Mean, cell.Std, cell.N)
	}
	c.Detail = show(nameA, a) + " vs " + show(nameB, b)
	switch {
	case a.N >= 2 && b.N == 0:
		c.Verdict, c.P = Supported, 0
		c.Detail += "; every run of the second diverged"
	case a.N < 2 || b.N < 2:
		c.Verdict = NotShown
		c.Detail += "; one run per side has no spread to test (use several seeds)"
	case a.Std == 0 && b.Std == 0:
		c.Verdict = NotShown
		c.Detail += "; no spread on either side to test"
	default:
		c.T, c.DF, c.P = welch(a, b)
		c.Verdict = NotShown
		if c.P < ClaimLevel {
			c.Verdict = Supported
		}
		c.Detail += fmt.Sprintf("; Welch's t = %.3g, df = %.3g, one-sided p = %.3g (supported below %g)", c.T, c.DF, c.P, ClaimLevel)
	}
	return c
}

// welch returns Welch's t statistic of a's mean over b's, its degrees of
// freedom (Welch–Satterthwaite) and the one-sided p-value P(T ≥ t) under
// "the means are equal". With no spread on either side the test is not
// defined: t and df are NaN and p is 1 (nothing shown).
func welch(a, b SweepCell) (t, df, p float64) {
	va, vb := a.Std*a.Std/float64(a.N), b.Std*b.Std/float64(b.N)
	diff := a.Mean - b.Mean
	if va+vb == 0 {
		return math.NaN(), math.NaN(), 1
	}
	t = diff / math.Sqrt(va+vb)
	df = (va + vb) * (va + vb) / (va*va/float64(a.N-1) + vb*vb/float64(b.N-1))
	p = 1 - distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(t)
	return t, df, p
}
