package mnist

import (
	"fmt"
	"sync"
)

// Set is one MNIST split as stored: N images of Pixels bytes each, row-major
// (image i is Images[Pixels*i : Pixels*(i+1)], 0 background, 255 ink), and
// their N labels in 0..9.
type Set struct {
	Images []uint8
	Labels []uint8
	N      int
}

// Data is the first N images of a Set in the float form the network trains
// on: X is N×Pixels row-major with X[i] = pixel/255 (computed in float64, as
// numpy's x/255, then converted to T), Y is N×Classes one-hot with
// Y[Classes*i+Labels[i]] = 1, and Labels holds the N digits.
type Data[T float32 | float64] struct {
	X      []T
	Y      []T
	Labels []uint8
	N      int
}

// File names of the four idx files, without the optional ".gz".
const (
	trainImages = "train-images-idx3-ubyte"
	trainLabels = "train-labels-idx1-ubyte"
	testImages  = "t10k-images-idx3-ubyte"
	testLabels  = "t10k-labels-idx1-ubyte"
)

// Load reads and validates the training set (train-images-idx3-ubyte,
// train-labels-idx1-ubyte) and the test set (t10k-…) from dir, each file
// gzipped (name.gz, preferred) or raw (name). Each set's image and label
// counts must agree. The files are read concurrently.
func Load(dir string) (train, test Set, err error) {
	var wg sync.WaitGroup
	var trainErr, testErr error
	wg.Go(func() { train, trainErr = loadSet(dir, trainImages, trainLabels) })
	wg.Go(func() { test, testErr = loadSet(dir, testImages, testLabels) })
	wg.Wait()
	if trainErr != nil {
		return Set{}, Set{}, trainErr
	}
	if testErr != nil {
		return Set{}, Set{}, testErr
	}
	return train, test, nil
}

// loadSet reads one split from dir and checks that its counts agree.
func loadSet(dir, images, labels string) (Set, error) {
	ipath, err := idxFile(dir, images)
	if err != nil {
		return Set{}, err
	}
	lpath, err := idxFile(dir, labels)
	if err != nil {
		return Set{}, err
	}
	pix, n, err := ReadImages(ipath)
	if err != nil {
		return Set{}, err
	}
	lab, err := ReadLabels(lpath)
	if err != nil {
		return Set{}, err
	}
	if len(lab) != n {
		return Set{}, fmt.Errorf("mnist: %s holds %d images but %s holds %d labels", ipath, n, lpath, len(lab))
	}
	return Set{Images: pix, Labels: lab, N: n}, nil
}

// Float64 returns the first n images of s as float64 Data; n must be in
// 1..s.N (pass s.N for all of them).
func (s Set) Float64(n int) (Data[float64], error) {
	return toData[float64](s, n)
}

// Float32 returns the first n images of s as float32 Data, with
// X[i] = float32(float64(pixel)/255); n must be in 1..s.N.
func (s Set) Float32(n int) (Data[float32], error) {
	return toData[float32](s, n)
}

func toData[T float32 | float64](s Set, n int) (Data[T], error) {
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
