package check

import (
	"fmt"
	"math"
	"sort"
	"time"

	"outgrad/ops"
)

// Constraints measures act against the chapter's four constraints. It
// applies to elementwise activations; for a row-wise one (softmax) it returns
// an error.
func Constraints(act ops.Activation) (ConstraintReport, error) {
	if act == nil {
		return ConstraintReport{}, fmt.Errorf("check: constraints: nil activation")
	}
	if !isElementwise(act) {
		return ConstraintReport{}, fmt.Errorf("check: constraints %s: not elementwise; the constraints are stated for a function of one input", act.Name())
	}
	f := func(x float64) float64 {
		var y [1]float64
		act.Forward64(y[:], []float64{x}, 1)
		return y[0]
	}
	r := ConstraintReport{Name: act.Name(), Source: act.DerivedFrom(), Monotonic: true}

	// 1. Finite over the whole line.
	var probe []float64
	for m := 1e-300; m < math.MaxFloat64/10; m *= 10 {
		probe = append(probe, m, -m)
	}
	probe = append(probe, 0, math.MaxFloat64, -math.MaxFloat64)
	const n = 20001
	grid := make([]float64, n)
	for i := range grid {
		grid[i] = -1e3 + 2e3*float64(i)/(n-1)
	}
	for _, x := range append(append([]float64(nil), grid...), probe...) {
		if y := f(x); math.IsNaN(y) || math.IsInf(y, 0) {
			if len(r.NonFinite) < 8 {
				r.NonFinite = append(r.NonFinite, x)
			}
		}
	}

	// 2. Monotonic, and whether the output determines the slope. A fine grid
	// over [−10, 10] where activations do their bending.
	const m = 4001
	xs, ys := make([]float64, m), make([]float64, m)
	for i := range xs {
		xs[i] = -10 + 20*float64(i)/(m-1)
		ys[i] = f(xs[i])
	}
	dir := 0
	for i := 1; i < m; i++ {
		d := sign(ys[i] - ys[i-1])
		if d == 0 {
			continue
		}
		if dir != 0 && d != dir {
			r.Monotonic, r.Turn = false, xs[i-1]
			break
		}
		dir = d
	}
	r.Ambiguous = ambiguous(f, xs, ys)

	// 3. Nonlinear: residual of the least-squares line over [−3, 3].
	r.Linear = isLinear(f)

	// 4. Cost.
	r.NsPerElement = nsPerElement(act)
	r.TanhNsPerElement = nsPerElement(ops.Tanh)
	return r, nil
}

// ambiguous looks for two inputs with one output and different slopes: it
// sorts the samples by output and compares the slopes of neighbours whose
// outputs agree to 1e-9 but whose inputs are apart, and it also solves
// f(x2) = f(x1) by bisection across every turn of direction.
func ambiguous(f func(float64) float64, xs, ys []float64) *AmbiguousSlope {
	slope := func(x float64) float64 { return numDeriv(f, x, 1e-8).d }
	differ := func(a, b float64) bool {
		return math.Abs(a-b) > 1e-6*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
	}
	// Across a turn: for x1 just before it, find x2 after it with f(x2) = f(x1).
	for i := 2; i < len(xs)-1; i++ {
		if sign(ys[i]-ys[i-1])*sign(ys[i+1]-ys[i]) >= 0 {
			continue
		}
		x1 := xs[max(0, i-20)]
		y1 := f(x1)
		for j := i + 1; j < len(xs); j++ {
			if sign(ys[j]-y1) != sign(ys[i]-y1) || ys[j] == y1 {
				lo, hi := xs[j-1], xs[j]
				for range 100 {
					mid := (lo + hi) / 2
					if sign(f(mid)-y1) == sign(ys[i]-y1) {
						lo = mid
					} else {
						hi = mid
					}
				}
				x2 := (lo + hi) / 2
				if s1, s2 := slope(x1), slope(x2); differ(s1, s2) {
					return &AmbiguousSlope{X1: x1, X2: x2, Y: y1, Slope1: s1, Slope2: s2}
				}
				break
			}
		}
	}
	// Equal outputs at distant inputs (flat stretches are fine: equal slopes).
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return ys[idx[a]] < ys[idx[b]] })
	for k := 1; k < len(idx); k++ {
		i, j := idx[k-1], idx[k]
		if math.Abs(ys[i]-ys[j]) > 1e-9*math.Max(1, math.Abs(ys[i])) || math.Abs(xs[i]-xs[j]) < 0.1 {
			continue
		}
		if s1, s2 := slope(xs[i]), slope(xs[j]); differ(s1, s2) {
			return &AmbiguousSlope{X1: xs[i], X2: xs[j], Y: ys[i], Slope1: s1, Slope2: s2}
		}
	}
	return nil
}

// isLinear reports whether f is a straight line over [−3, 3].
func isLinear(f func(float64) float64) bool {
	const n = 601
	var sx, sy, sxx, sxy float64
	xs, ys := make([]float64, n), make([]float64, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range xs {
		x := -3 + 6*float64(i)/(n-1)
		y := f(x)
		xs[i], ys[i] = x, y
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	k := float64(n)
	b := (k*sxy - sx*sy) / (k*sxx - sx*sx)
	a := (sy - b*sx) / k
	var worst float64
	for i, x := range xs {
		worst = math.Max(worst, math.Abs(ys[i]-(a+b*x)))
	}
	return worst <= 1e-9*math.Max(hi-lo, 1e-300)
}

// nsPerElement times act's float64 forward over 10000 inputs in [−5, 5],
// the median of 5 runs.
func nsPerElement(act ops.Activation) float64 {
	const n = 10000
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = -5 + 10*float64(i)/n
	}
	runs := make([]float64, 5)
	for r := range runs {
		start := time.Now()
		for range 10 {
			act.Forward64(y, x, n)
		}
		runs[r] = float64(time.Since(start).Nanoseconds()) / (10 * n)
	}
	sort.Float64s(runs)
	return runs[len(runs)/2]
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
