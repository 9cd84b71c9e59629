package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Program is a compiled graph with learnables: one TapeMachine, built once and
// run for every step, that computes the cost and its gradients.
type Program struct {
	vm     gorgonia.VM
	learn  gorgonia.Nodes
	solver gorgonia.Solver
	vgs    []gorgonia.ValueGrad
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
	if _, err := gorgonia.Grad(cost, learn...); err != nil {
		return nil, fmt.Errorf("graph: compile: gradients: %w", err)
	}
	vm := gorgonia.NewTapeMachine(cost.Graph(), gorgonia.BindDualValues(learn...))
	return &Program{
		vm:     vm,
		learn:  learn,
		solver: gorgonia.NewVanillaSolver(gorgonia.WithLearnRate(alpha)),
		vgs:    gorgonia.NodesToValueGrads(learn),
	}, nil
}

// Run executes the forward and backward pass once.
func (p *Program) Run() error {
	defer p.vm.Reset()
	if err := p.vm.RunAll(); err != nil {
		return fmt.Errorf("graph: run: %w", err)
	}
	return nil
}

// Grad returns the gradient of the cost with respect to learnable i after Run.
// The value is the machine's: it is overwritten by Update and the next Run;
// copy it to keep it.
func (p *Program) Grad(i int) (*tensor.Dense, error) {
	if i < 0 || i >= len(p.learn) {
		return nil, fmt.Errorf("graph: grad %d: only %d learnables", i, len(p.learn))
	}
	g, err := p.learn[i].Grad()
	if err != nil {
		return nil, fmt.Errorf("graph: grad of %s: %w", p.learn[i].Name(), err)
	}
	d, ok := g.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("graph: grad of %s is %T, want a dense tensor", p.learn[i].Name(), g)
	}
	return d, nil
}

// Update applies w ← w − α·∂L/∂w to every learnable and zeroes the gradients.
func (p *Program) Update() error {
	if err := p.solver.Step(p.vgs); err != nil {
		return fmt.Errorf("graph: update: %w", err)
	}
	return nil
}

// Close releases the machine.
func (p *Program) Close() error { return p.vm.Close() }
