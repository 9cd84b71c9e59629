package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
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

// writeFile writes data to a new file under t.TempDir() and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks that err is an "mnist: " error naming path and containing each of subs.
func wantErr(t *testing.T, err error, path string, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", subs)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "mnist: ") {
		t.Errorf("error %q lacks the \"mnist: \" prefix", msg)
	}
	if !strings.Contains(msg, path) {
		t.Errorf("error %q does not name the file %s", msg, path)
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
			pix, n, err := ReadImages(writeFile(t, "images", data))
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || len(pix) != 3*Pixels {
				t.Fatalf("got %d images, %d bytes; want 3, %d", n, len(pix), 3*Pixels)
			}
			if !bytes.Equal(pix, raw[16:]) {
				t.Error("pixels differ from the file's payload")
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, n, err := ReadImages(writeFile(t, "images", imageFile(imageMagic, 0, 28, 28, 0)))
		if err != nil || n != 0 {
			t.Fatalf("got %d, %v; want 0 images and no error", n, err)
		}
	})
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
		subs []string
	}{
		{"empty file", nil, []string{"too short"}},
		{"short header", valid[:10], []string{"too short"}},
		{"label magic", imageFile(labelMagic, 2, 28, 28, 2*Pixels), []string{"magic number 0x00000801, want 0x00000803"}},
		{"wrong magic", imageFile(0xdeadbeef, 2, 28, 28, 2*Pixels), []string{"magic number 0xdeadbeef"}},
		{"wrong dims", imageFile(imageMagic, 2, 32, 28, 2*Pixels), []string{"images of 32x28, want 28x28"}},
		{"truncated", valid[:len(valid)-1], []string{"header says 2 images of 28x28 but the file holds 1567 bytes of pixels"}},
		{"trailing bytes", append(append([]byte{}, valid...), 0), []string{"holds more than 1568 bytes"}},
		{"negative count", imageFile(imageMagic, -1, 28, 28, 0), []string{"header says -1 images"}},
		{"huge count", imageFile(imageMagic, 1<<31-1, 28, 28, 100), []string{"header says 2147483647 images"}},
		{"corrupted gzip", corrupt, nil},
		{"truncated gzip", truncGz, []string{"gzip data truncated"}},
		{"gzip cut in the header", gz(valid)[:20], []string{"header: gzip data truncated"}},
		{"gzip magic only", []byte{0x1f, 0x8b, 0}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "train-images-idx3-ubyte.gz", tc.data)
			_, _, err := ReadImages(p)
			wantErr(t, err, p, tc.subs...)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope.gz")
		_, _, err := ReadImages(p)
		wantErr(t, err, p, "no such file")
	})
}

func TestReadLabels(t *testing.T) {
	labels := []byte{5, 0, 4, 1, 9, 2}
	raw := labelFile(labelMagic, int32(len(labels)), labels)
	for name, data := range map[string][]byte{"raw": raw, "gzip": gz(raw)} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadLabels(writeFile(t, "labels", data))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, labels) {
				t.Fatalf("got %v, want %v", got, labels)
			}
		})
	}
	corrupt := gz(raw)
	corrupt[len(corrupt)-5] ^= 0xff // CRC / size trailer
	for _, tc := range []struct {
		name string
		data []byte
		subs []string
	}{
		{"short header", raw[:7], []string{"too short"}},
		{"image magic", labelFile(imageMagic, 6, labels), []string{"magic number 0x00000803, want 0x00000801"}},
		{"truncated", labelFile(labelMagic, 7, labels), []string{"header says 7 labels but the file holds 6"}},
		{"trailing bytes", labelFile(labelMagic, 5, labels), []string{"header says 5 labels but the file holds more"}},
		{"negative count", labelFile(labelMagic, -3, labels), []string{"header says -3 labels"}},
		{"huge count", labelFile(labelMagic, 1<<31-1, labels), []string{"header says 2147483647 labels"}},
		{"label 10", labelFile(labelMagic, 3, []byte{1, 10, 2}), []string{"label 10 of image 1 is not a digit"}},
		{"corrupted gzip", corrupt, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "t10k-labels-idx1-ubyte.gz", tc.data)
			_, err := ReadLabels(p)
			wantErr(t, err, p, tc.subs...)
		})
	}
}

// TestHostileHeaderAllocatesLittle reads files whose headers claim the most
// images allowed (784 MB of pixels for images) but which hold 100 bytes: the
// reader must fail having allocated about what the file holds.
func TestHostileHeaderAllocatesLittle(t *testing.T) {
	const limit = 64 << 20
	for name, data := range map[string][]byte{
		"images raw":  imageFile(imageMagic, MaxImages, 28, 28, 100),
		"images gzip": gz(imageFile(imageMagic, MaxImages, 28, 28, 100)),
		"labels raw":  labelFile(labelMagic, MaxImages, make([]byte, 100)),
	} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "hostile", data)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			if strings.HasPrefix(name, "images") {
				_, _, err = ReadImages(p)
			} else {
				_, err = ReadLabels(p)
			}
			runtime.ReadMemStats(&after)
			wantErr(t, err, p, "header says 1000000")
			if d := after.TotalAlloc - before.TotalAlloc; d > limit {
				t.Errorf("reading a %d-byte file allocated %d bytes, want < %d", len(data), d, limit)
			}
		})
	}
}

// fuzzSeeds returns valid, truncated and corrupted inputs built from file.
func fuzzSeeds(file []byte) [][]byte {
	z := gz(file)
	bad := append([]byte{}, z...)
	bad[len(bad)/2] ^= 0x55
	return [][]byte{file, z, file[:len(file)-1], z[:len(z)-4], bad, file[:3], {0x1f, 0x8b}, nil}
}

func FuzzReadImages(f *testing.F) {
	for _, s := range fuzzSeeds(imageFile(imageMagic, 1, 28, 28, Pixels)) {
		f.Add(s)
	}
	f.Add(imageFile(imageMagic, 0, 28, 28, 0))
	f.Add(imageFile(imageMagic, 1<<31-1, 28, 28, 10))
	f.Fuzz(func(t *testing.T, data []byte) {
		pix, n, err := readImages(bytes.NewReader(data), "fuzz.gz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "mnist: read fuzz.gz: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if n < 0 || len(pix) != n*Pixels {
			t.Fatalf("%d images but %d bytes of pixels", n, len(pix))
		}
	})
}

func FuzzReadLabels(f *testing.F) {
	for _, s := range fuzzSeeds(labelFile(labelMagic, 4, []byte{7, 2, 1, 0})) {
		f.Add(s)
	}
	f.Add(labelFile(labelMagic, 1, []byte{10}))
	f.Fuzz(func(t *testing.T, data []byte) {
		labels, err := readLabels(bytes.NewReader(data), "fuzz.gz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "mnist: read fuzz.gz: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for i, l := range labels {
			if l >= Classes {
				t.Fatalf("label %d at %d accepted", l, i)
			}
		}
	})
}

// writeFileAt writes data to path, which must lie under a t.TempDir().
func writeFileAt(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
