package outfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Write writes the target's new content, produced by fn, and replaces the
// target with it only if fn and every step succeed:
//
//  1. create a temporary file in the target's directory, tracked by g;
//  2. write fn's output to it through a buffer, flush and fsync it;
//  3. Lstat the target again: it must still be a regular file or absent
//     (else ErrNotRegular); give the temporary file the target's permission
//     bits (set-user-ID, set-group-ID and sticky bits are dropped), or, for a
//     new file, 0666 less the umask, as os.Create would;
//  4. rename it over the target, holding g's lock so that an interrupt
//     either comes before (the target is untouched) or after (the target is
//     complete);
//  5. fsync the directory so that the rename survives a crash.
//
// On any failure before the rename, fn's error included, the temporary file
// is removed and the target is left as it was. If g is closed by Cleanup
// during the Write, the writes fn makes fail and Write returns an error
// wrapping ErrInterrupted. A nil g tracks nothing. An error after the rename
// (syncing the directory) says the file was written. fn must not keep the
// writer after it returns; a nil fn is an error, and nothing is written.
func (t Target) Write(g *Guard, fn func(io.Writer) error) error {
	if t.resolved == "" {
		return errors.New("outfile: write: target not made by Check")
	}
	if fn == nil {
		return fmt.Errorf("outfile: write %s: nil content function", t.path)
	}
	fail := func(step string, err error) error {
		if step == "" {
			return fmt.Errorf("outfile: write %s: %w", t.path, err)
		}
		return fmt.Errorf("outfile: write %s: %s: %w", t.path, step, err)
	}
	if err := g.interrupted(); err != nil {
		return fail("before start", err)
	}
	dir := filepath.Dir(t.resolved)
	f, err := g.create(dir, tempPattern(t.resolved))
	if err != nil {
		if !errors.Is(err, ErrInterrupted) {
			err = cause(err)
		}
		return fail("create temporary file", err)
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			f.Close()
			os.Remove(tmp)
		}
		g.done(tmp)
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(guardedWriter{g, bw}); err != nil {
		return fail("", err)
	}
	if err := bw.Flush(); err != nil {
		return fail("", cause(err))
	}
	if err := f.Sync(); err != nil {
		return fail("sync", cause(err))
	}
	err = g.locked(func() error {
		mode := 0o666 &^ umask()
		info, err := os.Lstat(t.resolved)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case !info.Mode().IsRegular():
			return fmt.Errorf("%s is now %s, %w", t.resolved, kind(info.Mode()), ErrNotRegular)
		default:
			mode = info.Mode().Perm()
		}
		if err := f.Chmod(mode); err != nil {
			return cause(err)
		}
		if err := f.Close(); err != nil {
			return cause(err)
		}
		if err := os.Rename(tmp, t.resolved); err != nil {
			return cause(err)
		}
		renamed = true
		return nil
	})
	if err != nil {
		return fail("replace", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("outfile: %s written, but syncing directory %s: %w", t.path, dir, err)
	}
	return nil
}

// syncDir fsyncs directory dir, so that a rename in it is on disk. File
// systems that cannot sync a directory (EINVAL) are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return cause(err)
	}
	err = d.Sync()
	cerr := d.Close()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		err = nil
	}
	if err = errors.Join(err, cerr); err != nil {
		return cause(err)
	}
	return nil
}
