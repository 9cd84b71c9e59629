package ops

import (
	"fmt"
	"math"
)

// Softmax is the row-wise softmax y_j = e^(x_j − m) / Σ_k e^(x_k − m), with m
// the row's maximum so that no exponential overflows. Its backward, from the
// output, is dx = y ⊙ (dy − Σ_row dy ⊙ y).
var Softmax Activation = softmax{base: math.E, k: 1}

// NewSoftmax returns the softmax of base b: y_j = b^(x_j) / Σ_k b^(x_k), which
// is the softmax of k·x with k = ln b. A base above e sharpens the
// distribution (attenuates all but the largest logits more), one below e
// softens it: the chapter's "sharpness of attenuation". Its backward, from
// the output, is dx = k · y ⊙ (dy − Σ_row dy ⊙ y). NewSoftmax(math.E) is Softmax.
// The name is "softmax" for base e and "softmax-base<b>" otherwise.
func NewSoftmax(base float64) (Activation, error) {
	if !(base > 0) || base == 1 || math.IsInf(base, 0) {
		return nil, fmt.Errorf("ops: softmax base %v: want a finite number > 0 other than 1", base)
	}
	if base == math.E {
		return Softmax, nil
	}
	return softmax{base: base, k: math.Log(base)}, nil
}

// softmax is the softmax of base e^k.
type softmax struct{ base, k float64 }

func (s softmax) Name() string {
	if s.k == 1 {
		return "softmax"
	}
	return fmt.Sprintf("softmax-base%g", s.base)
}

func (s softmax) DerivedFrom() Source { return FromOutput }

func (s softmax) Forward64(y, x []float64, cols int) { softmaxRows(y, x, cols, s.k) }

func (s softmax) Forward32(y, x []float32, cols int) { softmaxRows(y, x, cols, s.k) }

func (s softmax) Backward64(dx, dy, _, y []float64, cols int) { softmaxBackRows(dx, dy, y, cols, s.k) }

func (s softmax) Backward32(dx, dy, _, y []float32, cols int) { softmaxBackRows(dx, dy, y, cols, s.k) }

// logitScale returns k when a is a softmax of base e^k: the fused
// cross-entropy then works on k·x.
func logitScale(a Activation) (float64, bool) {
	s, ok := a.(softmax)
	return s.k, ok
}

// softmaxRows writes the stable softmax of each row of k·x (length cols) into
// y. The exponentials and the sum are accumulated in float64 for both types.
func softmaxRows[T Float](y, x []T, cols int, k float64) {
	mustRows("softmax forward", len(x), cols)
	mustHold("softmax", " forward", "y", len(y), len(x))
	for r := 0; r+cols <= len(x); r += cols {
		xr, yr := x[r:r+cols], y[r:r+cols]
		m := math.Inf(-1)
		for _, v := range xr {
			if z := k * float64(v); z > m || isNaN(z) {
				m = z
			}
		}
		if math.IsInf(m, 0) {
			// Every entry is −Inf (no mass), or some entry is +Inf (all mass
			// on the +Inf entries): the limits of the finite case.
			softmaxInfRow(yr, xr, m, k)
			continue
		}
		var s float64
		for j, v := range xr {
			e := math.Exp(k*float64(v) - m)
			yr[j] = T(e)
			s += e
		}
		inv := 1 / s
		for j := range yr {
			yr[j] = T(float64(yr[j]) * inv)
		}
	}
}

// softmaxInfRow handles a row whose maximum m is infinite: with m = +Inf the
// +Inf entries share the mass; with m = −Inf every entry is −Inf and the row is
// undefined (NaN).
func softmaxInfRow[T Float](y, x []T, m, k float64) {
	if m < 0 {
		for j := range y {
			y[j] = T(math.NaN())
		}
		return
	}
	n := 0
	for _, v := range x {
		if math.IsInf(k*float64(v), 1) {
			n++
		}
	}
	for j, v := range x {
		if math.IsInf(k*float64(v), 1) {
			y[j] = T(1 / float64(n))
		} else {
			y[j] = 0
		}
	}
}

// softmaxBackRows writes dx = k · y ⊙ (dy − Σ dy⊙y) for each row.
func softmaxBackRows[T Float](dx, dy, y []T, cols int, k float64) {
	mustRows("softmax backward", len(y), cols)
	mustSame("softmax", " backward", "dy", "y", len(dy), len(y))
	mustHold("softmax", " backward", "dx", len(dx), len(y))
	for r := 0; r+cols <= len(y); r += cols {
		yr, dyr, dxr := y[r:r+cols], dy[r:r+cols], dx[r:r+cols]
		var s float64
		for j, v := range yr {
			s += float64(dyr[j]) * float64(v)
		}
		for j, v := range yr {
			dxr[j] = T(k * float64(v) * (float64(dyr[j]) - s))
		}
	}
}
