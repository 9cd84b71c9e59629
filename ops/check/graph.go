package check

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// GradientOptions configures GraphGradient. The zero value selects
// every default.
type GradientOptions struct {
	// Tol is the tolerance on the relative error (default 1e-6).
	Tol float64
}

// GraphGradient checks a graph gradient against finite differences.
//
// build must make a float64 scalar cost on g from inputs, float64 tensor
// nodes shaped like the given values (anything else the cost needs, such as
// targets, it makes itself). GraphGradient computes gorgonia.Grad of the
// cost with respect to every input, runs one TapeMachine at the given values,
// and then, for every element of every input, re-runs the same machine with
// that element perturbed (through gorgonia.Let) to take the central
// difference of the cost, as Slope does (kinks included). Every element
// is compared by |a − n| / max(1, |n|) against opts.Tol (default 1e-6).
//
// The rounding error of the differences is about eps·|cost|/h with
// h ≈ 6e-6·max(1, |x|), so keep the cost of order one. The input values are
// copied, never modified.
//
// The error is nil when the check passes; it is the report's text when it
// fails, and describes the problem when the inputs, the graph or the machine
// fail (a panic in build or in Gorgonia is returned as an error).
func GraphGradient(build func(g *gorgonia.ExprGraph, inputs gorgonia.Nodes) (*gorgonia.Node, error), inputs []*tensor.Dense, opts GradientOptions) (rep GradientReport, err error) {
	const what = "check: graph gradient"
	if build == nil {
		return GradientReport{}, fmt.Errorf("%s: nil build function", what)
	}
	if len(inputs) == 0 {
		return GradientReport{}, fmt.Errorf("%s: no inputs", what)
	}
	tol := opts.Tol
	if tol == 0 {
		tol = DefaultTol
	}
	if !(tol > 0) {
		return GradientReport{}, fmt.Errorf("%s: tolerance %g must be positive", what, tol)
	}
	defer func() {
		if r := recover(); r != nil {
			rep, err = GradientReport{}, fmt.Errorf("%s: panic: %v", what, r)
		}
	}()

	// Private copies of the inputs: their elements are perturbed in place.
	work := make([]*tensor.Dense, len(inputs))
	for i, in := range inputs {
		if in == nil {
			return GradientReport{}, fmt.Errorf("%s: input %d is nil", what, i)
		}
		if in.Dtype() != tensor.Float64 {
			return GradientReport{}, fmt.Errorf("%s: input %d has dtype %v, want float64", what, i, in.Dtype())
		}
		if in.Shape().Dims() == 0 || in.Size() == 0 {
			return GradientReport{}, fmt.Errorf("%s: input %d has shape %v, want a non-empty tensor", what, i, in.Shape())
		}
		src := in
		if src.IsMaterializable() {
			src = src.Materialize().(*tensor.Dense)
		}
		data := append([]float64(nil), src.Float64s()[:src.Size()]...)
		work[i] = tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.WithBacking(data))
	}

	g := gorgonia.NewGraph()
	nodes := make(gorgonia.Nodes, len(work))
	for i, w := range work {
		nodes[i] = gorgonia.NewTensor(g, tensor.Float64, w.Dims(), gorgonia.WithShape(w.Shape().Clone()...), gorgonia.WithName(fmt.Sprintf("x%d", i)))
		if err := gorgonia.Let(nodes[i], w); err != nil {
			return GradientReport{}, fmt.Errorf("%s: bind input %d: %w", what, i, err)
		}
	}
	cost, err := build(g, nodes)
	switch {
	case err != nil:
		return GradientReport{}, fmt.Errorf("%s: build: %w", what, err)
	case cost == nil:
		return GradientReport{}, fmt.Errorf("%s: build returned a nil cost", what)
	case cost.Graph() != g:
		return GradientReport{}, fmt.Errorf("%s: build returned a cost on another graph", what)
	case !cost.IsScalar() || cost.Dtype() != tensor.Float64:
		return GradientReport{}, fmt.Errorf("%s: cost %v is %v, want a float64 scalar", what, cost.Name(), cost.Type())
	}
	grads, err := gorgonia.Grad(cost, nodes...)
	if err != nil {
		return GradientReport{}, fmt.Errorf("%s: grad: %w", what, err)
	}
	// Read copies values out of the machine's registers, which it reuses.
	var costV gorgonia.Value
	gradV := make([]gorgonia.Value, len(grads))
	gorgonia.Read(cost, &costV)
	for i, gn := range grads {
		gorgonia.Read(gn, &gradV[i])
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	run := func() (float64, error) {
		defer m.Reset()
		for i, n := range nodes {
			if err := gorgonia.Let(n, work[i]); err != nil {
				return 0, err
			}
		}
		if err := m.RunAll(); err != nil {
			return 0, err
		}
		return scalarOf(costV)
	}

	c0, err := run()
	if err != nil {
		return GradientReport{}, fmt.Errorf("%s: run: %w", what, err)
	}
	analytic := make([][]float64, len(grads))
	for i, v := range gradV {
		d, ok := v.(*tensor.Dense)
		if !ok || d.Dtype() != tensor.Float64 || d.Size() != work[i].Size() {
			return GradientReport{}, fmt.Errorf("%s: gradient of input %d is %v, want float64 %v", what, i, v, work[i].Shape())
		}
		if d.IsMaterializable() {
			d = d.Materialize().(*tensor.Dense)
		}
		analytic[i] = append([]float64(nil), d.Float64s()[:d.Size()]...)
	}

	rep = GradientReport{Tol: tol, Cost: c0}
	rep.Worst.Err = -1
	var runErr error
	for i, w := range work {
		data := w.Float64s()
		for k, x0 := range data {
			f := func(t float64) float64 {
				data[k] = t
				c, err := run()
				if err != nil && runErr == nil {
					runErr = err
				}
				return c
			}
			d := numDeriv(f, x0, tol/1000)
			data[k] = x0
			if runErr != nil {
				return GradientReport{}, fmt.Errorf("%s: run with input %d element %v perturbed: %w", what, i, unravel(k, w.Shape()), runErr)
			}
			a := analytic[i][k]
			if d.kink {
				rep.Kinks = append(rep.Kinks, GradientKink{Input: i, Index: unravel(k, w.Shape()), X: x0, Left: d.left, Right: d.right, Analytic: a})
				continue
			}
			rep.Elements++
			if e := relErr(a, d.d); e > rep.Worst.Err {
				rep.Worst = GradientPoint{Input: i, Index: unravel(k, w.Shape()), X: x0, Analytic: a, Numeric: d.d, NumErr: d.err, Err: e}
			}
		}
	}
	if rep.Elements == 0 {
		return rep, fmt.Errorf("%s: every element is a kink, nothing compared: %s", what, rep)
	}
	return rep, rep.Err()
}

// unravel returns the row-major coordinates of element k of a tensor of
// the given shape (tensor.Itol with the shape's own strides; k is always
// in range here, so its error cannot occur).
func unravel(k int, shape tensor.Shape) []int {
	c, _ := tensor.Itol(k, shape, shape.CalcStrides())
	return c
}

// scalarOf reads a scalar value.
func scalarOf(v gorgonia.Value) (float64, error) {
	switch v := v.(type) {
	case *gorgonia.F64:
		return float64(*v), nil
	case *gorgonia.F32:
		return float64(*v), nil
	case *tensor.Dense:
		if v.Size() == 1 {
			switch d := v.Data().(type) {
			case float64:
				return d, nil
			case []float64:
				return d[0], nil
			}
		}
	}
	return 0, fmt.Errorf("cost is %T, want a scalar", v)
}
