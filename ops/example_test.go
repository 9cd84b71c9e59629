package ops_test

import (
	"fmt"
	"log"
	"math"

	"outgrad/ops"
	"outgrad/ops/check"
)

// This example adds an activation: softsign, f(x) = x/(1+|x|), whose slope
// 1/(1+|x|)² is (1 − |y|)² in terms of its output. check.Slope verifies the
// slope against finite differences; the backward reads it off the output, so
// it needs no input (nil). graph.Apply makes the same activation a Gorgonia
// op.
func ExampleNewPointwise() {
	softsign := ops.NewPointwise("softsign",
		func(x float64) float64 { return x / (1 + math.Abs(x)) },
		func(y float64) float64 { return (1 - math.Abs(y)) * (1 - math.Abs(y)) })

	rep, err := check.Slope(softsign, check.SlopeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("slope %s: ok=%v, %d points, %d kinks\n", rep.Name, rep.OK(), rep.Points, len(rep.Kinks))

	x := []float64{-3, -1, 0, 1, 4}
	y, dx := make([]float64, len(x)), make([]float64, len(x))
	ops.Forward(softsign, y, x, len(x))
	ops.Backward(softsign, dx, []float64{1, 1, 1, 1, 1}, nil, y, len(x))
	fmt.Printf("y  = %.4f\n", y)
	fmt.Printf("dx = %.4f\n", dx)
	// Output:
	// slope softsign: ok=true, 2001 points, 0 kinks
	// y  = [-0.7500 -0.5000 0.0000 0.5000 0.8000]
	// dx = [0.0625 0.2500 1.0000 0.2500 0.0400]
}
