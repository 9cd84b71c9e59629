package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

// CheckedWriter wraps a writer, typically os.Stdout, and remembers its first
// write error, so that a command whose output went nowhere (a full disk,
// >/dev/full) can say so and exit non-zero at the end instead of checking
// every Fprintf. After an error it writes nothing more and returns that error
// again. It is safe for concurrent use.
type CheckedWriter struct {
	name string
	w    io.Writer
	mu   sync.Mutex
	err  error
}

// NewCheckedWriter returns a CheckedWriter writing to w, named name in its
// error ("stdout").
func NewCheckedWriter(w io.Writer, name string) *CheckedWriter {
	return &CheckedWriter{name: name, w: w}
}

// Write writes p to the underlying writer unless an earlier write failed.
// A short write without an error counts as io.ErrShortWrite.
func (c *CheckedWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.err = fmt.Errorf("write %s: %w", c.name, err)
	}
	return n, c.err
}

// Err returns the first write error, as "write stdout: no space left on
// device", or nil if every write succeeded.
func (c *CheckedWriter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
