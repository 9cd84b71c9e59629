package mnist_test

import (
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/internal/mnisttest"
)

// BenchmarkDataX times the conversion of one batch (100 images) and one
// evaluation block (EvalBlock images) of real images to floats.
func BenchmarkDataX(b *testing.B) {
	train, test := mnisttest.LoadSets(b, 1000)
	d, err := mnist.NewData[float64](train, 1000)
	if err != nil {
		b.Fatal(err)
	}
	dt, err := mnist.NewData[float64](test, test.N)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    mnist.Data[float64]
		n    int
	}{{"batch", d, 100}, {"block", dt, min(mnist.EvalBlock, dt.N)}} {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]float64, tc.n*idx.Pixels)
			b.SetBytes(int64(tc.n * idx.Pixels))
			b.ReportAllocs()
			for b.Loop() {
				buf = tc.d.X(buf, 0, tc.n)
			}
		})
	}
}
