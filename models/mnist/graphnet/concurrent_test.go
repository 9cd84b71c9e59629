package graphnet

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/ops"
)

// TestTwoNetsAtOnce trains, for every implementation, two nets of the same
// configuration from the same weights on two goroutines at once (sharing
// one ops.Pool, which is safe for concurrent use) and checks that each
// ends where a net trained alone ends: different Nets share nothing
// mutable. Run with -race, it also checks that they share no memory
// unsynchronised. (One Net is not safe for concurrent use; nothing here
// uses one from two goroutines.)
func TestTwoNetsAtOnce(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Dropout = []int{16}, 8, 8, false
	pool := ops.NewPool(2)
	defer pool.Close()
	c.Pool = pool
	ws, err := mnist.InitWeights[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, c.Batch*idx.Pixels)
	for i := range x {
		x[i] = float64(i%7) / 7
	}
	tg := make([]float64, c.Batch*idx.Classes)
	for r := range c.Batch {
		tg[r*idx.Classes+r%idx.Classes] = 1
	}
	builders := map[string]func() (mnist.Net[float64], func(), error){
		"handrolled": func() (mnist.Net[float64], func(), error) {
			n, err := mnist.NewHandRolled(c, ws)
			return n, func() {}, err
		},
		"graph": func() (mnist.Net[float64], func(), error) {
			n, err := NewGraph(c, ws)
			if err != nil {
				return nil, nil, err
			}
			return n, func() { n.Close() }, nil
		},
		"builtin": func() (mnist.Net[float64], func(), error) {
			n, err := NewBuiltin(c, ws)
			if err != nil {
				return nil, nil, err
			}
			return n, func() { n.Close() }, nil
		},
	}
	// train takes 5 steps and returns the weights and the logits.
	train := func(n mnist.Net[float64]) ([]float64, error) {
		for range 5 {
			if err := n.Step(x, tg, nil); err != nil {
				return nil, err
			}
		}
		out, err := n.Logits(x, c.Batch)
		if err != nil {
			return nil, err
		}
		res := append([]float64(nil), out...)
		for _, w := range n.Weights() {
			res = append(res, w...)
		}
		return res, nil
	}
	for name, build := range builders {
		t.Run(name, func(t *testing.T) {
			alone, closeAlone, err := build()
			if err != nil {
				t.Fatal(err)
			}
			defer closeAlone()
			want, err := train(alone)
			if err != nil {
				t.Fatal(err)
			}
			var nets [2]mnist.Net[float64]
			for i := range nets {
				n, closeNet, err := build()
				if err != nil {
					t.Fatal(err)
				}
				defer closeNet()
				nets[i] = n
			}
			var wg sync.WaitGroup
			var got [2][]float64
			var errs [2]error
			for i, n := range nets {
				wg.Go(func() { got[i], errs[i] = train(n) })
			}
			wg.Wait()
			for i := range nets {
				if errs[i] != nil {
					t.Fatalf("net %d: %v", i, errs[i])
				}
				if !slices.Equal(got[i], want) {
					t.Errorf("net %d trained beside another ends elsewhere than one trained alone: %s", i, firstDiff(got[i], want))
				}
			}
		})
	}
}

// firstDiff describes the first index where a and b differ.
func firstDiff(a, b []float64) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("[%d] %v, want %v", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}
