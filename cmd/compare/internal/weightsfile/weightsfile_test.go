package weightsfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// matrix returns a rows×cols matrix of distinct values derived from seed.
func matrix(rows, cols int, seed float64) Matrix {
	m := Matrix{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
	for i := range m.Data {
		m.Data[i] = seed + float64(i)/7 - float64(i%5)*1e-3
	}
	return m
}

// threeLayers returns weights of a 784-5-4-10 network.
func threeLayers() Weights {
	return Weights{Dtype: "float32", Layers: []Matrix{matrix(784, 5, -0.5), matrix(5, 4, 0.25), matrix(4, 10, 1)}}
}

// v1File returns a version 1 file of 784×h and h×10 weights.
func v1File(h int, dtype string, w01, w12 []float64) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, []uint32{1, 784, uint32(h), 10})
	var dt [8]byte
	copy(dt[:], dtype)
	b.Write(dt[:])
	binary.Write(&b, binary.LittleEndian, w01)
	binary.Write(&b, binary.LittleEndian, w12)
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
}

// resum replaces the checksum at the end of file with a correct one.
func resum(file []byte) []byte {
	file = slices.Clone(file)
	binary.LittleEndian.PutUint32(file[len(file)-4:], crc32.ChecksumIEEE(file[:len(file)-4]))
	return file
}

// setF64 sets the float64 at byte offset off of file.
func setF64(file []byte, off int, v float64) []byte {
	file = slices.Clone(file)
	binary.LittleEndian.PutUint64(file[off:], math.Float64bits(v))
	return file
}

func mustMarshal(t testing.TB, w Weights) []byte {
	t.Helper()
	b, err := Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func equal(a, b Weights) bool {
	return a.Dtype == b.Dtype && slices.EqualFunc(a.Layers, b.Layers, func(x, y Matrix) bool {
		return x.Rows == y.Rows && x.Cols == y.Cols && slices.Equal(x.Data, y.Data)
	})
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "w.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	for name, w := range map[string]Weights{
		"three layers": threeLayers(),
		"one layer":    {Dtype: "float64", Layers: []Matrix{matrix(2, 3, 0)}},
		"book shape":   {Dtype: "float64", Layers: []Matrix{matrix(784, 100, 0), matrix(100, 10, 3)}},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustMarshal(t, w)
			var buf bytes.Buffer
			if err := Encode(&buf, w); err != nil || !bytes.Equal(buf.Bytes(), b) {
				t.Fatalf("Encode differs from Marshal (err %v)", err)
			}
			got, err := Decode(bytes.NewReader(b), int64(len(b)))
			if err != nil || !equal(got, w) {
				t.Fatalf("Decode: %v; weights changed: %v", err, !equal(got, w))
			}
			got, err = Load(writeFile(t, b))
			if err != nil || !equal(got, w) {
				t.Fatalf("Load: %v", err)
			}
		})
	}
}

// TestLayout checks the version 2 layout byte by byte for a 1×2, 2×1 network.
func TestLayout(t *testing.T) {
	w := Weights{Dtype: "float64", Layers: []Matrix{{1, 2, []float64{1, -2}}, {2, 1, []float64{0.5, 4}}}}
	var want bytes.Buffer
	want.WriteString("OUTGRADW")
	binary.Write(&want, binary.LittleEndian, []uint32{2, 2, 1, 2, 2, 1})
	want.WriteString("float64\x00")
	binary.Write(&want, binary.LittleEndian, []float64{1, -2, 0.5, 4})
	binary.Write(&want, binary.LittleEndian, crc32.ChecksumIEEE(want.Bytes()))
	if got := mustMarshal(t, w); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("Marshal =\n% x\nwant\n% x", got, want.Bytes())
	}
}

// TestVersion1 reads a version 1 file as two matrices.
func TestVersion1(t *testing.T) {
	w01, w12 := matrix(784, 3, 0.1).Data, matrix(3, 10, -1).Data
	file := v1File(3, "float32", w01, w12)
	got, err := Load(writeFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	want := Weights{Dtype: "float32", Layers: []Matrix{{784, 3, w01}, {3, 10, w12}}}
	if !equal(got, want) {
		t.Errorf("version 1 read as %d matrices, dtype %s", len(got.Layers), got.Dtype)
	}
	for name, bad := range map[string][]byte{
		"truncated":   file[:len(file)-9],
		"trailing":    append(slices.Clone(file), 0),
		"flipped":     func() []byte { b := slices.Clone(file); b[100] ^= 1; return b }(),
		"NaN":         resum(setF64(file, 32+8*5, math.NaN())),
		"wrong shape": resum(func() []byte { b := slices.Clone(file); b[12] = 3; return b }()),
		"zero hidden": v1File(0, "float64", nil, nil),
		"dtype":       v1File(3, "int8", w01, w12),
	} {
		if _, err := Decode(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrBadFile) {
			t.Errorf("version 1 %s: %v, want ErrBadFile", name, err)
		}
	}
}

func TestMarshalRefuses(t *testing.T) {
	ok := threeLayers()
	with := func(f func(w *Weights)) Weights {
		w := threeLayers()
		w.Layers = slices.Clone(w.Layers)
		for i := range w.Layers {
			w.Layers[i].Data = slices.Clone(w.Layers[i].Data)
		}
		f(&w)
		return w
	}
	if _, err := Marshal(ok); err != nil {
		t.Fatal(err)
	}
	for name, w := range map[string]Weights{
		"NaN":           with(func(w *Weights) { w.Layers[1].Data[3] = math.NaN() }),
		"+Inf":          with(func(w *Weights) { w.Layers[0].Data[0] = math.Inf(1) }),
		"-Inf":          with(func(w *Weights) { w.Layers[2].Data[39] = math.Inf(-1) }),
		"no chain":      with(func(w *Weights) { w.Layers[1] = matrix(6, 4, 0) }),
		"short data":    with(func(w *Weights) { w.Layers[2].Data = w.Layers[2].Data[:39] }),
		"zero rows":     with(func(w *Weights) { w.Layers = []Matrix{{0, 3, nil}} }),
		"no layers":     with(func(w *Weights) { w.Layers = nil }),
		"dtype":         with(func(w *Weights) { w.Dtype = "float16" }),
		"dtype too big": with(func(w *Weights) { w.Dtype = "float64x" }),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Marshal(w); !errors.Is(err, ErrInvalid) {
				t.Errorf("Marshal: %v, want ErrInvalid", err)
			}
			var buf bytes.Buffer
			if err := Encode(&buf, w); !errors.Is(err, ErrInvalid) || buf.Len() != 0 {
				t.Errorf("Encode: %v, wrote %d bytes", err, buf.Len())
			}
		})
	}
}

// hugeHeader returns a version 2 header declaring matrices of total values
// near MaxValues (512 MiB), followed by a few bytes.
func hugeHeader() []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, []uint32{2, 2, 1 << 13, 1 << 12, 1 << 12, 2})
	b.WriteString("float64\x00")
	b.Write(make([]byte, 100))
	return b.Bytes()
}

func TestDecodeBadFiles(t *testing.T) {
	good := mustMarshal(t, threeLayers())
	values := 24 + 8*3 // offset of the first value
	flip := slices.Clone(good)
	flip[values+100] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		size int // -1: len(data)
		sub  string
	}{
		{"empty", nil, -1, "no \"OUTGRADW\" magic"},
		{"short magic", good[:5], -1, "truncated"},
		{"bad magic", append([]byte("OUTGRADX"), good[8:]...), -1, "magic"},
		{"foreign", []byte("\x1f\x8b\x08\x00 this is a gzip file, not weights"), -1, "magic"},
		{"header only", good[:20], -1, "truncated"},
		{"truncated", good[:len(good)-9], -1, "bytes, but the header's shapes make"},
		{"truncated, size lies", good[:len(good)-9], len(good), "truncated in the values"},
		{"checksum cut, size lies", good[:len(good)-2], len(good), "truncated in the checksum"},
		{"trailing", append(slices.Clone(good), 0), -1, "bytes, but the header's shapes make"},
		{"trailing, size lies", append(slices.Clone(good), 0), len(good), "trailing data"},
		{"flipped value", flip, -1, "checksum"},
		{"flipped checksum", func() []byte { b := slices.Clone(good); b[len(b)-1] ^= 0x80; return b }(), -1, "checksum"},
		{"version 3", resum(func() []byte { b := slices.Clone(good); b[8] = 3; return b }()), -1, "version 3"},
		{"no layers", resum(func() []byte { b := slices.Clone(good); b[12] = 0; return b }()), -1, "0 matrices"},
		{"too many layers", resum(func() []byte { b := slices.Clone(good); b[13] = 0xff; return b }()), -1, "matrices, want 1..1024"},
		{"no chain", resum(func() []byte { b := slices.Clone(good); b[24] = 4; return b }()), -1, "do not chain"},
		{"zero cols", resum(func() []byte { b := slices.Clone(good); b[20] = 0; return b }()), -1, "want at most"},
		{"dtype", resum(func() []byte { b := slices.Clone(good); b[40] = 'x'; return b }()), -1, "dtype"},
		{"NaN with valid checksum", resum(setF64(good, values+8*17, math.NaN())), -1, "element (3, 2) is NaN"},
		{"+Inf with valid checksum", resum(setF64(good, len(good)-12, math.Inf(1))), -1, "is +Inf"},
		{"huge shapes", hugeHeader(), -1, "bytes, but the header's shapes make"},
		{"over MaxValues", resum(func() []byte {
			b := slices.Clone(good)
			binary.LittleEndian.PutUint32(b[16:], 1<<20)
			binary.LittleEndian.PutUint32(b[20:], 1<<7)
			return b
		}()), -1, "want at most 67108864 values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size := int64(len(tc.data))
			if tc.size >= 0 {
				size = int64(tc.size)
			}
			_, err := Decode(bytes.NewReader(tc.data), size)
			if !errors.Is(err, ErrBadFile) {
				t.Fatalf("error %v, want ErrBadFile", err)
			}
			if !strings.HasPrefix(err.Error(), "weightsfile: decode: ") || !strings.Contains(err.Error(), tc.sub) {
				t.Errorf("error %q does not contain %q", err, tc.sub)
			}
		})
	}
}

// TestHugeHeaderAllocatesLittle decodes a 150-byte file whose header
// declares 512 MiB of values: the size check must come before allocating.
func TestHugeHeaderAllocatesLittle(t *testing.T) {
	data := hugeHeader()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(bytes.NewReader(data), int64(len(data)))
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrBadFile) {
		t.Fatalf("error %v, want ErrBadFile", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 64<<10 {
		t.Errorf("decoding a %d-byte file allocated %d bytes, want <= 64 KiB", len(data), a)
	}
}

// TestLoadNotRegular checks that Load refuses what is not a regular file,
// without blocking on a FIFO nobody writes to or reading /dev/zero forever.
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	good := writeFile(t, mustMarshal(t, threeLayers()))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	fifoLink := filepath.Join(dir, "fifolink")
	if err := os.Symlink(fifo, fifoLink); err != nil {
		t.Fatal(err)
	}
	paths := []string{dir, fifo, fifoLink}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() {
			_, err := Load(p)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), p) {
				t.Errorf("Load(%s): %v, want ErrNotRegular naming the path", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Load(%s) still running after 5s", p)
		}
	}
	if _, err := Load(link); err != nil {
		t.Errorf("Load through a symbolic link: %v", err)
	}
	_, err := Load(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadNamesFile checks that Load's content errors name the file.
func TestLoadNamesFile(t *testing.T) {
	good := mustMarshal(t, threeLayers())
	p := writeFile(t, good[:len(good)-1])
	_, err := Load(p)
	if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), "weightsfile: load "+p+": ") {
		t.Errorf("error %v, want ErrBadFile naming %s", err, p)
	}
}

func FuzzDecode(f *testing.F) {
	// Small seeds: the fuzzer mutates and minimizes faster. The smallest
	// version 1 file still holds 794 values.
	v2 := mustMarshal(f, Weights{Dtype: "float32", Layers: []Matrix{matrix(3, 2, -0.5), matrix(2, 2, 0.25), matrix(2, 1, 1)}})
	small := mustMarshal(f, Weights{Dtype: "float64", Layers: []Matrix{matrix(1, 1, 3)}})
	v1 := v1File(1, "float64", matrix(784, 1, 0).Data, matrix(1, 10, 0).Data)
	for _, file := range [][]byte{v2, small, v1} {
		f.Add(file)
		f.Add(file[:len(file)-1])
		f.Add(file[:len(file)/2])
		f.Add(file[:20])
		f.Add(append(slices.Clone(file), 0))
		for _, off := range []int{8, 12, 16, 20, 24, len(file) - 1} {
			b := slices.Clone(file)
			b[off] ^= 0x41
			f.Add(b)
			f.Add(resum(b))
		}
		f.Add(resum(setF64(file, len(file)-12, math.NaN())))
	}
	f.Add(hugeHeader())
	f.Add([]byte(nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Decode(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrBadFile) || !strings.HasPrefix(err.Error(), "weightsfile: decode: ") {
				t.Fatalf("error %q is not an ErrBadFile", err)
			}
			return
		}
		// What decodes is valid, and re-encodes to the same content.
		b, err := Marshal(w)
		if err != nil {
			t.Fatalf("decoded weights do not marshal: %v", err)
		}
		back, err := Decode(bytes.NewReader(b), int64(len(b)))
		if err != nil || !equal(back, w) {
			t.Fatalf("re-decoding: %v", err)
		}
		if string(data[8:12]) == "\x02\x00\x00\x00" && !bytes.Equal(b, data) {
			t.Fatalf("a version 2 file re-encodes differently")
		}
	})
}

// TestNilReaderWriter checks that Decode and Encode return an error for a
// nil reader or writer instead of panicking.
func TestNilReaderWriter(t *testing.T) {
	if _, err := Decode(nil, 100); err == nil || !strings.Contains(err.Error(), "nil reader") {
		t.Errorf("Decode(nil): %v", err)
	}
	if err := Encode(nil, threeLayers()); err == nil || !strings.Contains(err.Error(), "nil writer") {
		t.Errorf("Encode(nil): %v", err)
	}
}
