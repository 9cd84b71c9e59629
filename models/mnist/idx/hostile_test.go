package idx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// bomb returns a gzipped idx3 image file whose header declares declared
// images and whose content is followed by zeros up to zeros bytes in all:
// a few hundred KB that decompress to zeros bytes.
func bomb(t testing.TB, declared int32, zeros int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	binary.Write(w, binary.BigEndian, []uint32{imageMagic, uint32(declared), 28, 28})
	chunk := make([]byte, 1<<16)
	for left := zeros; left > 0; left -= len(chunk) {
		w.Write(chunk[:min(left, len(chunk))])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestDeclaredBeyondFile reads files whose header declares 1,000,000 images
// but which hold 972 (762 KB): asking for 500 succeeds, asking for 1000 or
// All fails as truncated, and each allocates about what it asked for or what
// the file holds, never the 784 MB the header claims.
func TestDeclaredBeyondFile(t *testing.T) {
	const held = 972 // 16 + 972×784 bytes = 762,064 bytes
	raw := imageFile(imageMagic, 1_000_000, 28, 28, held*Pixels)
	for name, data := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		p := writeFile(t, "train-images-idx3-ubyte", data)
		for _, tc := range []struct {
			n     int
			fail  bool
			limit uint64 // bytes
		}{
			{500, false, 500*Pixels + 256<<10},
			{1000, true, 1000*Pixels + 256<<10},
			{All, true, growFrom + 256<<10},
		} {
			var err error
			var pix []byte
			a := allocated(func() { pix, _, err = ReadImages(p, tc.n) })
			t.Logf("%s n=%d: allocated %d bytes, %v", name, tc.n, a, err)
			if tc.fail {
				wantErr(t, err, ErrBadFile, p, "truncated: holds 972 of the 1000000 images")
			} else if err != nil || len(pix) != tc.n*Pixels {
				t.Errorf("%s n=%d: %d bytes, %v", name, tc.n, len(pix), err)
			}
			if a > tc.limit {
				t.Errorf("%s n=%d: reading a %d-byte file allocated %d bytes, want <= %d", name, tc.n, len(data), a, tc.limit)
			}
		}
	}
}

// TestReadAllRawAllocatesOnce reads All of a raw file of 6000 images (4.7
// MB): the file's size bounds the buffer, so the pixels are one allocation of
// their own size. Doubling from growFrom would allocate 1+2+4+4.7 MB, and
// hold the last two at once.
func TestReadAllRawAllocatesOnce(t *testing.T) {
	const n = 6000
	p := writeFile(t, "t10k-images-idx3-ubyte", imageFile(imageMagic, n, 28, 28, n*Pixels))
	var err error
	var pix []byte
	a := allocated(func() { pix, _, err = ReadImages(p, All) })
	if err != nil || len(pix) != n*Pixels {
		t.Fatalf("ReadImages(All): %d bytes, %v", len(pix), err)
	}
	if limit := uint64(n*Pixels + 64<<10); a > limit {
		t.Errorf("reading %d images (%d bytes) allocated %d bytes, want <= %d", n, n*Pixels, a, limit)
	}
}

// TestHostileHeaderAllocatesLittle reads files whose headers claim the most
// images allowed but which hold 100 bytes: reading All must fail having
// allocated about growFrom, not the 822 MB claimed.
func TestHostileHeaderAllocatesLittle(t *testing.T) {
	for name, data := range map[string][]byte{
		"images raw":  imageFile(imageMagic, MaxImages, 28, 28, 100),
		"images gzip": gz(imageFile(imageMagic, MaxImages, 28, 28, 100)),
		"labels raw":  labelFile(labelMagic, MaxImages, make([]byte, 100)),
	} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "hostile", data)
			var err error
			a := allocated(func() {
				if name[0] == 'i' {
					_, _, err = ReadImages(p, All)
				} else {
					_, _, err = ReadLabels(p, All)
				}
			})
			wantErr(t, err, ErrBadFile, p, "truncated", "of the 1048576")
			if limit := uint64(growFrom + 256<<10); a > limit {
				t.Errorf("reading a %d-byte file allocated %d bytes, want <= %d", len(data), a, limit)
			}
		})
	}
}

// TestGzipBomb reads a 100 KB gzip file that decompresses to 80 MB of
// zeros. Asking for 10 images decompresses little more than 10 images'
// worth and allocates about 10×784 bytes; a header declaring 10 images
// followed by the 80 MB is trailing data, found after 10 images and a byte.
func TestGzipBomb(t *testing.T) {
	const zeros = 100_000 * Pixels
	for _, tc := range []struct {
		name     string
		declared int32
		n        int
		kind     error
	}{
		{"first 10 of 100000", 100_000, 10, nil},
		{"all 10 declared", 10, All, ErrBadFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := bomb(t, tc.declared, zeros)
			t.Logf("%d bytes decompress to %d", len(data), 16+zeros)
			c := &countingReader{r: bytes.NewReader(data)}
			var err error
			var pix []byte
			a := allocated(func() { pix, _, err = readImages(c, "bomb.gz", tc.n) })
			if tc.kind == nil {
				if err != nil || len(pix) != 10*Pixels {
					t.Fatalf("%d bytes, %v", len(pix), err)
				}
			} else {
				wantErr(t, err, tc.kind, "bomb.gz", "trailing data after the images")
			}
			// gzip's own state (a 32 KB window, its decoding tables) and a
			// 4 KB bufio buffer come on top of the 7840 bytes of pixels.
			if limit := uint64(10*Pixels + 128<<10); a > limit {
				t.Errorf("allocated %d bytes, want <= %d", a, limit)
			}
			// 16 KB of input holds the first 10 images many times over.
			if c.n > 16<<10 {
				t.Errorf("read %d of %d compressed bytes, want <= 16 KB", c.n, len(data))
			}
		})
	}
}

// TestSourceErrorIsNotBadFile checks that a failing read of the file is
// reported as that failure, not as a bad file.
func TestSourceErrorIsNotBadFile(t *testing.T) {
	eio := errors.New("input/output error")
	valid := imageFile(imageMagic, 2, 28, 28, 2*Pixels)
	for name, data := range map[string][]byte{"raw": valid, "gzip": gz(valid)} {
		r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotestErrReader{eio})
		_, _, err := readImages(r, "disk", All)
		if !errors.Is(err, eio) || errors.Is(err, ErrBadFile) {
			t.Errorf("%s: error %v, want the read error and not ErrBadFile", name, err)
		}
	}
}

type iotestErrReader struct{ err error }

func (r iotestErrReader) Read([]byte) (int, error) { return 0, r.err }
