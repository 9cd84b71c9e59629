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
	"strconv"
	"strings"
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

// threeLayers returns weights of a 784-5-4-10 network of tanh and relu
// hidden layers and a softmax output, with a parameter vector of 4 values.
func threeLayers() Weights {
	return Weights{Dtype: "float32", HiddenActs: []string{"tanh", "relu"}, Output: "softmax",
		Layers: []Matrix{matrix(784, 5, -0.5), matrix(5, 4, 0.25), matrix(4, 10, 1)},
		Params: []Param{{Name: "prelu.alpha2", Data: []float64{0.25, -0.5, 1, 0.125}}}}
}

// valuesAt returns the offset of the first value in the file of w.
func valuesAt(w Weights) int {
	n := 0
	for _, m := range w.Layers {
		n += len(m.Data)
	}
	for _, p := range w.Params {
		n += len(p.Data)
	}
	return int(size(w)) - 8*n - 4
}

// v2File returns the version 2 file of w's dtype and matrices.
func v2File(w Weights) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, []uint32{2, uint32(len(w.Layers))})
	for _, m := range w.Layers {
		binary.Write(&b, binary.LittleEndian, []uint32{uint32(m.Rows), uint32(m.Cols)})
	}
	var dt [8]byte
	copy(dt[:], w.Dtype)
	b.Write(dt[:])
	for _, m := range w.Layers {
		binary.Write(&b, binary.LittleEndian, m.Data)
	}
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
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
	return a.Dtype == b.Dtype && a.Output == b.Output && slices.Equal(a.HiddenActs, b.HiddenActs) &&
		slices.EqualFunc(a.Layers, b.Layers, func(x, y Matrix) bool {
			return x.Rows == y.Rows && x.Cols == y.Cols && slices.Equal(x.Data, y.Data)
		}) &&
		slices.EqualFunc(a.Params, b.Params, func(x, y Param) bool {
			return x.Name == y.Name && slices.Equal(x.Data, y.Data)
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
		"one layer":    {Dtype: "float64", Output: "identity", Layers: []Matrix{matrix(2, 3, 0)}},
		"book shape": {Dtype: "float64", HiddenActs: []string{"tanh"}, Output: "softmax",
			Layers: []Matrix{matrix(784, 100, 0), matrix(100, 10, 3)}},
		"names at the limits": {Dtype: "float64", HiddenActs: []string{"x", strings.Repeat("é", MaxName/2)},
			Output: "softmax-base2.5", Layers: []Matrix{matrix(3, 2, 0), matrix(2, 2, 1), matrix(2, 1, 2)},
			Params: []Param{{Name: "α 1", Data: []float64{1}}, {Name: strings.Repeat("p", MaxName), Data: []float64{-2, 3}}}},
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

// TestLayout checks the version 3 layout byte by byte for a 1×2, 2×1
// network of a selu hidden layer and a sigmoid output, with one parameter
// vector.
func TestLayout(t *testing.T) {
	w := Weights{Dtype: "float64", HiddenActs: []string{"selu"}, Output: "sigmoid",
		Layers: []Matrix{{1, 2, []float64{1, -2}}, {2, 1, []float64{0.5, 4}}},
		Params: []Param{{Name: "a", Data: []float64{0.25, 8}}}}
	var want bytes.Buffer
	want.WriteString("OUTGRADW")
	binary.Write(&want, binary.LittleEndian, []uint32{3, 2, 1, 2, 2, 1})
	want.WriteString("float64\x00")
	want.WriteString("\x07sigmoid\x04selu")
	binary.Write(&want, binary.LittleEndian, []uint32{1})
	want.WriteString("\x01a")
	binary.Write(&want, binary.LittleEndian, []uint32{2})
	binary.Write(&want, binary.LittleEndian, []float64{1, -2, 0.5, 4, 0.25, 8})
	binary.Write(&want, binary.LittleEndian, crc32.ChecksumIEEE(want.Bytes()))
	if got := mustMarshal(t, w); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("Marshal =\n% x\nwant\n% x", got, want.Bytes())
	}
	if int(size(w)) != want.Len() {
		t.Errorf("size %d, want %d", size(w), want.Len())
	}
}

// TestVersion2 reads a version 2 file: its dtype and matrices, and no
// activations, output or parameters (Recorded is false).
func TestVersion2(t *testing.T) {
	w := threeLayers()
	file := v2File(w)
	got, err := Load(writeFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	want := Weights{Dtype: w.Dtype, Layers: w.Layers}
	if !equal(got, want) || got.Recorded() {
		t.Errorf("version 2 read as %+v, recorded %v", got.HiddenActs, got.Recorded())
	}
	if !w.Recorded() {
		t.Errorf("weights naming their output are not Recorded")
	}
	for name, bad := range map[string][]byte{
		"truncated": file[:len(file)-9],
		"flipped":   func() []byte { b := slices.Clone(file); b[100] ^= 1; return b }(),
		"NaN":       resum(setF64(file, 16+8*3+8, math.NaN())),
	} {
		if _, err := Decode(bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, ErrBadFile) {
			t.Errorf("version 2 %s: %v, want ErrBadFile", name, err)
		}
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
		"NaN":                  with(func(w *Weights) { w.Layers[1].Data[3] = math.NaN() }),
		"+Inf":                 with(func(w *Weights) { w.Layers[0].Data[0] = math.Inf(1) }),
		"-Inf":                 with(func(w *Weights) { w.Layers[2].Data[39] = math.Inf(-1) }),
		"no chain":             with(func(w *Weights) { w.Layers[1] = matrix(6, 4, 0) }),
		"short data":           with(func(w *Weights) { w.Layers[2].Data = w.Layers[2].Data[:39] }),
		"zero rows":            with(func(w *Weights) { w.Layers = []Matrix{{0, 3, nil}} }),
		"no layers":            with(func(w *Weights) { w.Layers = nil }),
		"dtype":                with(func(w *Weights) { w.Dtype = "float16" }),
		"dtype too big":        with(func(w *Weights) { w.Dtype = "float64x" }),
		"no output":            with(func(w *Weights) { w.Output = "" }),
		"no hidden acts":       with(func(w *Weights) { w.HiddenActs = nil }),
		"one act short":        with(func(w *Weights) { w.HiddenActs = w.HiddenActs[:1] }),
		"one act more":         with(func(w *Weights) { w.HiddenActs = append(w.HiddenActs, "tanh") }),
		"empty act":            with(func(w *Weights) { w.HiddenActs[1] = "" }),
		"long act":             with(func(w *Weights) { w.HiddenActs[0] = strings.Repeat("a", MaxName+1) }),
		"newline in output":    with(func(w *Weights) { w.Output = "soft\nmax" }),
		"invalid UTF-8":        with(func(w *Weights) { w.HiddenActs[0] = "tanh\xff" }),
		"param unnamed":        with(func(w *Weights) { w.Params[0].Name = "" }),
		"param twice":          with(func(w *Weights) { w.Params = append(w.Params, w.Params[0]) }),
		"param empty":          with(func(w *Weights) { w.Params[0].Data = nil }),
		"param NaN":            with(func(w *Weights) { w.Params[0].Data = []float64{1, math.NaN()} }),
		"param beyond float32": with(func(w *Weights) { w.Params[0].Data = []float64{1e300} }),
		"too many params": with(func(w *Weights) {
			w.Params = nil
			for i := range MaxParams + 1 {
				w.Params = append(w.Params, Param{Name: strconv.Itoa(i), Data: []float64{1}})
			}
		}),
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
	values := valuesAt(threeLayers())
	names := 48 // offset of the output's name
	params := values - (1 + len("prelu.alpha2") + 4) - 4
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
		{"version 4", resum(func() []byte { b := slices.Clone(good); b[8] = 4; return b }()), -1, "version 4, want 1, 2 or 3"},
		{"output name empty", resum(func() []byte { b := slices.Clone(good); b[names] = 0; return b }()), -1, "the output's name is 0 bytes long"},
		{"output name too long", resum(func() []byte { b := slices.Clone(good); b[names] = MaxName + 1; return b }()), -1, "is 65 bytes long, want 1..64"},
		{"control character in a name", resum(func() []byte { b := slices.Clone(good); b[names+1+7+2] = '\n'; return b }()), -1, `hidden activation 1's name "t\nnh" is not printable`},
		{"invalid UTF-8 in a name", resum(func() []byte { b := slices.Clone(good); b[names+1+7+1+4+1] = 0xff; return b }()), -1, "hidden activation 2's name"},
		{"too many params", resum(func() []byte { b := slices.Clone(good); b[params+1] = 0x10; return b }()), -1, "4097 parameter vectors, want at most 1024"},
		{"empty param", resum(func() []byte { b := slices.Clone(good); b[values-4] = 0; return b }()), -1, `"prelu.alpha2" holds 0 values`},
		{"param beyond MaxValues", resum(func() []byte { b := slices.Clone(good); b[values-1] = 0x10; return b }()), -1, "holds 268435460 values"},
		{"values beyond MaxValues with a param", resum(func() []byte {
			b := slices.Clone(good)
			b[values-1] = 0x03
			b[values-2] = 0xff
			b[values-3] = 0xff
			return b
		}()), -1, "more than 67108864 values"},
		{"NaN param", resum(setF64(good, len(good)-12, math.NaN())), -1, `parameter vector "prelu.alpha2", element 3 is NaN`},
		{"names cut short", good[:names+3], -1, "truncated in the header"},
		{"no layers", resum(func() []byte { b := slices.Clone(good); b[12] = 0; return b }()), -1, "0 matrices"},
		{"too many layers", resum(func() []byte { b := slices.Clone(good); b[13] = 0xff; return b }()), -1, "matrices, want 1..1024"},
		{"no chain", resum(func() []byte { b := slices.Clone(good); b[24] = 4; return b }()), -1, "do not chain"},
		{"zero cols", resum(func() []byte { b := slices.Clone(good); b[20] = 0; return b }()), -1, "want at most"},
		{"dtype", resum(func() []byte { b := slices.Clone(good); b[40] = 'x'; return b }()), -1, "dtype"},
		{"NaN with valid checksum", resum(setF64(good, values+8*17, math.NaN())), -1, "element (3, 2) is NaN"},
		{"+Inf with valid checksum", resum(setF64(good, len(good)-12-8*4, math.Inf(1))), -1, "matrix 2, element (3, 9) is +Inf"},
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
	if err := mkfifo(fifo); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("needs a named pipe (unix)")
	} else if err != nil {
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
	small3 := Weights{Dtype: "float32", HiddenActs: []string{"tanh", "relu"}, Output: "softmax",
		Layers: []Matrix{matrix(3, 2, -0.5), matrix(2, 2, 0.25), matrix(2, 1, 1)},
		Params: []Param{{Name: "a", Data: []float64{0.5}}, {Name: "b2", Data: []float64{1, 2}}}}
	v3 := mustMarshal(f, small3)
	v3bare := mustMarshal(f, Weights{Dtype: "float64", Output: "identity", Layers: []Matrix{matrix(1, 1, 3)}})
	v2 := v2File(small3)
	v1 := v1File(1, "float64", matrix(784, 1, 0).Data, matrix(1, 10, 0).Data)
	names := 24 + 8*3 // the output's name in v3
	for _, file := range [][]byte{v3, v3bare, v2, v1} {
		f.Add(file)
		f.Add(file[:len(file)-1])
		f.Add(file[:len(file)/2])
		f.Add(file[:20])
		f.Add(append(slices.Clone(file), 0))
		for _, off := range []int{8, 12, 16, 20, 24, names, names + 1, names + 8, len(file) - 1} {
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
		version := binary.LittleEndian.Uint32(data[8:])
		if w.Recorded() != (version == 3) {
			t.Fatalf("a version %d file decodes with Recorded %v", version, w.Recorded())
		}
		for _, name := range append([]string{w.Output}, w.HiddenActs...) {
			if version == 3 && !validName(name) {
				t.Fatalf("decoded name %q", name)
			}
		}
		if !w.Recorded() {
			// An older file: record activations for it, as -save would.
			w.Output = "softmax"
			for range len(w.Layers) - 1 {
				w.HiddenActs = append(w.HiddenActs, "tanh")
			}
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
		if version == 3 && !bytes.Equal(b, data) {
			t.Fatalf("a version 3 file re-encodes differently")
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
