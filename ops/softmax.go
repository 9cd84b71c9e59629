package ops

import "math"

// Softmax is the row-wise softmax y_j = e^(x_j − m) / Σ_k e^(x_k − m), with m
// the row's maximum so that no exponential overflows. Its backward, from the
// output, is dx = y ⊙ (dy − Σ_row dy ⊙ y).
var Softmax Activation = softmax{}

type softmax struct{}

func (softmax) Name() string { return "softmax" }

func (softmax) Forward64(y, x []float64, cols int) { softmaxRows(y, x, cols) }

func (softmax) Forward32(y, x []float32, cols int) { softmaxRows(y, x, cols) }

func (softmax) Backward64(dx, dy, y []float64, cols int) { softmaxBackRows(dx, dy, y, cols) }

func (softmax) Backward32(dx, dy, y []float32, cols int) { softmaxBackRows(dx, dy, y, cols) }

// softmaxRows writes the stable softmax of each row of x (length cols) into y.
// The exponentials and the sum are accumulated in float64 for both types.
func softmaxRows[T float32 | float64](y, x []T, cols int) {
	if cols <= 0 {
		return
	}
	for r := 0; r+cols <= len(x); r += cols {
		xr, yr := x[r:r+cols], y[r:r+cols]
		m := math.Inf(-1)
		for _, v := range xr {
			if float64(v) > m || isNaN(float64(v)) {
				m = float64(v)
			}
		}
		if math.IsInf(m, 0) {
			// Every entry is −Inf (no mass), or some entry is +Inf (all mass
			// on the +Inf entries): the limits of the finite case.
			softmaxInfRow(yr, xr, m)
			continue
		}
		var s float64
		for j, v := range xr {
			e := math.Exp(float64(v) - m)
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
func softmaxInfRow[T float32 | float64](y, x []T, m float64) {
	if m < 0 {
		for j := range y {
			y[j] = T(math.NaN())
		}
		return
	}
	n := 0
	for _, v := range x {
		if math.IsInf(float64(v), 1) {
			n++
		}
	}
	for j, v := range x {
		if math.IsInf(float64(v), 1) {
			y[j] = T(1 / float64(n))
		} else {
			y[j] = 0
		}
	}
}

// softmaxBackRows writes dx = y ⊙ (dy − Σ dy⊙y) for each row.
func softmaxBackRows[T float32 | float64](dx, dy, y []T, cols int) {
	if cols <= 0 {
		return
	}
	for r := 0; r+cols <= len(y); r += cols {
		yr, dyr, dxr := y[r:r+cols], dy[r:r+cols], dx[r:r+cols]
		var s float64
		for j, v := range yr {
			s += float64(dyr[j]) * float64(v)
		}
		for j, v := range yr {
			dxr[j] = T(float64(v) * (float64(dyr[j]) - s))
		}
	}
}
