package mnist_test

import (
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
)

// TestEvaluatorHold: evaluations of held images give what they give
// unheld, and an evaluation of other images meanwhile leaves the held
// block as it was (the held images' accuracy and loss do not change).
func TestEvaluatorHold(t *testing.T) {
	c := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, c.TrainImages)
	ws := mnisttest.InitWeights(t, c, 1)
	n, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	var plain mnist.Evaluator[float64]
	want, err := plain.Loss(n, test, c.Output)
	if err != nil {
		t.Fatal(err)
	}
	var e mnist.Evaluator[float64]
	release := e.Hold(test)
	defer release()
	for round := range 2 {
		got, err := e.Loss(n, test, c.Output)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("round %d: held loss %v, unheld %v", round, got, want)
		}
		// Other images, different each round, evaluated by the same
		// evaluator meanwhile, must give their own loss.
		other := train
		other.Images, other.Labels, other.N = train.Images[round*100*784:], train.Labels[round*100:], 100
		var p mnist.Evaluator[float64]
		wantOther, err := p.Loss(n, other, c.Output)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.Loss(n, other, c.Output); err != nil || got != wantOther {
			t.Fatalf("round %d: loss of other images %v (%v) by the holding evaluator, %v by another", round, got, err, wantOther)
		}
	}
}
