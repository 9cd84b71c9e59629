package reference

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"outgrad/models/mnist"
	"outgrad/ops"
	"outgrad/ops/blas"
	"outgrad/ops/check"
)

// The tolerances of the independent references. Each is far above what the
// reference measures on correct code (see the README's verification section)
// and far below the errors it exists to catch: a slope off by a relative 1e-4,
// a loss scaled by 1.001.
const (
	// FDTol64 bounds the network finite-difference check in float64: the
	// error of the directional derivative, relative to Σ|g_i·Δ_i|. Correct
	// code measures about 1e-9.
	FDTol64 = 1e-6
	// FDTol32 is FDTol64 for float32 gradients, which are checked against
	// central differences of the float64 loss at the same weights: their own
	// rounding (about 1e-6) is then what is measured.
	FDTol32 = 1e-4
	// BuiltinTol64 bounds ‖Δ‖∞/‖g‖∞ between a network and the one built from
	// Gorgonia's own ops, in float64 (other operation order: about 1e-15).
	BuiltinTol64 = 1e-9
	// BuiltinTol32 is BuiltinTol64 in float32.
	BuiltinTol32 = 1e-4
)

// SlopeCheck is one check of an activation's slope against central
// differences of its forward (check.Slope).
type SlopeCheck struct {
	Activation string  `json:"activation"`
	Layer      string  `json:"layer"` // "hidden 1", …, "output"
	Range      string  `json:"range"` // "grid" or "run" (the pre-activations the run produced)
	Lo         float64 `json:"lo"`
	Hi         float64 `json:"hi"`
	DerivedOf  string  `json:"derived_from"` // "output" or "input"
	WorstErr   float64 `json:"worst_err"`
	Tol        float64 `json:"tol"`
	WorstX     float64 `json:"worst_x"`
	WorstY     float64 `json:"worst_y"`
	// Given and FiniteDiff are the slope f′ at WorstX as the backward
	// gives it and as central differences of the forward give it. Where
	// the worst point is an entry of a vector-Jacobian product of a
	// row-wise activation (softmax), which has no slope of its own, VJP
	// holds that row and its output gradient, and Given and FiniteDiff are
	// the product's entry.
	Given      float64    `json:"slope_given"`
	FiniteDiff float64    `json:"finite_difference"`
	VJP        *VJPDetail `json:"vjp,omitempty"`
	// Kinks are the points where the slope jumps (relu at 0), which the
	// output cannot tell apart: shown, not judged.
	Kinks []KinkPoint `json:"kinks,omitempty"`
	// Err32 and Tol32 compare the float32 path with the float64 one; they
	// are judged only in a float32 run.
	Err32  float64 `json:"float32_err"`
	Tol32  float64 `json:"float32_tol"`
	Judged string  `json:"judged"` // "float64" or "float64 and float32"
	OK     bool    `json:"ok"`
	Report string  `json:"report"`
}

// VJPDetail locates an entry of a vector-Jacobian product dyᵀJ: the input
// row, the output gradient and the entry's index.
type VJPDetail struct {
	Row []float64 `json:"row"`
	DY  []float64 `json:"dy"`
	Col int       `json:"col"`
}

// KinkPoint is a point where the activation is not differentiable: its
// one-sided slopes, and what the backward gives there.
type KinkPoint struct {
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Left     float64 `json:"left"`
	Right    float64 `json:"right"`
	Backward float64 `json:"backward"`
}

// FDCheck is the network gradient of one implementation against central
// differences of its loss along random directions.
type FDCheck struct {
	Impl   string `json:"impl"`
	Checks int    `json:"checks"` // check points (first step, then one per evaluation)
	// Directions is how many directional derivatives were compared.
	Directions  int     `json:"directions"`
	WorstRelErr float64 `json:"worst_rel_err"`
	Tol         float64 `json:"tol"`
	At          FDWhere `json:"at"`
	Given       float64 `json:"gradient_dot_direction"`
	FiniteDiff  float64 `json:"finite_difference"`
	// Reference names the forward the differences were taken of.
	Reference string `json:"reference"`
	Skipped   string `json:"skipped,omitempty"`
	// Ran is false when the check was skipped or compared nothing; OK is
	// true only for a check that ran and passed.
	Ran bool `json:"ran"`
	OK  bool `json:"ok"`
}

// FDWhere names one directional derivative: the step whose batch and masks
// were used, the matrix, and the direction ("aligned": g⊙(1+u), "random": u).
type FDWhere struct {
	Iteration int    `json:"iteration"`
	Step      int    `json:"step"`
	Matrix    string `json:"matrix"`
	Direction string `json:"direction"`
}

// BuiltinCheck compares the gradients with the network built from Gorgonia's
// built-in ops, which derive from inputs with Gorgonia's own differentiation.
type BuiltinCheck struct {
	Available    bool    `json:"available"`
	Reason       string  `json:"reason,omitempty"`
	Checks       int     `json:"checks"`
	WorstRelDiff float64 `json:"worst_rel_diff"`
	Tol          float64 `json:"tol"`
	At           Where   `json:"at"`
	Impl         string  `json:"impl"` // the implementation at the worst point
	// Ran is false when no implementation's gradient was compared with it;
	// OK is true only for a check that ran and passed.
	Ran bool `json:"ran"`
	OK  bool `json:"ok"`
}

// Checks is every independent reference that ran, and its verdict.
type Checks struct {
	Slopes []SlopeCheck `json:"slopes"`
	// Loss is the check of the output's own loss, when it has one.
	Loss          *LossCheck   `json:"loss,omitempty"`
	NetworkFD     []FDCheck    `json:"network_fd"`
	Builtin       BuiltinCheck `json:"builtin"`
	PerEvaluation bool         `json:"per_evaluation"`
	Seconds       float64      `json:"seconds"`
	OK            bool         `json:"ok"`
	// Failures lists one line per failed check, naming it and its worst point.
	Failures []string `json:"failures,omitempty"`
}

// slopeCheck runs check.Slope on [lo, hi] (the default grid when both are
// 0) and describes the outcome.
func slopeCheck(act ops.Activation, layer, rng string, lo, hi float64, f32 bool) SlopeCheck {
	sc := SlopeCheck{Activation: act.Name(), Layer: layer, Range: rng, Lo: lo, Hi: hi, DerivedOf: act.DerivedFrom().String()}
	opts := check.SlopeOptions{Lo: lo, Hi: hi}
	if lo == hi && lo != 0 {
		// One value only: check a small interval around it.
		opts.Lo, opts.Hi = lo-1e-3, hi+1e-3
	}
	rep, err := check.Slope(act, opts)
	if err != nil && rep.Name == "" {
		sc.Report = err.Error()
		return sc
	}
	sc.Lo, sc.Hi = rep.Worst.X, rep.Worst.X
	if opts.Lo != 0 || opts.Hi != 0 {
		sc.Lo, sc.Hi = opts.Lo, opts.Hi
	} else {
		sc.Lo, sc.Hi = -6, 6
	}
	sc.WorstErr, sc.Tol = rep.Worst.Err, rep.Tol
	sc.WorstX, sc.WorstY = rep.Worst.X, rep.Worst.Y
	if given, numeric, ok := rep.Worst.Slope(rep.Elementwise); ok {
		sc.Given, sc.FiniteDiff = given, numeric
	} else {
		sc.Given, sc.FiniteDiff = rep.Worst.Analytic, rep.Worst.Numeric
		sc.VJP = &VJPDetail{Row: rep.Worst.Row, DY: rep.Worst.DY, Col: rep.Worst.Col}
	}
	seen := map[float64]bool{}
	for _, k := range rep.Kinks {
		if !seen[k.X] && len(sc.Kinks) < maxKinks {
			seen[k.X] = true
			sc.Kinks = append(sc.Kinks, KinkPoint{X: k.X, Y: k.Y, Left: k.Left, Right: k.Right, Backward: k.Backward})
		}
	}
	sc.Err32, sc.Tol32 = rep.Worst32.Err, rep.Tol32
	sc.OK, sc.Judged = rep.Worst.Err <= rep.Tol, "float64"
	if f32 {
		sc.OK, sc.Judged = rep.OK(), "float64 and float32"
	}
	sc.Report = rep.String()
	return sc
}

// maxKinks is the most kinks a SlopeCheck lists (distinct x).
const maxKinks = 4

// String is one line naming the activation and its worst point, and the
// kinks found.
func (s SlopeCheck) String() string {
	status := "ok"
	if !s.OK {
		status = "FAILED"
	}
	what := "slope"
	if s.VJP != nil {
		what = fmt.Sprintf("entry %d of a vector-Jacobian product,", s.VJP.Col)
	}
	line := fmt.Sprintf("slope of %s (%s, %s [%.4g, %.4g], from the %s): %s: worst error %.3g (tol %.3g) at x=%.6g (y=%.6g): %s given %.10g, finite difference %.10g",
		s.Activation, s.Layer, s.Range, s.Lo, s.Hi, s.DerivedOf, status, s.WorstErr, s.Tol, s.WorstX, s.WorstY, what, s.Given, s.FiniteDiff)
	for _, k := range s.Kinks {
		line += fmt.Sprintf("; kink at x=%.6g (y=%.6g): slope %.6g from the left, %.6g from the right, backward gives %.6g", k.X, k.Y, k.Left, k.Right, k.Backward)
	}
	if s.Judged != "float64" && !(s.Err32 <= s.Tol32) {
		line += fmt.Sprintf("; float32 path: worst error %.3g (tol %.3g)", s.Err32, s.Tol32)
	}
	return line
}

// String is one line naming the implementation and its worst direction.
func (f FDCheck) String() string {
	if f.Skipped != "" {
		return fmt.Sprintf("network finite differences, %s: skipped: %s", f.Impl, f.Skipped)
	}
	status := "ok"
	if !f.OK {
		status = "FAILED"
	}
	return fmt.Sprintf("network finite differences, %s: %s: worst relative error %.3g (tol %.3g) over %d directions at iteration %d step %d, %s, %s direction: gradient·Δ %.10g, loss difference %.10g (%s)",
		f.Impl, status, f.WorstRelErr, f.Tol, f.Directions, f.At.Iteration, f.At.Step, f.At.Matrix, f.At.Direction, f.Given, f.FiniteDiff, f.Reference)
}

// String is one line for the built-in comparison.
func (b BuiltinCheck) String() string {
	if !b.Ran {
		return "gorgonia built-in ops: not run: " + b.Reason
	}
	status := "ok"
	if !b.OK {
		status = "FAILED"
	}
	return fmt.Sprintf("gorgonia built-in ops: %s: worst relative difference %.3g (tol %.3g) over %d check points, %s at iteration %d step %d, grad %s",
		status, b.WorstRelDiff, b.Tol, b.Checks, b.Impl, b.At.Iteration, b.At.Step, b.At.Matrix)
}

// Lines describes every check, one line each (none for nil Checks).
func (c *Checks) Lines() []string {
	var out []string
	if c == nil {
		return nil
	}
	for _, s := range c.Slopes {
		out = append(out, s.String())
	}
	if c.Loss != nil {
		out = append(out, c.Loss.String())
	}
	for _, f := range c.NetworkFD {
		out = append(out, f.String())
	}
	out = append(out, c.Builtin.String())
	return out
}

// rangeTracker records the smallest and largest pre-activation of every
// layer (hidden layers, then the logits) seen at the check points.
type rangeTracker struct {
	lo, hi []float64
}

func newRangeTracker(layers int) *rangeTracker {
	r := &rangeTracker{lo: make([]float64, layers), hi: make([]float64, layers)}
	for i := range r.lo {
		r.lo[i], r.hi[i] = math.Inf(1), math.Inf(-1)
	}
	return r
}

// observe runs the training-time forward of the network with weights ws on
// batch b, in float64, and records the ranges.
func (r *rangeTracker) observe(c mnist.Config, ws [][]float64, x []float64, masks [][]float64) {
	sizes, acts, params := c.Sizes(), c.Acts(), c.ParamIndex()
	in, rows, all := x, c.Batch, ws
	ws = ws[:len(sizes)-1] // the matrices; the parameters follow
	for l := range ws {
		k, m := sizes[l], sizes[l+1]
		z := make([]float64, rows*m)
		blas.Gemm(false, false, rows, m, k, in, ws[l], z, nil)
		for _, v := range z {
			if !math.IsNaN(v) {
				r.lo[l], r.hi[l] = math.Min(r.lo[l], v), math.Max(r.hi[l], v)
			}
		}
		if l == len(ws)-1 {
			return
		}
		if p := params[l]; p >= 0 {
			ops.ParamsForward(ops.LearnableOf(acts[l]), z, z, all[p], m)
		} else {
			ops.Forward(acts[l], z, z, m)
		}
		if masks != nil {
			for i, v := range masks[l] {
				z[i] *= 2 * v
			}
		}
		in = z
	}
}

// direction fills d with a direction for matrix g: "aligned" gives
// d_i = g_i·(1 + u_i), whose product with g is never near zero, so that a
// gradient off by a constant factor shows in full; "random" gives d_i = u_i·s
// with s = ‖g‖∞, which reaches entries where g is (wrongly) zero.
func direction(d []float64, g []float64, aligned bool, rng *rand.Rand) {
	var s float64
	for _, v := range g {
		if a := math.Abs(v); a > s { // not math.Max: this loop runs over every weight
			s = a
		}
	}
	if s == 0 {
		s = 1
	}
	for i := range d {
		u := 2*rng.Float64() - 1
		if aligned {
			d[i] = g[i] * (1 + u)
		} else {
			d[i] = u * s
		}
	}
}

// fdResult is one directional comparison.
type fdResult struct {
	rel, given, diff float64
}

// errNoDirection: the direction is zero (an aligned direction of a zero
// gradient), so there is nothing to compare along it.
var errNoDirection = errors.New("zero direction")

// fdSteps are the sizes of the central differences tried, as the change of
// the loss they cause relative to the loss. A gradient wrong by ε shows as an
// error near ε at every step; what shrinks with the step is the error of
// crossing a kink (relu units whose pre-activation changes sign) and what
// grows is rounding, so the smallest error over the steps is kept, and a step
// whose error is already far below the tolerance ends the search.
//
// The smaller steps matter where the loss hardly moves (a softmax of base
// 1.00001): there the first steps displace the weights far and curvature
// shows. At the smallest, 1e-10, rounding is about 2e-6 of the difference:
// a gradient wrong by 1e-4 still shows as 1e-4.
var fdSteps = [...]float64{1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10}

// fdDirection compares g·Δ with L(w + Δ⁺) − L(w − Δ⁻) for matrix i, where
// Δ = Δ⁺ + Δ⁻ is h·d rounded to T, at the steps fdSteps until one is within
// tol/10. loss evaluates the training loss at ws. The weights are restored
// bit for bit.
func fdDirection[T ops.Float](ws [][]T, i int, g, d []float64, l0, tol float64, loss func() (float64, error)) (fdResult, error) {
	w := ws[i]
	save := append([]T(nil), w...)
	defer copy(w, save)
	var sabs, dmax, wmax float64
	for k := range g {
		sabs += math.Abs(g[k] * d[k])
		if a := math.Abs(d[k]); a > dmax {
			dmax = a
		}
		if a := math.Abs(float64(save[k])); a > wmax {
			wmax = a
		}
	}
	if dmax == 0 {
		return fdResult{rel: math.NaN()}, errNoDirection
	}
	if sabs == 0 {
		// The gradient claims the loss does not change along d: move the
		// weights by a thousandth of their size and see whether it does.
		h := 1e-3 * math.Max(wmax, 1e-3) / dmax
		for k := range w {
			w[k] = T(float64(save[k]) + h*d[k])
		}
		lp, err := loss()
		if err != nil {
			return fdResult{}, err
		}
		for k := range w {
			w[k] = T(float64(save[k]) - h*d[k])
		}
		lm, err := loss()
		if err != nil {
			return fdResult{}, err
		}
		diff := lp - lm
		noise := 64 * 0x1p-52 * math.Max(math.Abs(lp), math.Abs(lm))
		if math.Abs(diff) <= noise {
			return fdResult{rel: 0, diff: diff}, nil
		}
		return fdResult{rel: 1, diff: diff}, nil
	}
	best := fdResult{rel: math.Inf(1)}
	for _, step := range fdSteps {
		h := step * math.Max(math.Abs(l0), 1e-300) / (2 * sabs)
		var lp, lm float64
		var err error
		for k := range w {
			w[k] = T(float64(save[k]) + h*d[k])
		}
		if lp, err = loss(); err != nil {
			return fdResult{}, err
		}
		for k := range w {
			w[k] = T(float64(save[k]) - h*d[k])
		}
		if lm, err = loss(); err != nil {
			return fdResult{}, err
		}
		// The displacement that was actually applied, after rounding to T.
		var given, scale float64
		for k := range w {
			delta := float64(T(float64(save[k])+h*d[k])) - float64(T(float64(save[k])-h*d[k]))
			given += g[k] * delta
			scale += math.Abs(g[k] * delta)
		}
		diff := lp - lm
		r := fdResult{rel: math.Abs(diff-given) / math.Max(math.Max(scale, math.Abs(diff)), 1e-300), given: given, diff: diff}
		if math.IsNaN(diff) || math.IsNaN(given) {
			return fdResult{rel: math.NaN(), given: given, diff: diff}, nil
		}
		if r.rel < best.rel {
			best = r
		}
		if best.rel <= tol/10 {
			break
		}
	}
	return best, nil
}

// Where names a step and a matrix, and the implementation compared with the
// first one when more than two run.
type Where struct {
	Iteration int    `json:"iteration"`
	Step      int    `json:"step"`
	Matrix    string `json:"matrix"`
	Impl      string `json:"impl,omitempty"`
}

// newPCG returns the generator of the checks' random directions: seeded from
// the run's seed, separate from the numpy stream, so that checking changes
// no weight and no mask.
func newPCG(seed uint32) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x6f7574677261640a)) }
