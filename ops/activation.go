package ops

import "outgrad/ops/blas"

// Source says what an activation's backward reads besides the output gradient.
type Source int

const (
	// FromOutput: the slope is a function of the output y = f(x), so the
	// backward reads only y (and x may be nil). This is the heart of the
	// package: a graph op of such an activation keeps only its output.
	FromOutput Source = iota
	// FromInput: the output does not determine the slope (swish, GELU, Mish
	// turn, so two inputs share an output with different slopes), so the
	// backward reads the input x (and may read y).
	FromInput
)

// String returns "output" or "input".
func (s Source) String() string {
	if s == FromInput {
		return "input"
	}
	return "output"
}

// Activation is a function applied to a batch of rows whose backward is computed
// from the forward's output, or, for those that say DerivedFrom() == FromInput,
// from its input.
//
// Slices hold rows of length cols, row-major. Forward writes y = f(x); Backward
// writes the input gradient dx from the output gradient dy, the input x and the
// output y. An output-derived activation must not read x, which callers may
// pass as nil. The destination may alias dy. Elementwise activations ignore cols.
//
// Rows are independent: a Pool (and the graph ops that run on one) splits a
// large batch into ranges of whole rows and calls the methods on them at the
// same time from several goroutines, so they must not keep state between calls.
type Activation interface {
	// Name is the activation's registry name, lowercase, as typed on a command line.
	Name() string
	// DerivedFrom says whether Backward reads the output (FromOutput) or needs
	// the input (FromInput).
	DerivedFrom() Source
	// Forward64 writes f(x) into y.
	Forward64(y, x []float64, cols int)
	// Backward64 writes dx = dy·f'(x) into dx, computed from y = f(x) (or, for
	// FromInput, from x).
	Backward64(dx, dy, x, y []float64, cols int)
	// Forward32 writes f(x) into y.
	Forward32(y, x []float32, cols int)
	// Backward32 is Backward64 in float32.
	Backward32(dx, dy, x, y []float32, cols int)
}

// Pointwise is an elementwise activation given by a scalar forward F and its
// slope: written as a function of F's output, Slope(F(x)) = F'(x)
// (NewPointwise), or, when the output does not determine it, as a function of
// the input, Slope(x) = F'(x) (NewPointwiseInput).
//
// Float32 data is computed in float64 and rounded, so the float32 and float64
// paths of one activation agree to float32 rounding.
type Pointwise struct {
	name  string
	from  Source
	f     func(x float64) float64
	slope func(float64) float64
	// forward64, when set, computes y[i] = f(x[i]) for a whole slice, bit for
	// bit as f does (Tanh's vector kernels).
	forward64 func(y, x []float64)
	// forward32, when set, computes y[i] = float32(f(float64(x[i]))) for a
	// whole slice, bit for bit as the element-by-element loop does.
	forward32 func(y, x []float32)
}

// NewPointwise returns the output-derived elementwise activation called name
// with forward f and slope-of-output slope, where slope(f(x)) must equal f'(x).
// check.Slope (package outgrad/ops/check) verifies that.
//
// With a nil f or slope, every method that needs it panics with a message
// saying so (a programmer error, found at once by check.Slope or by a
// registration that runs the activation).
func NewPointwise(name string, f, slope func(float64) float64) *Pointwise {
	return &Pointwise{name: name, from: FromOutput, f: f, slope: slope}
}

// NewPointwiseInput returns the input-derived elementwise activation called
// name with forward f and derivative df, df(x) = f'(x): for functions such as
// swish whose output does not determine their slope. check.Slope verifies df.
//
// A nil f or df makes the methods that need it panic, as for NewPointwise.
func NewPointwiseInput(name string, f, df func(float64) float64) *Pointwise {
	return &Pointwise{name: name, from: FromInput, f: f, slope: df}
}

// Name returns the activation's name.
func (p *Pointwise) Name() string { return p.name }

// DerivedFrom returns FromOutput for NewPointwise, FromInput for NewPointwiseInput.
func (p *Pointwise) DerivedFrom() Source { return p.from }

// F returns f(x).
func (p *Pointwise) F(x float64) float64 { return p.fwd().f(x) }

// Slope returns f'(x), computed from y = f(x) for FromOutput and from x for
// FromInput.
func (p *Pointwise) Slope(v float64) float64 { return p.slp().slope(v) }

// fwd and slp return p, panicking with a message when p has no forward or
// no slope (a zero Pointwise, or one made with a nil function).
func (p *Pointwise) fwd() *Pointwise {
	if p == nil || p.f == nil {
		panic("ops: Pointwise without a forward: make one with NewPointwise or NewPointwiseInput")
	}
	return p
}

func (p *Pointwise) slp() *Pointwise {
	if p == nil || p.slope == nil {
		panic("ops: Pointwise without a slope: make one with NewPointwise or NewPointwiseInput")
	}
	return p
}

// Forward64 writes y[i] = f(x[i]).
func (p *Pointwise) Forward64(y, x []float64, _ int) {
	mustHold(p.fwd().name, " forward", "y", len(y), len(x))
	if p.forward64 != nil {
		p.forward64(y, x)
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		y[i] = p.f(v)
	}
}

// Backward64 writes dx[i] = dy[i]·slope(y[i]), or dy[i]·slope(x[i]) for FromInput.
func (p *Pointwise) Backward64(dx, dy, x, y []float64, _ int) {
	if p.slp().from == FromInput {
		y = x
	}
	mustSame(p.name, " backward", "dy", p.from.String(), len(dy), len(y))
	mustHold(p.name, " backward", "dx", len(dx), len(y))
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, v := range y {
		dx[i] = dy[i] * p.slope(v)
	}
}

// Forward32 writes y[i] = f(x[i]), computed in float64.
func (p *Pointwise) Forward32(y, x []float32, _ int) {
	mustHold(p.fwd().name, " forward", "y", len(y), len(x))
	if p.forward32 != nil {
		p.forward32(y, x)
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(p.f(float64(v)))
	}
}

// Backward32 is Backward64 in float32, the slope computed in float64.
func (p *Pointwise) Backward32(dx, dy, x, y []float32, _ int) {
	if p.slp().from == FromInput {
		y = x
	}
	mustSame(p.name, " backward", "dy", p.from.String(), len(dy), len(y))
	mustHold(p.name, " backward", "dx", len(dx), len(y))
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, v := range y {
		dx[i] = dy[i] * float32(p.slope(float64(v)))
	}
}

// isNaN reports whether x is NaN without a call.
func isNaN(x float64) bool { return x != x }

// guardNaN returns x when it is NaN and v otherwise, so that piecewise
// activations propagate NaN instead of choosing a branch for it.
func guardNaN(x, v float64) float64 {
	if isNaN(x) {
		return x
	}
	return v
}

// Float is the element type of activations and losses: float32 or float64.
// It is the BLAS's constraint (blas.Float), so one set of types runs
// through the whole module.
type Float = blas.Float

// Forward calls a's Forward64 or Forward32, as T says, on the caller's
// goroutine: the serial form of Pool.Forward64 and Pool.Forward32.
func Forward[T Float](a Activation, y, x []T, cols int) {
	mustActivation("Forward", "", a)
	switch x := any(x).(type) {
	case []float64:
		a.Forward64(any(y).([]float64), x, cols)
	case []float32:
		a.Forward32(any(y).([]float32), x, cols)
	}
}

// Backward calls a's Backward64 or Backward32, as T says, on the caller's
// goroutine; x may be nil for an output-derived activation. It is the serial
// form of Pool.Backward64 and Pool.Backward32.
func Backward[T Float](a Activation, dx, dy, x, y []T, cols int) {
	mustActivation("Backward", "", a)
	switch y := any(y).(type) {
	case []float64:
		x64, _ := any(x).([]float64)
		a.Backward64(any(dx).([]float64), any(dy).([]float64), x64, y, cols)
	case []float32:
		x32, _ := any(x).([]float32)
		a.Backward32(any(dx).([]float32), any(dy).([]float32), x32, y, cols)
	}
}
