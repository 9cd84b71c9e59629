package mnist_test

import (
	"errors"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

func TestDivergenceIsReported(t *testing.T) {
	train, test := mnisttest.LoadData(t, 1000)
	c := mnist.DefaultConfig()
	// A linear network with a huge step grows geometrically until it overflows.
	c.Alpha, c.Iterations, c.HiddenAct, c.Output = 1e6, 20, []ops.Activation{ops.Identity}, ops.IdentitySquared
	for _, build := range []func([][]float64) (mnist.Net[float64], error){
		func(ws [][]float64) (mnist.Net[float64], error) { return mnist.NewHandRolled(c, ws) },
		func(ws [][]float64) (mnist.Net[float64], error) { return graphnet.NewGraph(c, ws) },
	} {
		tr, ws, err := mnist.NewTrainer(c, train, test)
		if err != nil {
			t.Fatal(err)
		}
		n, err := build(ws)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Run([]mnist.Net[float64]{n}, mnist.Hooks[float64]{})
		if err == nil || !errors.Is(err, mnist.ErrDiverged) || !strings.Contains(err.Error(), n.Name()+" diverged") || !strings.Contains(err.Error(), "iteration ") {
			t.Errorf("%s: Run = %v, want a divergence error naming the iteration and the matrix", n.Name(), err)
		} else {
			t.Log(err)
		}
	}
}
