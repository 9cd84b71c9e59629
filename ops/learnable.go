package ops

import (
	"fmt"
	"math"
)

// MaxParams bounds the parameters one Learnable may declare per unit (or per
// layer when shared).
const MaxParams = 8

// Params describes the learnable parameters θ of an activation: one value
// of each named parameter for the whole layer (shared), or one for every
// unit of the layer (PerUnit). Init holds each parameter's initial value.
//
// θ is laid out parameter after parameter: with PerUnit, parameter j of
// unit u is θ[j·units + u]; shared, parameter j is θ[j].
type Params struct {
	Names   []string
	Init    []float64
	PerUnit bool
}

// Count returns how many values θ holds for a layer of units units.
func (p Params) Count(units int) int {
	if p.PerUnit {
		return len(p.Names) * units
	}
	return len(p.Names)
}

// Initial returns θ for a layer of units units, every value at its Init.
func (p Params) Initial(units int) []float64 {
	th := make([]float64, 0, p.Count(units))
	for _, v := range p.Init {
		n := 1
		if p.PerUnit {
			n = units
		}
		for range n {
			th = append(th, v)
		}
	}
	return th
}

// Validate reports the first thing wrong with p.
func (p Params) Validate() error {
	switch {
	case len(p.Names) == 0:
		return fmt.Errorf("ops: learnable activation without a parameter")
	case len(p.Names) > MaxParams:
		return fmt.Errorf("ops: %d parameters: at most %d", len(p.Names), MaxParams)
	case len(p.Init) != len(p.Names):
		return fmt.Errorf("ops: %d parameter names and %d initial values", len(p.Names), len(p.Init))
	}
	for i, v := range p.Init {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("ops: parameter %s starts at %v: want a finite value", p.Names[i], v)
		}
	}
	return nil
}

// Learnable is an activation with learnable parameters θ, y = f(x; θ),
// which the networks train beside their weights.
//
// Its Activation methods compute f and its slope in x at the initial
// parameters (Params().Init): what a check of the slope uses. A network
// calls the Params methods with the layer's current θ, whose layout
// Params describes (cols is the number of units).
//
// ParamsBackward64 writes both gradients of one batch: dx = dy·∂f/∂x, and
// dθ = Σ_rows dy·∂f/∂θ (over every unit as well for a shared parameter),
// overwriting dtheta. As for Activation, an output-derived Learnable reads
// y and not x, which callers may pass as nil.
type Learnable interface {
	Activation
	Params() Params
	ParamsForward64(y, x, theta []float64, cols int)
	ParamsBackward64(dx, dtheta, dy, x, y, theta []float64, cols int)
	ParamsForward32(y, x, theta []float32, cols int)
	ParamsBackward32(dx, dtheta, dy, x, y, theta []float32, cols int)
}

// LearnableOf returns a as a Learnable, or nil when it has no parameters.
func LearnableOf(a Activation) Learnable {
	l, _ := a.(Learnable)
	return l
}

// ParamFuncs are the scalar functions of an elementwise Learnable:
//
//	F(x, θ) = f(x; θ)
//	DX(x, y, θ) = ∂f/∂x
//	DTheta(x, y, θ, d) writes ∂f/∂θ_j into d[j]
//
// where θ holds one value of each parameter (the unit's, or the layer's).
// For an output-derived Learnable, DX and DTheta get x = NaN: they must read
// y.
type ParamFuncs struct {
	F      func(x float64, theta []float64) float64
	DX     func(x, y float64, theta []float64) float64
	DTheta func(x, y float64, theta, d []float64)
}

// ParamPointwise is an elementwise Learnable given by ParamFuncs. Float32
// data is computed in float64 and rounded, as for Pointwise; the parameter
// gradients are summed in float64 and rounded once.
type ParamPointwise struct {
	name string
	from Source
	p    Params
	fn   ParamFuncs
}

// NewLearnable returns the elementwise Learnable called name, whose slopes
// read from (FromInput: x; FromOutput: y alone), with parameters p and
// functions fn. It is an error when p is invalid or a function is nil.
func NewLearnable(name string, from Source, p Params, fn ParamFuncs) (*ParamPointwise, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("ops: learnable %s: %w", name, err)
	}
	if fn.F == nil || fn.DX == nil || fn.DTheta == nil {
		return nil, fmt.Errorf("ops: learnable %s: F, DX and DTheta are all needed", name)
	}
	if from != FromOutput && from != FromInput {
		return nil, fmt.Errorf("ops: learnable %s: unknown source %d of the slope", name, from)
	}
	p.Names = append([]string(nil), p.Names...)
	p.Init = append([]float64(nil), p.Init...)
	return &ParamPointwise{name: name, from: from, p: p, fn: fn}, nil
}

// mustLearnable is NewLearnable for the package's own activations.
func mustLearnable(name string, from Source, p Params, fn ParamFuncs) *ParamPointwise {
	l, err := NewLearnable(name, from, p, fn)
	if err != nil {
		panic(err)
	}
	return l
}

// Name returns the activation's name.
func (l *ParamPointwise) Name() string { return l.name }

// DerivedFrom says what the slopes read besides dy.
func (l *ParamPointwise) DerivedFrom() Source { return l.from }

// Params returns the parameters' names, initial values and sharing.
func (l *ParamPointwise) Params() Params {
	p := l.p
	p.Names = append([]string(nil), p.Names...)
	p.Init = append([]float64(nil), p.Init...)
	return p
}

// init returns l's initial θ for cols units.
func (l *ParamPointwise) init(cols int) []float64 { return l.p.Initial(cols) }

// Forward64 is f at the initial parameters.
func (l *ParamPointwise) Forward64(y, x []float64, cols int) {
	l.ParamsForward64(y, x, l.init(paramCols(l.p, cols)), cols)
}

// Backward64 is dx = dy·∂f/∂x at the initial parameters.
func (l *ParamPointwise) Backward64(dx, dy, x, y []float64, cols int) {
	cols = paramCols(l.p, cols)
	paramBackward(l, dx, nil, dy, x, y, l.init(cols), cols)
}

// Forward32 is Forward64 in float32.
func (l *ParamPointwise) Forward32(y, x []float32, cols int) {
	cols = paramCols(l.p, cols)
	paramForward(l, y, x, float32s(l.init(cols)), cols)
}

// Backward32 is Backward64 in float32.
func (l *ParamPointwise) Backward32(dx, dy, x, y []float32, cols int) {
	cols = paramCols(l.p, cols)
	paramBackward(l, dx, nil, dy, x, y, float32s(l.init(cols)), cols)
}

// ParamsForward64 writes y = f(x; θ).
func (l *ParamPointwise) ParamsForward64(y, x, theta []float64, cols int) {
	paramForward(l, y, x, theta, cols)
}

// ParamsBackward64 writes dx and dθ (see Learnable).
func (l *ParamPointwise) ParamsBackward64(dx, dtheta, dy, x, y, theta []float64, cols int) {
	mustHold(l.name, " backward", "dtheta", len(dtheta), l.p.Count(cols))
	paramBackward(l, dx, dtheta, dy, x, y, theta, cols)
}

// ParamsForward32 is ParamsForward64 in float32.
func (l *ParamPointwise) ParamsForward32(y, x, theta []float32, cols int) {
	paramForward(l, y, x, theta, cols)
}

// ParamsBackward32 is ParamsBackward64 in float32.
func (l *ParamPointwise) ParamsBackward32(dx, dtheta, dy, x, y, theta []float32, cols int) {
	mustHold(l.name, " backward", "dtheta", len(dtheta), l.p.Count(cols))
	paramBackward(l, dx, dtheta, dy, x, y, theta, cols)
}

// paramCols is the units of a row for the Activation methods: an
// elementwise activation may be called with any cols, which only a
// per-unit parameter cares about; for a shared one, 1 will do.
func paramCols(p Params, cols int) int {
	if !p.PerUnit || cols < 1 {
		return 1
	}
	return cols
}

func float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// unitParams gathers the parameters of unit u into th.
func unitParams[T Float](p Params, theta []T, u, cols int, th []float64) {
	for j := range th {
		if p.PerUnit {
			th[j] = float64(theta[j*cols+u])
		} else {
			th[j] = float64(theta[j])
		}
	}
}

func paramForward[T Float](l *ParamPointwise, y, x, theta []T, cols int) {
	mustRows(l.name+" forward", len(x), max(cols, 1))
	mustHold(l.name, " forward", "y", len(y), len(x))
	mustSame(l.name, " forward", "theta", "parameters", len(theta), l.p.Count(cols))
	var buf [MaxParams]float64
	th := buf[:len(l.p.Names)]
	y = y[:len(x)]
	if !l.p.PerUnit {
		unitParams(l.p, theta, 0, cols, th)
	}
	for i, v := range x {
		if l.p.PerUnit {
			unitParams(l.p, theta, i%cols, cols, th)
		}
		y[i] = T(l.fn.F(float64(v), th))
	}
}

// paramBackward writes dx and, when dtheta is not nil, dθ.
func paramBackward[T Float](l *ParamPointwise, dx, dtheta, dy, x, y, theta []T, cols int) {
	mustRows(l.name+" backward", len(y), max(cols, 1))
	mustSame(l.name, " backward", "dy", "y", len(dy), len(y))
	mustHold(l.name, " backward", "dx", len(dx), len(y))
	mustSame(l.name, " backward", "theta", "parameters", len(theta), l.p.Count(cols))
	if l.from == FromInput {
		mustSame(l.name, " backward", "x", "y", len(x), len(y))
	}
	k := len(l.p.Names)
	var buf, dbuf [MaxParams]float64
	th, d := buf[:k], dbuf[:k]
	// dθ is summed in float64: in dtheta itself for float64, else in a
	// buffer rounded once at the end.
	var sums []float64
	if d64, ok := any(dtheta).([]float64); ok && dtheta != nil {
		sums = d64[:l.p.Count(cols)]
		clear(sums)
	} else if dtheta != nil {
		sums = make([]float64, l.p.Count(cols))
	}
	if !l.p.PerUnit {
		unitParams(l.p, theta, 0, cols, th)
	}
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, yv := range y {
		u := i % cols
		if l.p.PerUnit {
			unitParams(l.p, theta, u, cols, th)
		}
		xv := math.NaN()
		if l.from == FromInput {
			xv = float64(x[i])
		}
		g := float64(dy[i])
		if sums != nil {
			l.fn.DTheta(xv, float64(yv), th, d)
			for j, v := range d {
				if l.p.PerUnit {
					sums[j*cols+u] += g * v
				} else {
					sums[j] += g * v
				}
			}
		}
		dx[i] = T(g * l.fn.DX(xv, float64(yv), th))
	}
	if _, ok := any(dtheta).([]float32); ok {
		for i, s := range sums {
			dtheta[i] = T(s)
		}
	}
}

// ParamsForward calls a's ParamsForward64 or ParamsForward32, as T says.
func ParamsForward[T Float](a Learnable, y, x, theta []T, cols int) {
	mustActivation("ParamsForward", "", a)
	switch x := any(x).(type) {
	case []float64:
		a.ParamsForward64(any(y).([]float64), x, any(theta).([]float64), cols)
	case []float32:
		a.ParamsForward32(any(y).([]float32), x, any(theta).([]float32), cols)
	}
}

// ParamsBackward calls a's ParamsBackward64 or ParamsBackward32, as T says;
// x may be nil for an output-derived activation.
func ParamsBackward[T Float](a Learnable, dx, dtheta, dy, x, y, theta []T, cols int) {
	mustActivation("ParamsBackward", "", a)
	switch y := any(y).(type) {
	case []float64:
		x64, _ := any(x).([]float64)
		a.ParamsBackward64(any(dx).([]float64), any(dtheta).([]float64), any(dy).([]float64), x64, y, any(theta).([]float64), cols)
	case []float32:
		x32, _ := any(x).([]float32)
		a.ParamsBackward32(any(dx).([]float32), any(dtheta).([]float32), any(dy).([]float32), x32, y, any(theta).([]float32), cols)
	}
}

// PReLU is the parametric ReLU of He et al. (2015), f(x; α) = x for x > 0
// and α·x otherwise, with one α per unit, starting at 0.25:
// ∂f/∂x = 1 or α, ∂f/∂α = 0 or x.
//
// It reads its input: the output gives the slopes only while α > 0 (then
// x = y/α below zero), and training may carry α through 0, where the output
// of a negative input would read as a positive one's.
var PReLU = mustLearnable("prelu", FromInput,
	Params{Names: []string{"alpha"}, Init: []float64{0.25}, PerUnit: true},
	ParamFuncs{
		F: func(x float64, th []float64) float64 {
			if x > 0 {
				return x
			}
			return guardNaN(x, th[0]*x)
		},
		DX: func(x, _ float64, th []float64) float64 {
			if x > 0 {
				return 1
			}
			return guardNaN(x, th[0])
		},
		DTheta: func(x, _ float64, _, d []float64) {
			d[0] = 0
			if !(x > 0) {
				d[0] = x
			}
		},
	})

// SwishBeta is swish with a learnable β shared by the layer (Ramachandran
// et al., 2017): f(x; β) = x·σ(βx), starting at β = 1 (Swish). With s = σ(βx):
// ∂f/∂x = s + βx·s(1 − s), ∂f/∂β = x²·s(1 − s). It reads its input, as Swish
// does.
var SwishBeta = mustLearnable("swish-beta", FromInput,
	Params{Names: []string{"beta"}, Init: []float64{1}},
	ParamFuncs{
		F: func(x float64, th []float64) float64 {
			if math.IsInf(x, 0) {
				return Swish.F(x) // β > 0: x·σ(βx) → +∞ or 0
			}
			s, _ := sigmoidPair(th[0] * x)
			return x * s
		},
		DX: func(x, _ float64, th []float64) float64 {
			if math.IsInf(x, 0) {
				return sigmoid(th[0] * x) // the limits, not ∞·0
			}
			s, c := sigmoidPair(th[0] * x)
			return s + th[0]*x*s*c
		},
		DTheta: func(x, _ float64, th, d []float64) {
			if math.IsInf(x, 0) {
				d[0] = 0 // x²·e^(−β|x|) → 0
				return
			}
			s, c := sigmoidPair(th[0] * x)
			d[0] = x * x * s * c
		},
	})
