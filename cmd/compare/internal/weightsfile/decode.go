package weightsfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"syscall"
)

// Load reads the weights file at path, of version 1, 2 or 3. path must be a
// regular file (symbolic links are followed): a directory, device, FIFO or
// socket is ErrNotRegular, checked before opening and again on the opened
// file, which is opened non-blocking so that a FIFO cannot hang. The file is
// then read as Decode reads it, with its size as size; every error names path.
func Load(path string) (Weights, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Weights{}, fmt.Errorf("weightsfile: load: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Weights{}, notRegular(path, fi)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Weights{}, fmt.Errorf("weightsfile: load: %w", err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return Weights{}, fmt.Errorf("weightsfile: load: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Weights{}, notRegular(path, fi)
	}
	return decode(f, fi.Size(), "load "+path)
}

func notRegular(path string, fi os.FileInfo) error {
	return &kindError{ErrNotRegular, fmt.Sprintf("weightsfile: load %s: not a regular file (%s)", path, fi.Mode().Type()), nil}
}

// Decode reads a weights file of version 1, 2 or 3 from r, which must hold
// exactly size bytes. It checks, before allocating for them, that the counts
// in the header are within MaxLayers, MaxParams and MaxValues, that every
// name is 1..MaxName printable bytes (and no parameter vector's repeated),
// that the shapes chain, and that they imply a file of size bytes; then it
// reads the values, checks the CRC-32, that nothing follows, and that every
// value is finite. Content that fails any
// check is ErrBadFile; an error of r is returned wrapped. A nil r is an
// error.
func Decode(r io.Reader, size int64) (Weights, error) {
	if r == nil {
		return Weights{}, errors.New("weightsfile: decode: nil reader")
	}
	return decode(r, size, "decode")
}

// decoder reads a weights file, hashing what it reads; op names the file in
// errors ("load PATH").
type decoder struct {
	in  *bufio.Reader
	hr  *hashReader
	op  string
	got int64 // bytes read
	err error // the first error of the underlying reader other than EOF
	// paramLens holds the length of every parameter vector of a version 3
	// header, until the values are read.
	paramLens []int
}

// sourceReader records the first error of r other than io.EOF.
type sourceReader struct {
	r io.Reader
	d *decoder
}

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.d.err == nil {
		s.d.err = err
	}
	return n, err
}

func (d *decoder) bad(format string, a ...any) error {
	return &kindError{ErrBadFile, fmt.Sprintf("weightsfile: %s: ", d.op) + fmt.Sprintf(format, a...), nil}
}

// read fills b, hashing it; a short read is a truncated file (what names the
// part), a failing reader its error.
func (d *decoder) read(b []byte, what string) error {
	n, err := io.ReadFull(d.hr, b)
	d.got += int64(n)
	if err == nil {
		return nil
	}
	if d.err != nil {
		return fmt.Errorf("weightsfile: %s: %w", d.op, d.err)
	}
	return d.bad("truncated in the %s after %d bytes", what, d.got)
}

func decode(r io.Reader, size int64, op string) (Weights, error) {
	d := &decoder{op: op}
	d.in = bufio.NewReader(sourceReader{r: r, d: d})
	d.hr = &hashReader{r: d.in, h: crc32.NewIEEE()}
	if size < 0 {
		return Weights{}, fmt.Errorf("weightsfile: %s: size %d", op, size)
	}

	var head [len(magic) + 4]byte
	n, _ := io.ReadFull(d.hr, head[:])
	d.got = int64(n)
	if !bytes.HasPrefix(head[:n], []byte(magic[:min(n, len(magic))])) || n == 0 {
		return Weights{}, d.bad("not an outgrad weights file (no %q magic)", magic)
	}
	if n < len(head) {
		if d.err != nil {
			return Weights{}, fmt.Errorf("weightsfile: %s: %w", op, d.err)
		}
		return Weights{}, d.bad("truncated: %d bytes", n)
	}
	var w Weights
	var values int
	var err error
	switch v := binary.LittleEndian.Uint32(head[8:]); v {
	case version1:
		w, values, err = d.header1()
	case version2:
		w, values, err = d.header2()
	case version3:
		w, values, err = d.header3()
	default:
		return Weights{}, d.bad("version %d, want %d, %d or %d", v, version1, version2, version3)
	}
	if err != nil {
		return Weights{}, err
	}
	// Before allocating: the header's shapes must account for the file.
	if want := d.got + 8*int64(values) + 4; size != want {
		return Weights{}, d.bad("%d bytes, but the header's shapes make %d (truncated or trailing data)", size, want)
	}

	vals := make([]float64, values)
	var buf [8 * 512]byte
	for done := 0; done < values; {
		k := min(values-done, len(buf)/8)
		if err := d.read(buf[:8*k], "values"); err != nil {
			return Weights{}, err
		}
		for i := range k {
			vals[done+i] = math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:]))
		}
		done += k
	}
	sum := d.hr.h.Sum32()
	var tail [5]byte // the checksum and one byte more, which must not exist
	n, _ = io.ReadFull(d.in, tail[:])
	switch {
	case d.err != nil:
		return Weights{}, fmt.Errorf("weightsfile: %s: %w", op, d.err)
	case n < 4:
		return Weights{}, d.bad("truncated in the checksum")
	case n > 4:
		return Weights{}, d.bad("trailing data after the %d bytes the header accounts for", d.got+4)
	}
	if file := binary.LittleEndian.Uint32(tail[:]); file != sum {
		return Weights{}, d.bad("checksum %08x, the file says %08x (corrupt)", sum, file)
	}
	for i := range w.Layers {
		m := &w.Layers[i]
		n := m.Rows * m.Cols
		m.Data, vals = vals[:n:n], vals[n:]
		if at := checkValues(m.Data, m.Cols, w.Dtype); at != "" {
			return Weights{}, d.bad("matrix %d, %s", i, at)
		}
	}
	for i := range w.Params {
		p := &w.Params[i]
		n := d.paramLens[i]
		p.Data, vals = vals[:n:n], vals[n:]
		if at := checkValues(p.Data, 0, w.Dtype); at != "" {
			return Weights{}, d.bad("parameter vector %q, %s", p.Name, at)
		}
	}
	return w, nil
}

// header1 reads the rest of a version 1 header: 784, h, 10 and the dtype.
func (d *decoder) header1() (Weights, int, error) {
	var b [12 + dtypeBytes]byte
	if err := d.read(b[:], "header"); err != nil {
		return Weights{}, 0, err
	}
	in, hid, out := binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])
	if in != v1Inputs || out != v1Classes || hid < 1 || uint64(hid)*(v1Inputs+v1Classes) > MaxValues {
		return Weights{}, 0, d.bad("version 1 shape %d×%d×%d, want %d×h×%d with h in 1..%d", in, hid, out, v1Inputs, v1Classes, MaxValues/(v1Inputs+v1Classes))
	}
	dtype, err := d.dtype(b[12:])
	if err != nil {
		return Weights{}, 0, err
	}
	h := int(hid)
	return Weights{Dtype: dtype, Layers: []Matrix{{Rows: v1Inputs, Cols: h}, {Rows: h, Cols: v1Classes}}}, h * (v1Inputs + v1Classes), nil
}

// header3 reads the rest of a version 3 header: the version 2 fields (L,
// the shapes, the dtype), then the output's name, one name per hidden layer,
// the number of parameter vectors P and each one's name and length.
func (d *decoder) header3() (Weights, int, error) {
	w, total, err := d.header2()
	if err != nil {
		return Weights{}, 0, err
	}
	if w.Output, err = d.name("the output's name"); err != nil {
		return Weights{}, 0, err
	}
	w.HiddenActs = make([]string, len(w.Layers)-1) // len(w.Layers) ≤ MaxLayers
	for i := range w.HiddenActs {
		if w.HiddenActs[i], err = d.name(fmt.Sprintf("hidden activation %d's name", i+1)); err != nil {
			return Weights{}, 0, err
		}
	}
	var b [4]byte
	if err := d.read(b[:], "header"); err != nil {
		return Weights{}, 0, err
	}
	params := binary.LittleEndian.Uint32(b[:])
	if params > MaxParams {
		return Weights{}, 0, d.bad("%d parameter vectors, want at most %d", params, MaxParams)
	}
	if params > 0 {
		w.Params = make([]Param, params)
	}
	seen := map[string]bool{}
	for i := range w.Params {
		p := &w.Params[i]
		if p.Name, err = d.name(fmt.Sprintf("parameter vector %d's name", i)); err != nil {
			return Weights{}, 0, err
		}
		if seen[p.Name] {
			return Weights{}, 0, d.bad("parameter vector %q is named twice", p.Name)
		}
		seen[p.Name] = true
		if err := d.read(b[:], "header"); err != nil {
			return Weights{}, 0, err
		}
		n := binary.LittleEndian.Uint32(b[:])
		if n < 1 || n > MaxValues {
			return Weights{}, 0, d.bad("parameter vector %q holds %d values, want 1..%d", p.Name, n, MaxValues)
		}
		if total += int(n); total > MaxValues {
			return Weights{}, 0, d.bad("more than %d values", MaxValues)
		}
		d.paramLens = append(d.paramLens, int(n))
	}
	return w, total, nil
}

// header2 reads the rest of a version 2 header: L, the shapes, the dtype.
func (d *decoder) header2() (Weights, int, error) {
	var b [4]byte
	if err := d.read(b[:], "header"); err != nil {
		return Weights{}, 0, err
	}
	layers := binary.LittleEndian.Uint32(b[:])
	if layers < 1 || layers > MaxLayers {
		return Weights{}, 0, d.bad("%d matrices, want 1..%d", layers, MaxLayers)
	}
	shapes := make([]byte, 8*layers+dtypeBytes)
	if err := d.read(shapes, "header"); err != nil {
		return Weights{}, 0, err
	}
	w := Weights{Layers: make([]Matrix, layers)}
	total := 0
	for i := range w.Layers {
		rows, cols := binary.LittleEndian.Uint32(shapes[8*i:]), binary.LittleEndian.Uint32(shapes[8*i+4:])
		if rows < 1 || cols < 1 || rows > MaxValues || cols > MaxValues || uint64(rows)*uint64(cols) > MaxValues {
			return Weights{}, 0, d.bad("matrix %d is %d×%d, want at most %d values", i, rows, cols, MaxValues)
		}
		if i > 0 && int(rows) != w.Layers[i-1].Cols {
			return Weights{}, 0, d.bad("matrix %d is %d×%d, matrix %d has %d columns: the shapes do not chain", i, rows, cols, i-1, w.Layers[i-1].Cols)
		}
		w.Layers[i] = Matrix{Rows: int(rows), Cols: int(cols)}
		if total += int(rows) * int(cols); total > MaxValues {
			return Weights{}, 0, d.bad("more than %d values", MaxValues)
		}
	}
	dtype, err := d.dtype(shapes[8*layers:])
	if err != nil {
		return Weights{}, 0, err
	}
	w.Dtype = dtype
	return w, total, nil
}

// name reads a name: its length in one byte, 1..MaxName, then that many
// bytes, which must be printable UTF-8 (validName); what names it in errors.
func (d *decoder) name(what string) (string, error) {
	var n [1]byte
	if err := d.read(n[:], "header"); err != nil {
		return "", err
	}
	if n[0] < 1 || n[0] > MaxName {
		return "", d.bad("%s is %d bytes long, want 1..%d", what, n[0], MaxName)
	}
	b := make([]byte, n[0])
	if err := d.read(b, "header"); err != nil {
		return "", err
	}
	if !validName(string(b)) {
		return "", d.bad("%s %q is not printable UTF-8", what, b)
	}
	return string(b), nil
}

// dtype decodes a NUL-padded dtype field.
func (d *decoder) dtype(b []byte) (string, error) {
	dtype := string(bytes.TrimRight(b, "\x00"))
	if !validDtype(dtype) {
		return "", d.bad("dtype %q, want float64 or float32", dtype)
	}
	return dtype, nil
}
