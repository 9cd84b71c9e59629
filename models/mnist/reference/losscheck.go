package reference

import (
	"fmt"
	"math"
	"math/rand/v2"

	"outgrad/ops"
)

// LossCheck is the check of an output's own loss (ops.Output.Loss): its
// Grad against central differences of its Value, at outputs of the output
// activation on [−4, 4] against one-hot targets.
type LossCheck struct {
	Loss   string `json:"loss"`
	Output string `json:"output"`
	// Entries is the number of outputs compared; the worst relative
	// error, |given − difference|/max(1, |difference|), is at output Y
	// with target T.
	Entries     int     `json:"entries"`
	WorstRelErr float64 `json:"worst_rel_err"`
	Tol         float64 `json:"tol"`
	Y           float64 `json:"y"`
	T           float64 `json:"t"`
	Given       float64 `json:"given"`
	FiniteDiff  float64 `json:"finite_difference"`
	OK          bool    `json:"ok"`
	// Error is set when the loss could not be evaluated (a panic, a
	// non-finite value at every point).
	Error string `json:"error,omitempty"`
}

// lossTol is the tolerance of LossCheck: central differences of a smooth
// loss at step 1e-6 are good to about 1e-9.
const lossTol = 1e-6

// checkLoss checks o's Loss; o must have one.
func checkLoss(o ops.Output) (lc LossCheck) {
	lc = LossCheck{Loss: o.Loss.Name(), Output: o.Name, Tol: lossTol}
	defer func() {
		if r := recover(); r != nil {
			lc.OK, lc.Error = false, fmt.Sprintf("panic: %v", r)
		}
	}()
	const rows, cols = 8, 10 // ten classes
	rng := rand.New(rand.NewPCG(11, 12))
	x, y, t := make([]float64, rows*cols), make([]float64, rows*cols), make([]float64, rows*cols)
	for i := range x {
		x[i] = 8*rng.Float64() - 4
	}
	for r := range rows {
		t[r*cols+rng.IntN(cols)] = 1
	}
	ops.Forward(o.Act, y, x, cols)
	g := make([]float64, len(y))
	o.Loss.Grad(g, y, t, cols)
	yy := append([]float64(nil), y...)
	for i, v := range y {
		h := 1e-6 * math.Max(1, math.Abs(v))
		yy[i] = v + h
		up := o.Loss.Value(yy, t, cols)
		yy[i] = v - h
		fd := (up - o.Loss.Value(yy, t, cols)) / (2 * h)
		yy[i] = v
		if math.IsNaN(fd) || math.IsInf(fd, 0) {
			continue
		}
		lc.Entries++
		e := math.Abs(g[i]-fd) / math.Max(1, math.Abs(fd))
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		if lc.Entries == 1 || e > lc.WorstRelErr {
			lc.WorstRelErr, lc.Y, lc.T, lc.Given, lc.FiniteDiff = e, v, t[i], g[i], fd
		}
	}
	if lc.Entries == 0 {
		lc.Error = "its value is not finite at any output tried"
		return lc
	}
	lc.OK = lc.WorstRelErr <= lc.Tol
	return lc
}

// String describes the check in one line.
func (c LossCheck) String() string {
	status := "ok"
	if !c.OK {
		status = "FAILED"
	}
	if c.Error != "" {
		return fmt.Sprintf("loss %s of output %s: %s: %s", c.Loss, c.Output, status, c.Error)
	}
	return fmt.Sprintf("loss %s of output %s: %s: worst relative error %.3g (tol %.0g) over %d outputs at y=%.6g, t=%g: ∂ℓ/∂y given %.10g, finite difference %.10g",
		c.Loss, c.Output, status, c.WorstRelErr, c.Tol, c.Entries, c.Y, c.T, c.Given, c.FiniteDiff)
}
