package mnist_test

import (
	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
	"testing"
)

// bookRun trains the hand-rolled network in book mode for iterations and
// returns its trajectory.
func bookRun(t *testing.T, iterations int) []mnist.Point {
	t.Helper()
	train, test := mnisttest.LoadData(t, 1000)
	c := mnist.DefaultConfig()
	c.Book, c.Iterations = true, iterations
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Fatal(err)
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	traj, err := tr.Run([]mnist.Net[float64]{h}, mnist.Hooks[float64]{})
	if err != nil {
		t.Fatal(err)
	}
	return traj[0]
}

func TestBookIterationZero(t *testing.T) {
	got := bookRun(t, 1)
	if len(got) != 1 || got[0].TestAcc != 0.394 || got[0].TrainAcc != 0.156 {
		t.Fatalf("iteration 0 = %+v, want Test-Acc 0.394 Train-Acc 0.156", got)
	}
}

// TestBookTable reproduces all 30 published rows (about 15 s in pure Go).
func TestBookTable(t *testing.T) {
	if testing.Short() {
		t.Skip("full 300-iteration run; skipped with -short")
	}
	got := bookRun(t, 300)
	want := mnist.BookTable()
	// The book prints iterations 0, 10, …, 290; the run also evaluates the
	// network after the last iteration, 299.
	if len(got) != len(want)+1 || got[len(got)-1].Iteration != 299 {
		t.Fatalf("%d rows ending at %+v, want %d and the final iteration 299", len(got), got[len(got)-1], len(want)+1)
	}
	for i, r := range want {
		if !mnist.MatchesBook(got[i], r) {
			t.Errorf("I:%d Test-Acc:%v Train-Acc:%v, the book printed Test-Acc:%v Train-Acc:%v",
				got[i].Iteration, got[i].TestAcc, got[i].TrainAcc, r.TestAcc, r.TrainAcc)
		}
	}
}

// TestBatchedEvalMatchesPerImageLoop checks that one batched product over
// the test set gives the same predictions as the book's image-by-image loop.
func TestBatchedEvalMatchesPerImageLoop(t *testing.T) {
	train, test := mnisttest.LoadData(t, 1000)
	c := mnist.DefaultConfig()
	c.Iterations = 3
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Fatal(err)
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run([]mnist.Net[float64]{h}, mnist.Hooks[float64]{}); err != nil {
		t.Fatal(err)
	}
	batched, err := mnist.Accuracy[float64](h, test)
	if err != nil {
		t.Fatal(err)
	}
	ws = h.Weights()
	w01, w12 := ws[0], ws[1]
	hidden := c.Hidden[0]
	correct := 0
	hid := make([]float64, hidden)
	var img []float64
	for i := 0; i < test.N; i++ {
		img = test.X(img, i, i+1)
		for j := range hid {
			var s float64
			for p, v := range img {
				s += v * w01[p*hidden+j]
			}
			hid[j] = s
		}
		c.HiddenAct[0].Forward64(hid, hid, hidden)
		var logits [idx.Classes]float64
		for k := range logits {
			for j, v := range hid {
				logits[k] += v * w12[j*idx.Classes+k]
			}
		}
		if mnist.Argmax(logits[:]) == int(test.Labels[i]) {
			correct++
		}
	}
	if loop := float64(correct) / float64(test.N); loop != batched {
		t.Fatalf("batched accuracy %v, per-image loop %v", batched, loop)
	}
}
