package graph

import (
	"errors"
	"fmt"
	"math"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/ops/blas"
)

// Program is a compiled graph with learnables: one TapeMachine, built once and
// run for every step (by a [Runner]), that computes the cost and its
// gradients.
//
// The gradients are the values of the nodes that gorgonia.Grad adds, read
// where the machine wrote them, and Update applies them with one AXPY per
// learnable. (Gorgonia's dual values and solvers would instead add every
// gradient into a second copy, scale it, add it and zero it: four passes over
// each weight matrix per step instead of one.)
type Program struct {
	run   *Runner
	learn gorgonia.Nodes
	grads gorgonia.Nodes
	alpha float64
}

// Compile adds the gradients of cost with respect to learn to the graph that
// holds them and compiles it into one machine. The update applied by Update is
// plain gradient descent with learning rate alpha.
func Compile(cost *gorgonia.Node, learn gorgonia.Nodes, alpha float64) (*Program, error) {
	if cost == nil || len(learn) == 0 {
		return nil, fmt.Errorf("graph: compile: need a cost and at least one learnable")
	}
	if !cost.IsScalar() {
		return nil, fmt.Errorf("graph: compile: cost %s has shape %v, want a scalar", cost.Name(), cost.Shape())
	}
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("graph: compile: learning rate %v is not finite", alpha)
	}
	for _, n := range learn {
		if n == nil || n.Op() != nil {
			return nil, fmt.Errorf("graph: compile: learnable %v is not an input node", n)
		}
		if _, ok := n.Value().(*tensor.Dense); !ok {
			return nil, fmt.Errorf("graph: compile: learnable %s holds %T, want a dense tensor", n.Name(), n.Value())
		}
	}
	grads, err := gorgonia.Grad(cost, learn...)
	if err != nil {
		return nil, fmt.Errorf("graph: compile: gradients: %w", err)
	}
	return &Program{
		run:   NewRunner(cost.Graph()),
		learn: learn,
		grads: grads,
		alpha: alpha,
	}, nil
}

// Run executes the forward and backward pass once.
func (p *Program) Run() error {
	if p == nil {
		return errNilProgram
	}
	if err := p.run.Run(); err != nil {
		return fmt.Errorf("graph: run: %w", err)
	}
	return nil
}

// Grad returns the gradient of the cost with respect to learnable i after Run.
// The value is the machine's: the next Run overwrites it; copy it to keep it.
func (p *Program) Grad(i int) (*tensor.Dense, error) {
	if p == nil {
		return nil, errNilProgram
	}
	if i < 0 || i >= len(p.learn) {
		return nil, fmt.Errorf("graph: grad %d: only %d learnables", i, len(p.learn))
	}
	d, ok := p.grads[i].Value().(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("graph: grad of %s is %T after run, want a dense tensor", p.learn[i].Name(), p.grads[i].Value())
	}
	if !d.Shape().Eq(p.learn[i].Shape()) || d.Dtype() != p.learn[i].Dtype() {
		return nil, fmt.Errorf("graph: grad of %s is %v %v, want %v %v", p.learn[i].Name(), d.Dtype(), d.Shape(), p.learn[i].Dtype(), p.learn[i].Shape())
	}
	return d, nil
}

// Update applies w ← w − α·∂L/∂w to every learnable, with the gradients of
// the last Run.
func (p *Program) Update() error {
	if p == nil {
		return errNilProgram
	}
	if p.run.closed {
		return errors.New("graph: update: the program is closed")
	}
	for i, n := range p.learn {
		g, err := p.Grad(i)
		if err != nil {
			return fmt.Errorf("graph: update: %w", err)
		}
		w := n.Value().(*tensor.Dense)
		switch w.Dtype() {
		case tensor.Float64:
			blas.Axpy(-p.alpha, g.Float64s(), w.Float64s())
		case tensor.Float32:
			blas.Axpy(-p.alpha, g.Float32s(), w.Float32s())
		default:
			return fmt.Errorf("graph: update %s: dtype %v, want float32 or float64", n.Name(), w.Dtype())
		}
	}
	return nil
}

// Close releases the machine; a second Close does nothing, and a later Run
// is an error.
func (p *Program) Close() error {
	if p == nil {
		return nil
	}
	return p.run.Close()
}

// errNilProgram is the error of a method called on a nil Program.
var errNilProgram = errors.New("graph: nil Program")
