package compare

import (
	"errors"
	"math"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
)

// TestContract calls every exported function and method of the package
// with bad arguments: nil, zero, negative, mismatched lengths, NaN.
func TestContract(t *testing.T) {
	var zero mnist.Config
	c := mnist.DefaultConfig()
	c.Hidden, c.Batch, c.TrainImages, c.Iterations = []int{4}, 2, 2, 1
	set := idx.Set{N: 2, Images: make([]uint8, 2*idx.Pixels), Labels: []uint8{1, 2}}
	data, err := mnist.NewData[float64](set, 2)
	if err != nil {
		t.Fatal(err)
	}
	mnisttest.RunContract(t, "compare: ", []mnisttest.ContractCase{
		{Name: "Validate unknown impl", Call: func() error { return CompareOptions{Impl: "numpy"}.Validate() }},
		{Name: "Validate tol NaN", Call: func() error { return CompareOptions{Tol: math.NaN()}.Validate() }},
		{Name: "Validate tol -1", Call: func() error { return CompareOptions{Tol: -1}.Validate() }},
		{Name: "Validate tol Inf", Call: func() error { return CompareOptions{Tol: math.Inf(1)}.Validate() }},
		{Name: "ValidateFor zero Config", Call: func() error { return CompareOptions{}.ValidateFor(zero) }},
		{Name: "Compare zero Config", Call: func() error { _, err := Compare(zero, data, data, CompareOptions{}); return err }},
		{Name: "Compare zero Data", Call: func() error {
			_, err := Compare(c, mnist.Data[float64]{}, mnist.Data[float64]{}, CompareOptions{})
			return err
		}},
		{Name: "Compare Init short", Call: func() error {
			_, err := Compare(c, data, data, CompareOptions{Init: [][]float64{{1}}})
			return err
		}},
		{Name: "Compare Init NaN", Call: func() error {
			ws, err := mnist.InitWeights[float64](c, 1)
			if err != nil {
				return nil
			}
			ws[0][0] = math.NaN()
			_, err = Compare(c, data, data, CompareOptions{Init: ws, Impl: mnist.ImplHandRolled})
			if errors.Is(err, mnist.ErrDiverged) {
				return nil // trained: refused too late
			}
			return err
		}},
		{Name: "Checksum nil", Call: mnisttest.Returns(func() { Checksum[float64](nil) })},
		{Name: "NewConfigReport zero Config", Call: mnisttest.Returns(func() { NewConfigReport[float32](zero, math.NaN(), false) })},
		{Name: "DefaultTolerance", Call: mnisttest.Returns(func() { _ = DefaultTolerance[float32]() })},
	})
}
