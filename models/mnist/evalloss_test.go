package mnist

import (
	"math"
	"testing"

	"outgrad/models/mnist/idx"
	"outgrad/ops"
)

// fixedLogits is a net whose test-time logits are z, whatever the images.
type fixedLogits struct {
	*idleNet
	z []float64
}

func (n fixedLogits) Logits(x []float64, rows int) ([]float64, error) {
	return n.z[:rows*idx.Classes], nil
}

// TestEvaluatorLossFormulas checks the evaluation's loss against the
// formulas written out directly: −ln(e^(k·z_l) / Σ_j e^(k·z_j)) for a softmax
// of base e^k (e and 2), ½Σ_j (σ(z_j) − t_j)² for the sigmoid's squared
// error, the mean over the images; on logits of moderate size and on a row
// spread over ±40.
func TestEvaluatorLossFormulas(t *testing.T) {
	labels := []uint8{0, 3, 9}
	z := make([]float64, len(labels)*idx.Classes)
	for j := range idx.Classes {
		z[j] = 0.5 * float64(j)                   // the label's logit the smallest
		z[idx.Classes+j] = 40 - 9*float64(j)      // a spread row
		z[2*idx.Classes+j] = math.Sin(float64(j)) // the label's near the middle
	}
	s := idx.Set{Images: make([]uint8, len(labels)*idx.Pixels), Labels: labels, N: len(labels)}
	d, err := NewData[float64](s, len(labels))
	if err != nil {
		t.Fatal(err)
	}
	n := fixedLogits{newIdleNet(DefaultConfig()), z}
	base2, err := ops.SoftmaxOutput(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		out  ops.Output
		loss func(row []float64, label int) float64
	}{
		{ops.SoftmaxCrossEntropy, func(row []float64, l int) float64 {
			var s float64
			for _, v := range row {
				s += math.Exp(v)
			}
			return -math.Log(math.Exp(row[l]) / s)
		}},
		{base2, func(row []float64, l int) float64 {
			var s float64
			for _, v := range row {
				s += math.Pow(2, v)
			}
			return -math.Log(math.Pow(2, row[l]) / s)
		}},
		{ops.SigmoidSquared, func(row []float64, l int) float64 {
			var s float64
			for j, v := range row {
				d := 1 / (1 + math.Exp(-v))
				if j == l {
					d--
				}
				s += d * d / 2
			}
			return s
		}},
	} {
		var want float64
		for r, l := range labels {
			want += tc.loss(z[r*idx.Classes:(r+1)*idx.Classes], int(l))
		}
		want /= float64(len(labels))
		var e Evaluator[float64]
		got, err := e.Loss(n, d, tc.out)
		if err != nil || !(math.Abs(got-want) <= 1e-13*want) {
			t.Errorf("%s: loss %v, %v; the formula gives %v", tc.out.Name, got, err, want)
		}
	}
}
