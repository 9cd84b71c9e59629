package mnist

import (
	"fmt"

	"outgrad/models/mnist/idx"
)

const (
	// Pixels is the number of pixels of one MNIST image, 28×28, stored row-major.
	Pixels = idx.Pixels
	// Classes is the number of MNIST labels, the digits 0..9.
	Classes = idx.Classes
)

// Data is the first N images of an idx.Set in the float form the network
// trains on: X is N×Pixels row-major with X[i] = pixel/255 (computed in
// float64, as numpy's x/255, then converted to T), Y is N×Classes one-hot
// with Y[Classes*i+Labels[i]] = 1, and Labels holds the N digits.
type Data[T float32 | float64] struct {
	X      []T
	Y      []T
	Labels []uint8
	N      int
}

// NewData returns the first n images of s as Data[T]; n must be in 1..s.N
// (pass s.N for all of them), and the labels must be digits 0..9.
func NewData[T float32 | float64](s idx.Set, n int) (Data[T], error) {
	if n < 1 || n > s.N {
		return Data[T]{}, fmt.Errorf("mnist: want 1..%d images, got %d", s.N, n)
	}
	if len(s.Images) < n*Pixels || len(s.Labels) < n {
		return Data[T]{}, fmt.Errorf("mnist: set of %d images holds %d bytes of pixels and %d labels", s.N, len(s.Images), len(s.Labels))
	}
	var scale [256]T
	for p := range scale {
		scale[p] = T(float64(p) / 255)
	}
	d := Data[T]{
		X:      make([]T, n*Pixels),
		Y:      make([]T, n*Classes),
		Labels: make([]uint8, n),
		N:      n,
	}
	for i, p := range s.Images[:n*Pixels] {
		d.X[i] = scale[p]
	}
	copy(d.Labels, s.Labels[:n])
	for i, l := range d.Labels {
		if l >= Classes {
			return Data[T]{}, fmt.Errorf("mnist: label %d of image %d is not a digit 0..9", l, i)
		}
		d.Y[Classes*i+int(l)] = 1
	}
	return d, nil
}
