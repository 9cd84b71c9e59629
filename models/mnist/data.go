package mnist

import (
	"encoding/binary"
	"fmt"

	"outgrad/models/mnist/idx"
	"outgrad/ops"
)

// Data is the first N images of an idx.Set, held as the set holds them:
// Images is N×Pixels bytes row-major (0 background, 255 ink) and Labels the
// N digits, both sharing the set's memory. The network trains on floats: X
// and Y convert a range of images into a buffer the caller reuses, a batch or
// an evaluation block at a time, so that the images are held once, as bytes.
// A float copy of all of them would be 8 (float64) or 4 (float32) times their
// size, and the one-hot targets another 10 floats an image.
//
// Data is read only: one Data may be used by several trainings at once.
type Data[T ops.Float] struct {
	Images []uint8
	Labels []uint8
	N      int
}

// NewData returns the first n images of s as Data[T]; n must be in 1..s.N
// (pass s.N for all of them), and the labels must be digits 0..9. The Data
// shares s's pixels and labels, copying nothing: s must not be changed while
// the Data is in use.
func NewData[T ops.Float](s idx.Set, n int) (Data[T], error) {
	if n < 1 || n > s.N {
		return Data[T]{}, fmt.Errorf("mnist: want 1..%d images, got %d", s.N, n)
	}
	if len(s.Images) < n*idx.Pixels || len(s.Labels) < n {
		return Data[T]{}, fmt.Errorf("mnist: set of %d images holds %d bytes of pixels and %d labels", s.N, len(s.Images), len(s.Labels))
	}
	labels := s.Labels[:n:n]
	for i, l := range labels {
		if l >= idx.Classes {
			return Data[T]{}, fmt.Errorf("mnist: label %d of image %d is not a digit 0..9", l, i)
		}
	}
	// The full slice expressions keep an append to the Data's slices from
	// writing into the set.
	return Data[T]{Images: s.Images[: n*idx.Pixels : n*idx.Pixels], Labels: labels, N: n}, nil
}

// X writes images lo..hi−1 into dst as floats and returns dst[:(hi−lo)×Pixels]:
// row-major, pixel p as T(float64(p)/255), computed in float64 as numpy's
// x/255 and then converted to T. dst is reused when its capacity suffices,
// else X allocates a new slice. lo and hi index the images as a slice
// expression does, 0 ≤ lo ≤ hi ≤ N.
func (d Data[T]) X(dst []T, lo, hi int) []T {
	d.mustRange("X", lo, hi)
	px := d.Images[:d.N*idx.Pixels][lo*idx.Pixels : hi*idx.Pixels]
	dst = resize(dst, len(px))
	convert(dst, px, pixelScale[T]())
	return dst
}

// convert sets dst[i] = scale[px[i]]. Most of an MNIST image is background,
// so it takes the pixels eight at a time and writes zeros for eight zero
// bytes (scale[0] is 0) without looking them up.
func convert[T ops.Float](dst []T, px []uint8, scale *[256]T) {
	dst = dst[:len(px)]
	i := 0
	for ; i+8 <= len(px); i += 8 {
		if binary.LittleEndian.Uint64(px[i:]) == 0 {
			clear(dst[i : i+8])
			continue
		}
		d, p := dst[i:i+8], px[i:i+8]
		for j := range 8 {
			d[j] = scale[p[j]]
		}
	}
	for ; i < len(px); i++ {
		dst[i] = scale[px[i]]
	}
}

// Y writes the one-hot targets of images lo..hi−1 into dst and returns
// dst[:(hi−lo)×Classes]: row i holds 1 in the column of label lo+i and 0
// elsewhere. dst is reused as in X; lo and hi are as in X.
func (d Data[T]) Y(dst []T, lo, hi int) []T {
	d.mustRange("Y", lo, hi)
	labels := d.Labels[:d.N][lo:hi]
	dst = resize(dst, len(labels)*idx.Classes)
	clear(dst)
	for i, l := range labels {
		dst[i*idx.Classes : (i+1)*idx.Classes][l] = 1
	}
	return dst
}

// mustRange panics, as a slice expression would but naming the call, unless
// 0 ≤ lo ≤ hi ≤ N: a range outside the data is a programmer error.
func (d Data[T]) mustRange(what string, lo, hi int) {
	if lo < 0 || lo > hi || hi > d.N {
		panic(fmt.Sprintf("mnist: Data.%s: images [%d, %d) of %d", what, lo, hi, d.N))
	}
}

// resize returns dst with length n, reusing its memory when its capacity
// suffices.
func resize[T any](dst []T, n int) []T {
	if cap(dst) < n {
		return make([]T, n)
	}
	return dst[:n]
}

// scale64 and scale32 map a pixel byte p to float64(p)/255, and that
// converted to float32: the conversion of X as one table lookup a pixel.
var (
	scale64 = scaleTable[float64]()
	scale32 = scaleTable[float32]()
)

func scaleTable[T ops.Float]() *[256]T {
	var s [256]T
	for p := range s {
		s[p] = T(float64(p) / 255)
	}
	return &s
}

// pixelScale returns the table of T.
func pixelScale[T ops.Float]() *[256]T {
	if s, ok := any(scale64).(*[256]T); ok {
		return s
	}
	return any(scale32).(*[256]T)
}
