//go:build unix

package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// writeString returns a Write function writing s.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// withUmask runs the test under umask m, restored afterwards. Tests that
// call it must not run in parallel: the umask belongs to the process.
func withUmask(t *testing.T, m int) {
	old := syscall.Umask(m)
	t.Cleanup(func() { syscall.Umask(old) })
}

func TestWriteMode(t *testing.T) {
	for _, c := range []struct {
		name     string
		umask    int
		existing os.FileMode // 0: no existing file
		want     os.FileMode
	}{
		{"new file, umask 022", 0o022, 0, 0o644},
		{"new file, umask 027", 0o027, 0, 0o640},
		{"new file, umask 0", 0, 0, 0o666},
		{"existing 0644 kept under umask 077", 0o077, 0o644, 0o644},
		{"existing 0604 kept under umask 022", 0o022, 0o604, 0o604},
		{"existing 0600 kept under umask 0", 0, 0o600, 0o600},
	} {
		t.Run(c.name, func(t *testing.T) {
			withUmask(t, c.umask)
			if got := umask(); got != os.FileMode(c.umask) {
				t.Errorf("umask() = %o, want %o", got, c.umask)
			}
			dir := t.TempDir()
			p := filepath.Join(dir, "out")
			if c.existing != 0 {
				writeFile(t, dir, "out", "old", c.existing)
			}
			tg, err := Check(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := tg.Write(nil, writeString("new")); err != nil {
				t.Fatal(err)
			}
			wantContent(t, p, "new")
			wantMode(t, p, 0, c.want)
			wantDir(t, dir, "out")
		})
	}
}

func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "real", "old", 0o640)
	link := filepath.Join(dir, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	tg, err := Check(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Write(nil, writeString("new")); err != nil {
		t.Fatal(err)
	}
	wantMode(t, link, fs.ModeSymlink, 0)
	wantMode(t, filepath.Join(dir, "real"), 0, 0o640)
	wantContent(t, filepath.Join(dir, "real"), "new")
	wantDir(t, dir, "link", "real")
}

func TestWriteDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.Symlink("new", link); err != nil {
		t.Fatal(err)
	}
	tg, err := Check(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Write(nil, writeString("new")); err != nil {
		t.Fatal(err)
	}
	wantMode(t, link, fs.ModeSymlink, 0)
	wantContent(t, link, "new")
	wantDir(t, dir, "link", "new")
}

// TestWriteFails checks that a Write that fails before its rename leaves
// the target as it was and no temporary file.
func TestWriteFails(t *testing.T) {
	errHalf := errors.New("failed halfway")
	for _, c := range []struct {
		name string
		// between runs after Check, before Write.
		between func(t *testing.T, dir string)
		fn      func(t *testing.T, dir string, g *Guard) func(io.Writer) error
		is      error
		msg     string
		names   []string // dir afterwards
	}{
		{
			name: "writer fails halfway",
			fn: func(*testing.T, string, *Guard) func(io.Writer) error {
				return func(w io.Writer) error {
					io.WriteString(w, strings.Repeat("x", 1<<20))
					return errHalf
				}
			},
			is: errHalf, msg: "/out: failed halfway", names: []string{"out"},
		},
		{
			name: "target became a fifo",
			between: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "out")
				os.Remove(p)
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			fn: func(*testing.T, string, *Guard) func(io.Writer) error { return writeString("new") },
			is: ErrNotRegular, msg: "out is now a named pipe, not a regular file", names: []string{"out"},
		},
		{
			name: "target became a directory",
			between: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "out")
				os.Remove(p)
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			},
			fn: func(*testing.T, string, *Guard) func(io.Writer) error { return writeString("new") },
			is: ErrNotRegular, msg: "out is now a directory", names: []string{"out"},
		},
		{
			name: "cleanup during the writes",
			fn: func(t *testing.T, dir string, g *Guard) func(io.Writer) error {
				return func(w io.Writer) error {
					if _, err := io.WriteString(w, "partial"); err != nil {
						return err
					}
					if err := g.Cleanup(); err != nil {
						return err
					}
					if names := listDir(t, dir); len(names) != 1 {
						return fmt.Errorf("after Cleanup the directory holds %q", names)
					}
					if _, err := io.WriteString(w, "more"); err != nil {
						return err
					}
					return errors.New("a write after Cleanup succeeded")
				}
			},
			is: ErrInterrupted, msg: "/out: interrupted", names: []string{"out"},
		},
		{
			name: "cleanup after the writes, before the rename",
			fn: func(t *testing.T, dir string, g *Guard) func(io.Writer) error {
				return func(w io.Writer) error {
					if _, err := io.WriteString(w, "all"); err != nil {
						return err
					}
					g.Cleanup()
					return nil // a writer that hides no error, but the rename must not happen
				}
			},
			is: ErrInterrupted, msg: "interrupted", names: []string{"out"},
		},
		{
			name:    "cleanup before the write",
			between: func(t *testing.T, dir string) {},
			fn: func(t *testing.T, dir string, g *Guard) func(io.Writer) error {
				g.Cleanup()
				return writeString("new")
			},
			is: ErrInterrupted, msg: "before start: interrupted", names: []string{"out"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "out", "old", 0o644)
			tg, err := Check(p)
			if err != nil {
				t.Fatal(err)
			}
			if c.between != nil {
				c.between(t, dir)
			}
			g := new(Guard)
			err = tg.Write(g, c.fn(t, dir, g))
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("Write = %v, want errors.Is %v and %q", err, c.is, c.msg)
			}
			wantDir(t, dir, c.names...)
			if fi, _ := os.Lstat(p); fi.Mode().IsRegular() {
				wantContent(t, p, "old")
				wantMode(t, p, 0, 0o644)
			}
			if len(g.temps) != 0 {
				t.Errorf("guard still tracks %v", g.temps)
			}
		})
	}
}

// TestWriteConcurrent checks that concurrent Writes of one target leave one
// of the contents whole, never a mixture or a truncated file.
func TestWriteConcurrent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	var g Guard
	var wg sync.WaitGroup
	contents := map[string]bool{}
	for i := range 8 {
		s := strings.Repeat(fmt.Sprint(i), 1<<17)
		contents[s] = true
		wg.Go(func() {
			tg, err := Check(p)
			if err != nil {
				t.Error(err)
				return
			}
			if err := tg.Write(&g, writeString(s)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !contents[string(b)] {
		t.Errorf("%s holds %d bytes not written by any one Write", p, len(b))
	}
	wantDir(t, dir, "out")
}

func TestWriteZeroTarget(t *testing.T) {
	if err := (Target{}).Write(nil, writeString("x")); err == nil {
		t.Error("Write of a zero Target succeeded")
	}
}

// TestWriteNilFunc checks that a nil content function is an error that
// leaves the target as it was and no temporary file behind.
func TestWriteNilFunc(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tg, err := Check(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := tg.Write(nil, nil); err == nil || !strings.Contains(err.Error(), "nil content function") {
		t.Fatalf("Write(nil, nil): %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("target now %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the directory, want the target alone", len(ents))
	}
}

// TestCleanupLeavesNoTempWhileWriting: the moment Cleanup returns, no
// temporary file is in the directory, although Writes are under way on
// other goroutines (a command stopped by an interrupt exits then, without
// waiting for them), whatever point of their Write they are at.
func TestCleanupLeavesNoTempWhileWriting(t *testing.T) {
	dir := t.TempDir()
	for trial := range 200 {
		var g Guard
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range 4 {
			tg, err := Check(filepath.Join(dir, fmt.Sprintf("out%d", w)))
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					tg.Write(&g, writeString("x"))
				}
			})
		}
		for range trial % 7 {
			runtime.Gosched()
		}
		if err := g.Cleanup(); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(dir)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp") {
				t.Fatalf("trial %d: %s in the directory when Cleanup returned", trial, e.Name())
			}
		}
	}
}
