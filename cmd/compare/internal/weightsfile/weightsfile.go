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
)

// Weights is the content of a weights file: the matrices of a network's
// layers in order, and the dtype ("float64" or "float32") they were trained in.
type Weights struct {
	Dtype  string
	Layers []Matrix
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
	// MaxValues is the most values a file may hold, over all its matrices:
	// 1<<26 float64s are 512 MiB. The book's network holds 784×100 + 100×10.
	MaxValues = 1 << 26
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrBadFile reports content that is not a valid weights file: another
	// format or version, truncated or trailing data, a size disagreeing with
	// the header, shapes that do not chain or exceed the limits, a checksum
	// mismatch, or a value that is NaN or infinite, or in a float32 file
	// beyond float32's range.
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

// check reports why w cannot be written, or nil.
func check(w Weights) error {
	invalid := func(format string, a ...any) error {
		return &kindError{ErrInvalid, "weightsfile: " + fmt.Sprintf(format, a...), nil}
	}
	if !validDtype(w.Dtype) {
		return invalid("dtype %q, want float64 or float32", w.Dtype)
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
		for k, v := range m.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return invalid("matrix %d, element (%d, %d) is %v", i, k/m.Cols, k%m.Cols, v)
			}
			if w.Dtype == "float32" && !fitsFloat32(v) {
				return invalid("matrix %d, element (%d, %d) is %v, beyond float32's range", i, k/m.Cols, k%m.Cols, v)
			}
		}
	}
	return nil
}

// size returns the bytes of a version 2 file holding layers matrices of
// values values in all.
func size(layers, values int) int64 {
	return int64(len(magic)+4+4+8*layers+dtypeBytes) + 8*int64(values) + 4
}

// Marshal returns w in the version 2 format. It refuses (ErrInvalid) an
// unknown dtype, no matrices or more than MaxLayers, a matrix whose Data does
// not hold Rows×Cols values, shapes that do not chain, more than MaxValues
// values, and NaN or infinite values (in float32 weights, values beyond
// float32's range).
func Marshal(w Weights) ([]byte, error) {
	if err := check(w); err != nil {
		return nil, err
	}
	values := 0
	for _, m := range w.Layers {
		values += len(m.Data)
	}
	var b bytes.Buffer
	b.Grow(int(size(len(w.Layers), values)))
	if err := encode(&b, w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Encode writes w to dst in the version 2 format, refusing what Marshal
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
	out.u32(version2)
	out.u32(uint32(len(w.Layers)))
	for _, m := range w.Layers {
		out.u32(uint32(m.Rows))
		out.u32(uint32(m.Cols))
	}
	var dt [dtypeBytes]byte
	copy(dt[:], w.Dtype)
	out.write(dt[:])
	var buf [8 * 512]byte
	for _, m := range w.Layers {
		for data := m.Data; len(data) > 0; {
			k := min(len(data), len(buf)/8)
			for i, v := range data[:k] {
				binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
			}
			out.write(buf[:8*k])
			data = data[k:]
		}
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
