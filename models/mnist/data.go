package mnist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"outgrad/models/mnist/idx"
	"outgrad/models/mnist/weightsfile"
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

// The names below keep earlier callers compiling while they move to the idx
// and weightsfile packages; each says what replaces it.

// Set is an idx.Set with the conversions to Data as methods.
//
// Deprecated: use idx.Set and NewData.
type Set idx.Set

// Float64 is NewData[float64](idx.Set(s), n).
//
// Deprecated: use NewData.
func (s Set) Float64(n int) (Data[float64], error) { return NewData[float64](idx.Set(s), n) }

// Float32 is NewData[float32](idx.Set(s), n).
//
// Deprecated: use NewData.
func (s Set) Float32(n int) (Data[float32], error) { return NewData[float32](idx.Set(s), n) }

// Load reads every image of the training and test sets in dir.
//
// Deprecated: use idx.Load(dir, trainN, idx.All), which reads only the
// training images used.
func Load(dir string) (train, test Set, err error) {
	tr, te, err := idx.Load(dir, idx.All, idx.All)
	return Set(tr), Set(te), err
}

// EnvDir is idx.EnvDir.
//
// Deprecated: use idx.EnvDir.
const EnvDir = idx.EnvDir

// DataDir is idx.DataDir.
//
// Deprecated: use idx.DataDir.
func DataDir(explicit string) (string, error) { return idx.DataDir(explicit) }

// SavedWeights is the content of a weights file of one hidden layer.
//
// Deprecated: use weightsfile.Weights.
type SavedWeights struct {
	Hidden   int
	Dtype    string
	W01, W12 []float64
}

// SaveWeights writes w01 (784×cfg.Hidden) and w12 (cfg.Hidden×10) to path in
// the weights file format (weightsfile.Marshal), through a temporary file in
// the same directory renamed over path.
//
// Deprecated: use weightsfile.Marshal or weightsfile.Encode and a safe file
// writer.
func SaveWeights(path string, cfg Config, dtype string, w01, w12 []float64) error {
	if len(cfg.Hidden) != 1 {
		return fmt.Errorf("mnist: save %s: %d hidden layers, SaveWeights writes one", path, len(cfg.Hidden))
	}
	if err := checkWeights(cfg, [][]float64{w01, w12}); err != nil {
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	b, err := weightsfile.Marshal(weightsfile.Weights{Dtype: dtype, Layers: []weightsfile.Matrix{
		{Rows: Pixels, Cols: cfg.Hidden[0], Data: w01},
		{Rows: cfg.Hidden[0], Cols: Classes, Data: w12},
	}})
	if err != nil {
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	return nil
}

// LoadWeights reads a weights file (weightsfile.Load) of two matrices,
// 784×h and h×10.
//
// Deprecated: use weightsfile.Load.
func LoadWeights(path string) (SavedWeights, error) {
	w, err := weightsfile.Load(path)
	if err != nil {
		return SavedWeights{}, fmt.Errorf("mnist: %w", err)
	}
	if len(w.Layers) != 2 || w.Layers[0].Rows != Pixels || w.Layers[1].Cols != Classes {
		return SavedWeights{}, fmt.Errorf("mnist: load weights %s: %d matrices, want 784×h and h×10", path, len(w.Layers))
	}
	return SavedWeights{Hidden: w.Layers[0].Cols, Dtype: w.Dtype, W01: w.Layers[0].Data, W12: w.Layers[1].Data}, nil
}
