package reference

import (
	"strings"
	"testing"

	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// scaledBCE is binary cross-entropy whose gradient is off by a factor.
type scaledBCE struct{ f float64 }

func (scaledBCE) Name() string { return "bce-off" }
func (scaledBCE) Value(y, t []float64, cols int) float64 {
	return ops.BinaryCrossEntropy.Value(y, t, cols)
}
func (l scaledBCE) Grad(d, y, t []float64, cols int) {
	ops.BinaryCrossEntropy.Grad(d, y, t, cols)
	for i := range d {
		d[i] *= l.f
	}
}

// TestPreflightChecksOwnLoss runs Preflight with an output of one's own:
// binary cross-entropy passes both its loss check and the network's finite
// differences; the same loss with a gradient 1.001 times too large fails
// both, the loss check naming the loss and its worst point.
func TestPreflightChecksOwnLoss(t *testing.T) {
	c := mnisttest.SmallConfig()
	train, test := mnisttest.LoadData(t, c.TrainImages)
	test.N = 100
	for _, tc := range []struct {
		loss ops.Loss
		ok   bool
	}{
		{ops.BinaryCrossEntropy, true},
		{scaledBCE{1.001}, false},
	} {
		c.Output = ops.Output{Name: "own", Act: ops.Sigmoid, Loss: tc.loss}
		chk, err := Preflight(c, train, test)
		if err != nil {
			t.Fatal(err)
		}
		if chk.Loss == nil {
			t.Fatalf("%s: no loss check", tc.loss.Name())
		}
		if chk.OK != tc.ok || chk.Loss.OK != tc.ok || chk.Loss.Entries == 0 {
			t.Errorf("%s: checks ok %v, loss check %v, want %v", tc.loss.Name(), chk.OK, chk.Loss, tc.ok)
		}
		if tc.ok {
			continue
		}
		all := strings.Join(chk.Failures, "\n")
		if !strings.Contains(all, "loss bce-off of output own: FAILED") || !strings.Contains(all, "network finite differences, handrolled: FAILED") {
			t.Errorf("failures do not name the loss check and the network check:\n%s", all)
		}
	}
}
