package graphnet_test

import (
	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/internal/mnisttest"
	"sync"
	"testing"
)

// checksums trains both implementations for a few iterations and returns the
// sum and sum of squares of every weight matrix of each.
func checksums(t *testing.T, train, test mnist.Data[float64]) [8]float64 {
	c := mnist.DefaultConfig()
	c.Iterations, c.TrainImages = 3, 500
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Error(err)
		return [8]float64{}
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Error(err)
		return [8]float64{}
	}
	g, err := graphnet.NewGraph(c, ws)
	if err != nil {
		t.Error(err)
		return [8]float64{}
	}
	defer g.Close()
	if _, err := tr.Run([]mnist.Net[float64]{g, h}, mnist.Hooks[float64]{}); err != nil {
		t.Error(err)
		return [8]float64{}
	}
	var out [8]float64
	for i, n := range []mnist.Net[float64]{g, h} {
		ws := n.Weights()
		a, b := ws[0], ws[1]
		out[4*i], out[4*i+1] = compare.Checksum(a)
		out[4*i+2], out[4*i+3] = compare.Checksum(b)
	}
	return out
}

// TestDeterministicAndConcurrent checks that one seed gives bit-identical
// weight checksums run after run, and when trainings run concurrently in one
// process (they share no mutable state; run it with -race).
func TestDeterministicAndConcurrent(t *testing.T) {
	train, test := mnisttest.LoadData(t, 500)
	test.N = 1000 // a smaller test set keeps this fast under -race
	want := checksums(t, train, test)
	if want == ([8]float64{}) {
		t.Fatal("no checksums")
	}
	if again := checksums(t, train, test); again != want {
		t.Fatalf("second run: checksums %v, first %v", again, want)
	}
	const workers = 3
	got := make([][8]float64, workers)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = checksums(t, train, test)
		}()
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("concurrent run %d: checksums %v, want %v", i, g, want)
		}
	}
	if want[0] != want[4] || want[2] != want[6] {
		t.Errorf("graph and hand-rolled weights differ: %v", want)
	}
}
