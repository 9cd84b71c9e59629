package outfile

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// ErrNotRegular is wrapped by the errors of Check and Write for a path that
// is, or whose symbolic links end at, a directory, a device, a named pipe, a
// socket or another file that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrNotWritable is wrapped by the errors of Check for a path whose
// directory does not exist or cannot be written, or for an existing file that
// cannot be opened for writing.
var ErrNotWritable = errors.New("cannot be written")

// maxLinks is how many symbolic links Check follows before it gives up, as
// Linux's 40 (ELOOP).
const maxLinks = 40

// Target is an output file that Check found writable. Its zero value is not
// usable; Write replaces the file Resolved names.
type Target struct {
	path     string      // as given
	resolved string      // absolute, every symbolic link followed
	info     fs.FileInfo // of resolved when Check ran; nil if it did not exist
}

// Path returns the path Check was given.
func (t Target) Path() string { return t.path }

// Resolved returns the absolute path of the file Write replaces or creates:
// Path with every symbolic link followed, in its directory and at its end.
func (t Target) Resolved() string { return t.resolved }

// Exists reports whether the file existed when Check ran.
func (t Target) Exists() bool { return t.info != nil }

// Check reports, before any long work, whether path can be written by Write.
// It follows symbolic links to the final target, which must be a regular
// file or not exist; a directory, device, named pipe or socket is refused
// with an error wrapping ErrNotRegular that names the path and what it is.
// The final target's directory must exist and be writable: Check creates and
// removes a temporary file there, which also catches read-only file systems
// that permission bits, ignored by root, do not show. An existing target
// must be writable by the real user (access(2) W_OK; root passes unless the
// file system is read-only): a read-only file is refused rather than
// replaced. These failures wrap ErrNotWritable. An empty path is an error.
func Check(path string) (Target, error) {
	if path == "" {
		return Target{}, errors.New("outfile: empty path")
	}
	resolved, info, err := resolve(path)
	if err != nil {
		return Target{}, err
	}
	t := Target{path: path, resolved: resolved, info: info}
	if info != nil && !info.Mode().IsRegular() {
		return Target{}, fmt.Errorf("outfile: %s%s is %s, %w", path, via(path, resolved), kind(info.Mode()), ErrNotRegular)
	}
	dir := filepath.Dir(resolved)
	f, err := os.CreateTemp(dir, tempPattern(resolved))
	if err != nil {
		return Target{}, fmt.Errorf("outfile: %s: directory %s %w: %w", path, dir, ErrNotWritable, cause(err))
	}
	name := f.Name()
	cerr := f.Close()
	if err := errors.Join(cerr, os.Remove(name)); err != nil {
		return Target{}, fmt.Errorf("outfile: %s: directory %s: trial file: %w", path, dir, err)
	}
	if info != nil {
		if err := accessWrite(resolved); err != nil {
			return Target{}, fmt.Errorf("outfile: %s%s %w: %w", path, via(path, resolved), ErrNotWritable, err)
		}
	}
	return t, nil
}

// resolve follows the symbolic links of path to the file they finally name
// and returns its absolute path and, if it exists, its Lstat information. A
// dangling link resolves to the path it names, whose directory must exist.
func resolve(path string) (string, fs.FileInfo, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", nil, fmt.Errorf("outfile: %s: %w", path, err)
	}
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return "", nil, fmt.Errorf("outfile: %s: directory %s %w: %w", path, filepath.Dir(p), ErrNotWritable, cause(err))
		}
		p = filepath.Join(dir, filepath.Base(p))
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("outfile: %s: %w", path, err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return p, info, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", nil, fmt.Errorf("outfile: %s: %w", path, err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = link
	}
	return "", nil, fmt.Errorf("outfile: %s: more than %d symbolic links", path, maxLinks)
}

// kind names what a file of mode m is, for an error message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a file of mode " + m.String()
}

// via returns " (→ resolved)" when path resolved to another file, for an
// error message.
func via(path, resolved string) string {
	if abs, err := filepath.Abs(path); err == nil && abs == resolved {
		return ""
	}
	return " (→ " + resolved + ")"
}

// cause strips the path from a *fs.PathError, whose path is a temporary or
// intermediate name the message already gives better.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// nameMax is the longest file name, in bytes, of the usual file systems
// (NAME_MAX of Linux's ext4, xfs, btrfs and tmpfs, of macOS's APFS).
const nameMax = 255

// tempPattern is the os.CreateTemp pattern of the temporary files written
// beside target: hidden, and named after it so that a stray one is
// recognised. The name must fit in nameMax bytes wherever the target's
// does, so a base too long for the dot, ".tmp" and os.CreateTemp's up to
// ten random digits is cut (at a character boundary) and followed by "~"
// and a hash of the whole base, which keeps two long names that share a
// beginning apart.
func tempPattern(target string) string {
	base := filepath.Base(target)
	const extra = len(".") + len(".tmp") + 10 // os.CreateTemp's random digits
	if len(base)+extra > nameMax {
		h := fnv.New32a()
		h.Write([]byte(base))
		sum := fmt.Sprintf("~%08x", h.Sum32())
		cut := nameMax - extra - len(sum)
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut] + sum
	}
	return "." + base + ".tmp*"
}
