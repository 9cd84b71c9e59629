package reference

import (
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil, zero, mismatched lengths.
func TestContract(t *testing.T) {
	var zero mnist.Config
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Dropout = []int{4}, 2, 2, false
	ws, err := mnist.InitWeights[float64](c, 1)
	if err != nil {
		t.Fatal(err)
	}
	set := idx.Set{N: 2, Images: make([]uint8, 2*idx.Pixels), Labels: []uint8{1, 2}}
	data, err := mnist.NewData[float64](set, 2)
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewChecker(c, ws, []string{mnist.ImplHandRolled}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	x, tg := data.X(nil, 0, 2), data.Y(nil, 0, 2)
	var empty *Checks
	mnisttest.RunContract(t, "reference: ", []mnisttest.ContractCase{
		{Name: "NewChecker zero Config", Call: func() error { _, err := NewChecker[float64](zero, ws, nil, false); return err }},
		{Name: "NewChecker nil weights", Call: func() error { _, err := NewChecker[float64](c, nil, nil, false); return err }},
		{Name: "NewChecker short weights", Call: func() error { _, err := NewChecker(c, [][]float64{ws[0][:3], ws[1]}, nil, false); return err }},
		{Name: "NewChecker unknown impl", Call: func() error { _, err := NewChecker(c, ws, []string{"numpy"}, false); return err }},
		{Name: "Preflight zero Config", Call: func() error { _, err := Preflight(zero, data, data); return err }},
		{Name: "Preflight zero Data", Call: func() error { _, err := Preflight(c, mnist.Data[float64]{}, data); return err }},
		{Name: "Checker.At no nets", Call: func() error {
			return k.At(mnist.Batch[float64]{X: x, T: tg}, nil)
		}},
		{Name: "Checker.At nil net", Call: func() error {
			return k.At(mnist.Batch[float64]{X: x, T: tg}, []mnist.Net[float64]{nil})
		}},
		{Name: "Checker.At short batch", Call: func() error {
			return k.At(mnist.Batch[float64]{X: x[:5], T: tg}, []mnist.Net[float64]{h})
		}},
		{Name: "Checker.At nil batch", Call: func() error {
			return k.At(mnist.Batch[float64]{}, []mnist.Net[float64]{h})
		}},
		{Name: "nil Checks Lines", Call: mnisttest.Returns(func() { empty.Lines() })},
		{Name: "zero Checker Close", Call: mnisttest.Returns(func() { new(Checker[float64]).Close() })},
		{Name: "zero Checker Finish", Call: mnisttest.Returns(func() { new(Checker[float64]).Finish() })},
		{Name: "zero Checker SlopesBefore", Call: mnisttest.Returns(func() { new(Checker[float64]).SlopesBefore() })},
		{Name: "zero Checker SlopesAfter", Call: mnisttest.Returns(func() { new(Checker[float64]).SlopesAfter() })},
		{Name: "zero Checks String methods", Call: mnisttest.Returns(func() {
			_ = SlopeCheck{}.String() + FDCheck{}.String() + BuiltinCheck{}.String()
		})},
	})
}
