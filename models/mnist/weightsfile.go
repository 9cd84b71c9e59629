package mnist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
)

// The weights file format, all integers and floats little-endian:
//
//	offset  size        field
//	0       8           magic "OUTGRADW"
//	8       4           version, uint32 = 1
//	12      4           pixels (inputs), uint32 = 784
//	16      4           hidden units h, uint32
//	20      4           classes, uint32 = 10
//	24      8           dtype the weights were trained in, "float64\x00" or "float32\x00"
//	32      8·784·h     w01, float64, row-major 784×h
//	…       8·h·10      w12, float64, row-major h×10
//	…       4           CRC-32 (IEEE) of every byte before it
//
// Weights are always stored as float64; float32 weights convert exactly.
const (
	weightsMagic   = "OUTGRADW"
	weightsVersion = 1
	weightsHeader  = 32
)

// SaveWeights writes w01 (784×cfg.Hidden) and w12 (cfg.Hidden×10) to path in
// the weights file format, with dtype recorded ("float64" or "float32"). It
// writes a temporary file in the same directory and renames it over path, so
// path is never left half written.
func SaveWeights(path string, cfg Config, dtype string, w01, w12 []float64) error {
	if len(cfg.Hidden) != 1 {
		return fmt.Errorf("mnist: save %s: %d hidden layers: this format holds one", path, len(cfg.Hidden))
	}
	if err := checkWeights(cfg, [][]float64{w01, w12}); err != nil {
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	if dtype != "float64" && dtype != "float32" {
		return fmt.Errorf("mnist: save %s: dtype %q: want float64 or float32", path, dtype)
	}
	var buf bytes.Buffer
	buf.Grow(weightsHeader + 8*(len(w01)+len(w12)) + 4)
	buf.WriteString(weightsMagic)
	var u [4]byte
	for _, v := range []uint32{weightsVersion, Pixels, uint32(cfg.Hidden[0]), Classes} {
		binary.LittleEndian.PutUint32(u[:], v)
		buf.Write(u[:])
	}
	var dt [8]byte
	copy(dt[:], dtype)
	buf.Write(dt[:])
	var f [8]byte
	for _, w := range [][]float64{w01, w12} {
		for _, v := range w {
			binary.LittleEndian.PutUint64(f[:], math.Float64bits(v))
			buf.Write(f[:])
		}
	}
	binary.LittleEndian.PutUint32(u[:], crc32.ChecksumIEEE(buf.Bytes()))
	buf.Write(u[:])

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("mnist: save %s: %w", path, err)
	}
	return nil
}

// SavedWeights is the content of a weights file.
type SavedWeights struct {
	Hidden   int
	Dtype    string
	W01, W12 []float64
}

// LoadWeights reads a file written by SaveWeights. A file that is truncated,
// too long, of another format or version, or whose checksum does not match is
// an error naming the file.
func LoadWeights(path string) (SavedWeights, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SavedWeights{}, fmt.Errorf("mnist: load weights: %w", err)
	}
	bad := func(format string, a ...any) (SavedWeights, error) {
		return SavedWeights{}, fmt.Errorf("mnist: load weights %s: %s", path, fmt.Sprintf(format, a...))
	}
	if len(b) < len(weightsMagic) || string(b[:len(weightsMagic)]) != weightsMagic {
		return bad("not an outgrad weights file (no %q magic)", weightsMagic)
	}
	if len(b) < weightsHeader+4 {
		return bad("truncated: %d bytes", len(b))
	}
	u32 := func(off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
	if v := u32(8); v != weightsVersion {
		return bad("version %d, want %d", v, weightsVersion)
	}
	pix, hid, cls := u32(12), u32(16), u32(20)
	if pix != Pixels || cls != Classes || hid < 1 || hid > 1<<20 {
		return bad("shape %d×%d×%d, want %d×h×%d", pix, hid, cls, Pixels, Classes)
	}
	dtype := string(bytes.TrimRight(b[24:32], "\x00"))
	if dtype != "float64" && dtype != "float32" {
		return bad("dtype %q", dtype)
	}
	n01, n12 := Pixels*int(hid), int(hid)*Classes
	want := weightsHeader + 8*(n01+n12) + 4
	if len(b) != want {
		return bad("%d bytes, want %d for %d hidden units (truncated or trailing data)", len(b), want, hid)
	}
	body := b[:len(b)-4]
	if got, sum := crc32.ChecksumIEEE(body), binary.LittleEndian.Uint32(b[len(b)-4:]); got != sum {
		return bad("checksum %08x, file says %08x (corrupt)", got, sum)
	}
	vals := make([]float64, n01+n12)
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[weightsHeader+8*i:]))
	}
	return SavedWeights{Hidden: int(hid), Dtype: dtype, W01: vals[:n01:n01], W12: vals[n01:]}, nil
}
