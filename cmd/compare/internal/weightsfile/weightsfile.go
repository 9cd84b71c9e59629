package weightsfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"unicode"
	"unicode/utf8"
)

// Weights is the content of a weights file: the matrices of a network's
// layers in order, the dtype ("float64" or "float32") they were trained in,
// the activations they were trained with, and named parameter vectors.
type Weights struct {
	Dtype string
	// HiddenActs names the activation of every hidden layer, input side
	// first: one name per matrix but the last (the registry's names, e.g.
	// "tanh"). Output names the output configuration (e.g. "softmax").
	// A file of version 1 or 2 records neither: both are then empty, and
	// Recorded is false.
	HiddenActs []string
	Output     string
	Layers     []Matrix
	// Params holds named vectors of learnable parameters kept beside the
	// matrices (an activation's own, such as a PReLU's slopes), in order;
	// it may be empty, and is in every file of version 1 or 2.
	Params []Param
}

// Recorded reports whether w records the activations it was trained with:
// true for every file of version 3, false for versions 1 and 2.
func (w Weights) Recorded() bool { return w.Output != "" }

// Param is a named vector of parameters.
type Param struct {
	Name string
	Data []float64
}

// Matrix is a Rows×Cols matrix, Data row-major: element (i, j) is
// Data[i*Cols+j].
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// Limits of what a file may hold, checked before anything is allocated.
const (
	// MaxLayers is the most matrices a file may hold.
	MaxLayers = 1024
	// MaxValues is the most values a file may hold, over all its matrices
	// and parameter vectors: 1<<26 float64s are 512 MiB. The book's network
	// holds 784×100 + 100×10.
	MaxValues = 1 << 26
	// MaxParams is the most parameter vectors a file may hold.
	MaxParams = 1024
	// MaxName is the longest name (an activation's, the output's, a
	// parameter vector's) a file may hold, in bytes.
	MaxName = 64
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBadFile reports content that is not a valid weights file: another
	// format or version, truncated or trailing data, a size disagreeing with
	// the header, shapes that do not chain or exceed the limits, a name that
	// is empty, too long or not printable, a parameter vector named twice, a
	// checksum mismatch, or a value that is NaN or infinite, or in a float32
	// file beyond float32's range.
	ErrBadFile = errors.New("weightsfile: bad weights file")
	// ErrNotRegular reports a path that is not a regular file: a directory,
	// a device, a FIFO, a socket.
	ErrNotRegular = errors.New("weightsfile: not a regular file")
	// ErrInvalid reports Weights that Marshal or Encode refuse to write.
	ErrInvalid = errors.New("weightsfile: invalid weights")
)

const (
	magic      = "OUTGRADW"
	version1   = 1
	version2   = 2
	version3   = 3
	dtypeBytes = 8
	v1Inputs   = 784
	v1Classes  = 10
)

// kindError is an error whose message is msg, which matches kind with
// errors.Is, and which wraps err (may be nil).
type kindError struct {
	kind error
	msg  string
	err  error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Unwrap() error        { return e.err }
func (e *kindError) Is(target error) bool { return target == e.kind }

// validDtype reports whether dtype is a dtype a file may record.
func validDtype(dtype string) bool { return dtype == "float64" || dtype == "float32" }

// fitsFloat32 reports whether v converts to a finite float32: a float32
// file holds only such values, since a float32 run would read a larger one
// as ±Inf.
func fitsFloat32(v float64) bool { return !math.IsInf(float64(float32(v)), 0) }

// ValidName reports whether s may name an activation, an output or a
// parameter vector in a file: 1..MaxName bytes of UTF-8, every character
// printable (letters, marks, numbers, punctuation, symbols, ASCII space),
// so that a name read from a hostile file prints on one line as it is.
func ValidName(s string) bool { return validName(s) }

func validName(s string) bool {
	if len(s) < 1 || len(s) > MaxName || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// checkValues reports the first value of data that a file of dtype cannot
// hold (NaN, ±Inf, or beyond float32's range in a float32 file) as "element
// (i, j) is v" of a matrix of cols columns, or "element i is v" when cols is
// 0; "" when every value fits.
func checkValues(data []float64, cols int, dtype string) string {
	for k, v := range data {
		bad := math.IsNaN(v) || math.IsInf(v, 0)
		if !bad && dtype == "float32" && !fitsFloat32(v) {
			bad = true
		}
		if !bad {
			continue
		}
		at := fmt.Sprintf("element %d is %v", k, v)
		if cols > 0 {
			at = fmt.Sprintf("element (%d, %d) is %v", k/cols, k%cols, v)
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			at += ", beyond float32's range"
		}
		return at
	}
	return ""
}

// check reports why w cannot be written, or nil.
func check(w Weights) error {
	invalid := func(format string, a ...any) error {
		return &kindError{ErrInvalid, "weightsfile: " + fmt.Sprintf(format, a...), nil}
	}
	if !validDtype(w.Dtype) {
		return invalid("dtype %q, want float64 or float32", w.Dtype)
	}
	if !validName(w.Output) {
		return invalid("output name %q, want 1..%d printable bytes", w.Output, MaxName)
	}
	if len(w.Layers) < 1 || len(w.Layers) > MaxLayers {
		return invalid("%d matrices, want 1..%d", len(w.Layers), MaxLayers)
	}
	total := 0
	for i, m := range w.Layers {
		if m.Rows < 1 || m.Cols < 1 || m.Rows > MaxValues || m.Cols > MaxValues {
			return invalid("matrix %d is %d×%d, want 1..%d each", i, m.Rows, m.Cols, MaxValues)
		}
		if i > 0 && m.Rows != w.Layers[i-1].Cols {
			return invalid("matrix %d is %d×%d, matrix %d has %d columns: the shapes do not chain", i, m.Rows, m.Cols, i-1, w.Layers[i-1].Cols)
		}
		n := m.Rows * m.Cols
		if len(m.Data) != n {
			return invalid("matrix %d is %d×%d but holds %d values", i, m.Rows, m.Cols, len(m.Data))
		}
		if total += n; total > MaxValues {
			return invalid("more than %d values", MaxValues)
		}
		if at := checkValues(m.Data, m.Cols, w.Dtype); at != "" {
			return invalid("matrix %d, %s", i, at)
		}
	}
	if len(w.HiddenActs) != len(w.Layers)-1 {
		return invalid("%d hidden activations for %d matrices, want one per hidden layer (%d)", len(w.HiddenActs), len(w.Layers), len(w.Layers)-1)
	}
	for i, name := range w.HiddenActs {
		if !validName(name) {
			return invalid("hidden activation %d is named %q, want 1..%d printable bytes", i+1, name, MaxName)
		}
	}
	if len(w.Params) > MaxParams {
		return invalid("%d parameter vectors, want at most %d", len(w.Params), MaxParams)
	}
	seen := map[string]bool{}
	for i, p := range w.Params {
		if !validName(p.Name) {
			return invalid("parameter vector %d is named %q, want 1..%d printable bytes", i, p.Name, MaxName)
		}
		if seen[p.Name] {
			return invalid("parameter vector %q is named twice", p.Name)
		}
		seen[p.Name] = true
		if len(p.Data) < 1 || len(p.Data) > MaxValues {
			return invalid("parameter vector %q holds %d values, want 1..%d", p.Name, len(p.Data), MaxValues)
		}
		if total += len(p.Data); total > MaxValues {
			return invalid("more than %d values", MaxValues)
		}
		if at := checkValues(p.Data, 0, w.Dtype); at != "" {
			return invalid("parameter vector %q, %s", p.Name, at)
		}
	}
	return nil
}

// size returns the bytes of the version 3 file of checked weights w.
func size(w Weights) int64 {
	n := int64(len(magic) + 4 + 4 + 8*len(w.Layers) + dtypeBytes)
	n += int64(1 + len(w.Output))
	for _, a := range w.HiddenActs {
		n += int64(1 + len(a))
	}
	n += 4
	for _, m := range w.Layers {
		n += 8 * int64(len(m.Data))
	}
	for _, p := range w.Params {
		n += int64(1+len(p.Name)+4) + 8*int64(len(p.Data))
	}
	return n + 4
}

// Marshal returns w in the version 3 format. It refuses (ErrInvalid) an
// unknown dtype, no matrices or more than MaxLayers, a matrix whose Data does
// not hold Rows×Cols values, shapes that do not chain, more than MaxValues
// values, NaN or infinite values (in float32 weights, values beyond
// float32's range), an output name or hidden activations that are missing
// (one per matrix but the last) or not valid names (1..MaxName printable
// bytes), and more than MaxParams parameter vectors, one that is empty or
// badly named, or two of one name.
func Marshal(w Weights) ([]byte, error) {
	if err := check(w); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(int(size(w)))
	if err := encode(&b, w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Encode writes w to dst in the version 3 format, refusing what Marshal
// refuses before writing anything. A nil dst is an error.
func Encode(dst io.Writer, w Weights) error {
	if dst == nil {
		return errors.New("weightsfile: encode: nil writer")
	}
	if err := check(w); err != nil {
		return err
	}
	bw := bufio.NewWriter(dst)
	if err := encode(bw, w); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("weightsfile: write: %w", err)
	}
	return nil
}

// encode writes checked weights to dst and then their checksum.
func encode(dst io.Writer, w Weights) error {
	crc := crc32.NewIEEE()
	out := &sticky{w: io.MultiWriter(dst, crc)}
	out.write([]byte(magic))
	out.u32(version3)
	out.u32(uint32(len(w.Layers)))
	for _, m := range w.Layers {
		out.u32(uint32(m.Rows))
		out.u32(uint32(m.Cols))
	}
	var dt [dtypeBytes]byte
	copy(dt[:], w.Dtype)
	out.write(dt[:])
	out.name(w.Output)
	for _, a := range w.HiddenActs {
		out.name(a)
	}
	out.u32(uint32(len(w.Params)))
	for _, p := range w.Params {
		out.name(p.Name)
		out.u32(uint32(len(p.Data)))
	}
	var buf [8 * 512]byte
	values := func(data []float64) {
		for len(data) > 0 {
			k := min(len(data), len(buf)/8)
			for i, v := range data[:k] {
				binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
			}
			out.write(buf[:8*k])
			data = data[k:]
		}
	}
	for _, m := range w.Layers {
		values(m.Data)
	}
	for _, p := range w.Params {
		values(p.Data)
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	if out.err == nil {
		_, out.err = dst.Write(sum[:])
	}
	if out.err != nil {
		return fmt.Errorf("weightsfile: write: %w", out.err)
	}
	return nil
}

// sticky is a writer that remembers its first error and then writes nothing.
type sticky struct {
	w   io.Writer
	err error
}

func (s *sticky) write(p []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(p)
	}
}

func (s *sticky) u32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	s.write(b[:])
}

// name writes a checked name: its length in one byte, then its bytes.
func (s *sticky) name(n string) {
	s.write(append([]byte{byte(len(n))}, n...))
}

// hashReader is a reader that hashes what it reads.
type hashReader struct {
	r io.Reader
	h hash.Hash32
}

func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}
