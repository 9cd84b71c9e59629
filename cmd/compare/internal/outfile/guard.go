package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// ErrInterrupted is wrapped by the error of a Write stopped by
// Guard.Cleanup, or begun after it.
var ErrInterrupted = errors.New("interrupted")

// Guard tracks the temporary files its Writes are writing, so that an
// interrupt can remove them. Its zero value is ready to use; a Guard must
// not be copied after first use. A command makes one and passes it to every
// Write and to NotifyInterrupt.
type Guard struct {
	mu     sync.Mutex
	temps  map[string]struct{}
	closed atomic.Bool // set by Cleanup; read without mu by the writers
}

// Cleanup removes the temporary files of the Writes in progress and closes
// the Guard: the Writes in progress fail with ErrInterrupted at their next
// write or before their rename, whichever comes first, and later Writes fail
// at once, so no temporary file is left and no target is replaced after
// Cleanup returns. A Write whose rename has begun completes it first; its
// target then holds the whole new content. Cleanup may be called again; it
// returns the files it could not remove (kept for the next call), joined.
func (g *Guard) Cleanup() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed.Store(true)
	var errs []error
	for name := range g.temps {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("outfile: remove temporary file: %w", err))
			continue
		}
		delete(g.temps, name)
	}
	return errors.Join(errs...)
}

// create makes a temporary file in dir (os.CreateTemp's pattern) and
// records it, both under the Guard's lock, so that a Cleanup cannot come
// between them: the file is either never made (the Guard is closed:
// ErrInterrupted) or recorded, and removed by Cleanup. (A command stopped by
// an interrupt may exit while a Write is under way on another goroutine:
// a file made but not yet recorded would stay behind.) A nil Guard only
// makes the file.
func (g *Guard) create(dir, pattern string) (*os.File, error) {
	if g == nil {
		return os.CreateTemp(dir, pattern)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed.Load() {
		return nil, ErrInterrupted
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if g.temps == nil {
		g.temps = map[string]struct{}{}
	}
	g.temps[f.Name()] = struct{}{}
	return f, nil
}

// done forgets the temporary file name, renamed or removed by its Write.
func (g *Guard) done(name string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	delete(g.temps, name)
	g.mu.Unlock()
}

// interrupted reports ErrInterrupted once Cleanup has been called.
func (g *Guard) interrupted() error {
	if g != nil && g.closed.Load() {
		return ErrInterrupted
	}
	return nil
}

// locked runs fn holding the Guard's lock, unless the Guard is closed, so
// that Cleanup cannot run between fn's check and its rename.
func (g *Guard) locked(fn func() error) error {
	if g == nil {
		return fn()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed.Load() {
		return ErrInterrupted
	}
	return fn()
}

// guardedWriter fails every write with ErrInterrupted once its Guard is
// closed, so that a long write stops at the interrupt. It drops the
// temporary file's name from write errors, which Write names by the target.
type guardedWriter struct {
	g *Guard
	w io.Writer
}

func (w guardedWriter) Write(p []byte) (int, error) {
	if err := w.g.interrupted(); err != nil {
		return 0, err
	}
	n, err := w.w.Write(p)
	if err != nil {
		err = cause(err)
	}
	return n, err
}
