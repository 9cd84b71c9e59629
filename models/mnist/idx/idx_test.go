package idx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// imageFile returns an idx3 image file: the header fields, then payload bytes
// of pixels (i%251).
func imageFile(magic uint32, n, rows, cols int32, payload int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{magic, uint32(n), uint32(rows), uint32(cols)})
	for i := range payload {
		b.WriteByte(byte(i % 251))
	}
	return b.Bytes()
}

// labelFile returns an idx1 label file claiming n labels, followed by labels.
func labelFile(magic uint32, n int32, labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{magic, uint32(n)})
	b.Write(labels)
	return b.Bytes()
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// writeFile writes data to a new file under t.TempDir() and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	writeFileAt(t, p, data)
	return p
}

// writeFileAt writes data to path, which must lie under a t.TempDir().
func writeFileAt(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantErr checks that err is an "idx: " error naming path, matching kind
// with errors.Is (unless kind is nil) and containing each of subs.
func wantErr(t *testing.T, err error, kind error, path string, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", subs)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "idx: ") {
		t.Errorf("error %q lacks the \"idx: \" prefix", msg)
	}
	if !strings.Contains(msg, path) {
		t.Errorf("error %q does not name the file %s", msg, path)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q does not match %v", msg, kind)
	}
	for _, s := range subs {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not contain %q", msg, s)
		}
	}
}

func TestReadImagesValid(t *testing.T) {
	raw := imageFile(imageMagic, 3, 28, 28, 3*Pixels)
	for name, data := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "images", data)
			for _, n := range []int{All, 3, 2, 0} {
				pix, count, err := ReadImages(p, n)
				if err != nil {
					t.Fatalf("n=%d: %v", n, err)
				}
				want := n
				if n == All {
					want = 3
				}
				if count != 3 || len(pix) != want*Pixels {
					t.Fatalf("n=%d: declared %d, %d bytes; want 3, %d", n, count, len(pix), want*Pixels)
				}
				if !bytes.Equal(pix, raw[16:16+want*Pixels]) {
					t.Errorf("n=%d: pixels differ from the file's payload", n)
				}
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		pix, count, err := ReadImages(writeFile(t, "images", imageFile(imageMagic, 0, 28, 28, 0)), All)
		if err != nil || count != 0 || len(pix) != 0 {
			t.Fatalf("got %d images, %v; want 0 images and no error", count, err)
		}
	})
	t.Run("two gzip members", func(t *testing.T) {
		pix, _, err := ReadImages(writeFile(t, "images", cat(gz(raw[:1000]), gz(raw[1000:]))), All)
		if err != nil || !bytes.Equal(pix, raw[16:]) {
			t.Fatalf("concatenated gzip members: %v", err)
		}
	})
}

// TestReadFirstN checks that n images are read without looking further:
// what follows them, even garbage, is not read.
func TestReadFirstN(t *testing.T) {
	valid := imageFile(imageMagic, 5, 28, 28, 5*Pixels)
	garbage := cat(valid[:16+2*Pixels], bytes.Repeat([]byte{0xff}, 10))
	z := gz(valid)
	corruptTail := append([]byte(nil), z...)
	corruptTail[len(corruptTail)-6] ^= 0xff // CRC of the gzip member
	for name, data := range map[string][]byte{"raw short": garbage, "gzip bad checksum": corruptTail} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "images", data)
			if _, _, err := ReadImages(p, 2); err != nil {
				t.Errorf("first 2 images: %v", err)
			}
			_, _, err := ReadImages(p, All)
			wantErr(t, err, ErrBadFile, p)
		})
	}
}

func TestReadImagesErrors(t *testing.T) {
	valid := imageFile(imageMagic, 2, 28, 28, 2*Pixels)
	corrupt := gz(valid)
	corrupt[len(corrupt)/2] ^= 0xff
	truncGz := gz(valid)
	truncGz = truncGz[:len(truncGz)-10]
	for _, tc := range []struct {
		name string
		data []byte
		n    int
		kind error
		subs []string
	}{
		{"empty file", nil, All, ErrBadFile, []string{"too short"}},
		{"short header", valid[:10], All, ErrBadFile, []string{"too short"}},
		{"label magic", imageFile(labelMagic, 2, 28, 28, 2*Pixels), All, ErrBadFile, []string{"magic number 0x00000801, want 0x00000803"}},
		{"wrong magic", imageFile(0xdeadbeef, 2, 28, 28, 2*Pixels), All, ErrBadFile, []string{"magic number 0xdeadbeef"}},
		{"wrong dims", imageFile(imageMagic, 2, 32, 28, 2*Pixels), All, ErrBadFile, []string{"images of 32x28, want 28x28"}},
		{"wrong width", imageFile(imageMagic, 2, 28, 27, 2*Pixels), All, ErrBadFile, []string{"images of 28x27, want 28x28"}},
		{"truncated", valid[:len(valid)-1], All, ErrBadFile, []string{"truncated: holds 1 of the 2 images", "1567 bytes of pixels, want 1568"}},
		{"truncated, first n", valid[:len(valid)-1], 2, ErrBadFile, []string{"truncated: holds 1 of the 2 images"}},
		{"trailing bytes", cat(valid, []byte{0}), All, ErrBadFile, []string{"trailing data after the images"}},
		{"trailing bytes, n = count", cat(valid, []byte{0}), 2, ErrBadFile, []string{"trailing data after the images"}},
		{"negative count", imageFile(imageMagic, -1, 28, 28, 0), All, ErrBadFile, []string{"header says -1 images"}},
		{"huge count", imageFile(imageMagic, 1<<31-1, 28, 28, 100), 1, ErrBadFile, []string{"header says 2147483647 images, want 0..1048576"}},
		{"count beyond the cap", imageFile(imageMagic, MaxImages+1, 28, 28, 100), 1, ErrBadFile, []string{"header says 1048577 images"}},
		{"more than declared", valid, 3, ErrTooFew, []string{"asked for 3 images, the header declares 2"}},
		{"negative n", valid, -2, nil, []string{"asked for -2 images"}},
		{"corrupted gzip", corrupt, All, ErrBadFile, nil},
		{"truncated gzip", truncGz, All, ErrBadFile, []string{"gzip data truncated"}},
		{"gzip cut in the header", gz(valid)[:20], All, ErrBadFile, []string{"header: gzip data truncated"}},
		{"gzip magic only", []byte{0x1f, 0x8b, 0}, All, ErrBadFile, nil},
		{"junk after gzip", cat(gz(valid), []byte("junk")), All, ErrBadFile, []string{"trailing data after the gzip stream"}},
		{"one byte after gzip", cat(gz(valid), []byte{0}), All, ErrBadFile, []string{"trailing data after the gzip stream"}},
		{"truncated second member", cat(gz(valid), gz(nil)[:5]), All, ErrBadFile, []string{"gzip data truncated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "train-images-idx3-ubyte.gz", tc.data)
			_, _, err := ReadImages(p, tc.n)
			wantErr(t, err, tc.kind, p, tc.subs...)
			if tc.kind != ErrBadFile && errors.Is(err, ErrBadFile) {
				t.Errorf("error %q matches ErrBadFile", err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope.gz")
		_, _, err := ReadImages(p, All)
		wantErr(t, err, ErrNotFound, p, "no such file")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %q does not match fs.ErrNotExist", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		p := t.TempDir()
		_, _, err := ReadImages(p, All)
		wantErr(t, err, ErrBadFile, p, "not a regular file")
	})
}

func TestReadLabels(t *testing.T) {
	labels := []byte{5, 0, 4, 1, 9, 2}
	raw := labelFile(labelMagic, int32(len(labels)), labels)
	for name, data := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "labels", data)
			got, count, err := ReadLabels(p, All)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, labels) || count != len(labels) {
				t.Fatalf("got %v (declared %d), want %v", got, count, labels)
			}
			got, _, err = ReadLabels(p, 2)
			if err != nil || !bytes.Equal(got, labels[:2]) {
				t.Fatalf("first 2: got %v, %v", got, err)
			}
		})
	}
	corrupt := gz(raw)
	corrupt[len(corrupt)-5] ^= 0xff // CRC / size trailer
	for _, tc := range []struct {
		name string
		data []byte
		n    int
		kind error
		subs []string
	}{
		{"short header", raw[:7], All, ErrBadFile, []string{"too short"}},
		{"image magic", labelFile(imageMagic, 6, labels), All, ErrBadFile, []string{"magic number 0x00000803, want 0x00000801"}},
		{"truncated", labelFile(labelMagic, 7, labels), All, ErrBadFile, []string{"truncated: holds 6 of the 7 labels"}},
		{"truncated, first n", labelFile(labelMagic, 700, labels), 7, ErrBadFile, []string{"truncated: holds 6 of the 700 labels"}},
		{"trailing bytes", labelFile(labelMagic, 5, labels), All, ErrBadFile, []string{"trailing data after the labels"}},
		{"negative count", labelFile(labelMagic, -3, labels), All, ErrBadFile, []string{"header says -3 labels"}},
		{"huge count", labelFile(labelMagic, 1<<31-1, labels), All, ErrBadFile, []string{"header says 2147483647 labels"}},
		{"label 10", labelFile(labelMagic, 3, []byte{1, 10, 2}), All, ErrBadFile, []string{"label 10 of image 1 is not a digit"}},
		{"more than declared", raw, 7, ErrTooFew, []string{"asked for 7 labels, the header declares 6"}},
		{"corrupted gzip", corrupt, All, ErrBadFile, nil},
		{"junk after gzip", cat(gz(raw), []byte("PK\x03\x04")), All, ErrBadFile, []string{"trailing data after the gzip stream"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "t10k-labels-idx1-ubyte.gz", tc.data)
			_, _, err := ReadLabels(p, tc.n)
			wantErr(t, err, tc.kind, p, tc.subs...)
		})
	}
}

// fuzzSeeds returns valid, truncated and corrupted inputs built from file.
func fuzzSeeds(file []byte) [][]byte {
	z := gz(file)
	bad := append([]byte{}, z...)
	bad[len(bad)/2] ^= 0x55
	return [][]byte{file, z, file[:len(file)-1], z[:len(z)-4], bad, file[:3], {0x1f, 0x8b}, nil, cat(z, []byte{1, 2})}
}

// fuzzN turns a fuzzed byte into a count: All, or 0..3.
func fuzzN(b byte) int {
	if b%5 == 4 {
		return All
	}
	return int(b % 5)
}

func FuzzReadImages(f *testing.F) {
	for _, s := range fuzzSeeds(imageFile(imageMagic, 2, 28, 28, 2*Pixels)) {
		f.Add(s, byte(4))
		f.Add(s, byte(1))
	}
	f.Add(imageFile(imageMagic, 0, 28, 28, 0), byte(0))
	f.Add(imageFile(imageMagic, 1<<31-1, 28, 28, 10), byte(1))
	f.Add(imageFile(imageMagic, MaxImages, 28, 28, 10), byte(4))
	f.Fuzz(func(t *testing.T, data []byte, nb byte) {
		n := fuzzN(nb)
		pix, count, err := readImages(bytes.NewReader(data), "fuzz.gz", n)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "idx: read fuzz.gz: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			if !errors.Is(err, ErrBadFile) && !errors.Is(err, ErrTooFew) {
				t.Fatalf("error %q is neither ErrBadFile nor ErrTooFew", err)
			}
			return
		}
		want := n
		if n == All {
			want = count
		}
		if count < want || count > MaxImages || len(pix) != want*Pixels {
			t.Fatalf("n=%d: %d declared, %d bytes of pixels", n, count, len(pix))
		}
	})
}

func FuzzReadLabels(f *testing.F) {
	for _, s := range fuzzSeeds(labelFile(labelMagic, 4, []byte{7, 2, 1, 0})) {
		f.Add(s, byte(4))
		f.Add(s, byte(2))
	}
	f.Add(labelFile(labelMagic, 1, []byte{10}), byte(4))
	f.Fuzz(func(t *testing.T, data []byte, nb byte) {
		n := fuzzN(nb)
		labels, count, err := readLabels(bytes.NewReader(data), "fuzz.gz", n)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "idx: read fuzz.gz: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			if !errors.Is(err, ErrBadFile) && !errors.Is(err, ErrTooFew) {
				t.Fatalf("error %q is neither ErrBadFile nor ErrTooFew", err)
			}
			return
		}
		if n != All && len(labels) != n || len(labels) > count {
			t.Fatalf("n=%d: %d labels of %d declared", n, len(labels), count)
		}
		for i, l := range labels {
			if l >= Classes {
				t.Fatalf("label %d at %d accepted", l, i)
			}
		}
	})
}

// TestDimensions pins the sizes of MNIST that the rest of the project builds
// on (the network's input and output widths, the byte offsets of an image):
// 28×28 images of 784 bytes, row-major, and 10 classes.
func TestDimensions(t *testing.T) {
	if Rows != 28 || Cols != 28 || Pixels != 784 || Classes != 10 {
		t.Errorf("Rows, Cols, Pixels, Classes = %d, %d, %d, %d; want 28, 28, 784, 10", Rows, Cols, Pixels, Classes)
	}
	// A file of two 28×28 images holds 2×784 bytes of pixels after its
	// 16-byte header, and image 1 starts at byte 784 of them.
	raw := imageFile(imageMagic, 2, 28, 28, 2*784)
	pix, n, err := ReadImages(writeFile(t, "images", raw), All)
	if err != nil || n != 2 || len(pix) != 2*784 || !bytes.Equal(pix[784:], raw[16+784:]) {
		t.Errorf("ReadImages of two 28×28 images = %d bytes, %d, %v", len(pix), n, err)
	}
}
