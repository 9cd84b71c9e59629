package graph_test

import (
	"fmt"
	"log"
	"math"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"outgrad/graph"
	"outgrad/ops"
)

// This example makes an activation a Gorgonia op: softsign, f(x) = x/(1+|x|),
// whose gradient the op reads off its output as (1 − |y|)².
func ExampleApply() {
	softsign := ops.NewPointwise("softsign",
		func(x float64) float64 { return x / (1 + math.Abs(x)) },
		func(y float64) float64 { return (1 - math.Abs(y)) * (1 - math.Abs(y)) })

	// cost = Σ softsign(x); its gradient is the slope at each x.
	g := gorgonia.NewGraph()
	x := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(5), gorgonia.WithName("x"),
		gorgonia.WithValue(tensor.New(tensor.WithBacking([]float64{-3, -1, 0, 1, 4}))))
	y, err := graph.Apply(x, softsign)
	if err != nil {
		log.Fatal(err)
	}
	cost := gorgonia.Must(gorgonia.Sum(y))
	grads, err := gorgonia.Grad(cost, x)
	if err != nil {
		log.Fatal(err)
	}
	// Read copies the values out: the machine reuses its registers.
	var yv, gv gorgonia.Value
	gorgonia.Read(y, &yv)
	gorgonia.Read(grads[0], &gv)
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("y  = %.4f\n", yv.Data())
	fmt.Printf("dx = %.4f\n", gv.Data())
	// Output:
	// y  = [-0.7500 -0.5000 0.0000 0.5000 0.8000]
	// dx = [0.0625 0.2500 1.0000 0.2500 0.0400]
}
