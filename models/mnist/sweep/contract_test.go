package sweep

import (
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil, zero, empty lists.
func TestContract(t *testing.T) {
	var zero mnist.Config
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Iterations = []int{4}, 2, 2, 1
	set := idx.Set{N: 2, Images: make([]uint8, 2*idx.Pixels), Labels: []uint8{1, 2}}
	data, err := mnist.NewData[float64](set, 2)
	if err != nil {
		t.Fatal(err)
	}
	acts, outs := []ops.Activation{ops.Tanh}, []ops.Output{ops.SoftmaxCrossEntropy}
	var nilReport *SweepReport
	mnisttest.RunContract(t, "sweep: ", []mnisttest.ContractCase{
		{Name: "Sweep no activations", Call: func() error { _, err := Sweep(c, nil, outs, data, data, nil); return err }},
		{Name: "Sweep no outputs", Call: func() error { _, err := Sweep(c, acts, nil, data, data, nil); return err }},
		{Name: "Sweep nil activation", Call: func() error {
			_, err := Sweep(c, []ops.Activation{nil}, outs, data, data, nil)
			return err
		}},
		{Name: "Sweep zero Output", Call: func() error { _, err := Sweep(c, acts, []ops.Output{{}}, data, data, nil); return err }},
		{Name: "Sweep zero Config", Call: func() error { _, err := Sweep(zero, acts, outs, data, data, nil); return err }},
		{Name: "Sweep zero Data", Call: func() error {
			_, err := Sweep(c, acts, outs, mnist.Data[float64]{}, mnist.Data[float64]{}, nil)
			return err
		}},
		{Name: "SweepSeeds no seeds", Call: func() error { _, err := SweepSeeds(c, nil, acts, outs, data, data, nil); return err }},
		{Name: "Seeds no seeds", Call: func() error { _, err := Seeds(c, nil, data, data, nil); return err }},
		{Name: "Seeds zero Config", Call: func() error { _, err := Seeds(zero, []uint32{1}, data, data, nil); return err }},
		{Name: "nil SweepReport Cell", Call: func() error {
			if _, ok := nilReport.Cell("tanh", "softmax"); ok {
				return nil
			}
			return mnisttest.ErrReturned
		}},
		{Name: "nil SweepReport Claims", Call: mnisttest.Returns(func() { nilReport.Claims() })},
		{Name: "zero SweepReport Claims", Call: mnisttest.Returns(func() { new(SweepReport).Claims() })},
		{Name: "zero Claim String", Call: mnisttest.Returns(func() { _ = Claim{}.String() })},
	})
}
