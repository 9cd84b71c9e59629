//go:build unix

package outfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
)

func TestCheckedWriterFull(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer f.Close()
	w := NewCheckedWriter(f, "stdout")
	fmt.Fprintln(w, "first")
	fmt.Fprintln(w, "second")
	err = w.Err()
	if err == nil || err.Error() != "write stdout: no space left on device" || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Err = %v, want write stdout: no space left on device (ENOSPC)", err)
	}
}

// countWriter counts its writes and fails from the second on.
type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n++
	if c.n > 1 {
		return 0, syscall.EPIPE
	}
	return len(p), nil
}

// shortWriter writes one byte less than asked, without an error.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }

func TestCheckedWriter(t *testing.T) {
	cw := &countWriter{}
	w := NewCheckedWriter(cw, "stdout")
	if _, err := io.WriteString(w, "ok"); err != nil || w.Err() != nil {
		t.Fatalf("first write: %v, Err %v", err, w.Err())
	}
	for range 3 {
		io.WriteString(w, "fails")
	}
	if cw.n != 2 {
		t.Errorf("%d writes reached the writer, want 2: none after the first error", cw.n)
	}
	if err := w.Err(); !errors.Is(err, syscall.EPIPE) || err.Error() != "write stdout: broken pipe" {
		t.Errorf("Err = %v, want write stdout: broken pipe", err)
	}

	w = NewCheckedWriter(shortWriter{}, "out")
	io.WriteString(w, "abc")
	if err := w.Err(); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("Err after a short write = %v, want io.ErrShortWrite", err)
	}
}
