//go:build unix

package outfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name string
		// setup makes the files in dir and returns the path to check and
		// the names dir must hold afterwards.
		setup    func(t *testing.T, dir string) (path string, names []string)
		is       error  // wanted errors.Is target; nil for success
		msg      string // wanted substring of the error
		resolved string // wanted Resolved, relative to dir, on success
		exists   bool
		after    func(t *testing.T, dir string)
	}{
		{
			name: "new file",
			setup: func(t *testing.T, dir string) (string, []string) {
				return filepath.Join(dir, "out"), nil
			},
			resolved: "out",
		},
		{
			name: "existing file",
			setup: func(t *testing.T, dir string) (string, []string) {
				return writeFile(t, dir, "out", "old", 0o644), []string{"out"}
			},
			resolved: "out", exists: true,
			after: func(t *testing.T, dir string) { wantContent(t, filepath.Join(dir, "out"), "old") },
		},
		{
			name: "dev null",
			setup: func(t *testing.T, dir string) (string, []string) {
				return "/dev/null", nil
			},
			is: ErrNotRegular, msg: "outfile: /dev/null is a character device, not a regular file",
			after: func(t *testing.T, dir string) { wantMode(t, "/dev/null", fs.ModeDevice|fs.ModeCharDevice, 0) },
		},
		{
			name: "symlink to dev null",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "null")
				if err := os.Symlink("/dev/null", p); err != nil {
					t.Fatal(err)
				}
				return p, []string{"null"}
			},
			is: ErrNotRegular, msg: "null (→ /dev/null) is a character device",
			after: func(t *testing.T, dir string) {
				wantMode(t, filepath.Join(dir, "null"), fs.ModeSymlink, 0)
				wantMode(t, "/dev/null", fs.ModeDevice|fs.ModeCharDevice, 0)
			},
		},
		{
			name: "fifo",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Fatal(err)
				}
				return p, []string{"fifo"}
			},
			is: ErrNotRegular, msg: "fifo is a named pipe",
			after: func(t *testing.T, dir string) { wantMode(t, filepath.Join(dir, "fifo"), fs.ModeNamedPipe, 0) },
		},
		{
			name: "directory",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "sub")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p, []string{"sub"}
			},
			is: ErrNotRegular, msg: "sub is a directory",
			after: func(t *testing.T, dir string) { wantDir(t, filepath.Join(dir, "sub")) },
		},
		{
			name: "socket",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "sock")
				l, err := net.Listen("unix", p)
				if err != nil {
					t.Fatal(err)
				}
				l.(*net.UnixListener).SetUnlinkOnClose(false)
				t.Cleanup(func() { l.Close() })
				return p, []string{"sock"}
			},
			is: ErrNotRegular, msg: "sock is a socket",
			after: func(t *testing.T, dir string) { wantMode(t, filepath.Join(dir, "sock"), fs.ModeSocket, 0) },
		},
		{
			name: "symlink to regular file",
			setup: func(t *testing.T, dir string) (string, []string) {
				writeFile(t, dir, "real", "old", 0o644)
				p := filepath.Join(dir, "link")
				if err := os.Symlink("real", p); err != nil {
					t.Fatal(err)
				}
				return p, []string{"link", "real"}
			},
			resolved: "real", exists: true,
		},
		{
			name: "chain of symlinks through a linked directory",
			setup: func(t *testing.T, dir string) (string, []string) {
				os.Mkdir(filepath.Join(dir, "d"), 0o755)
				writeFile(t, dir, "d/real", "old", 0o644)
				os.Symlink("d", filepath.Join(dir, "dl"))
				os.Symlink("dl/real", filepath.Join(dir, "l1"))
				os.Symlink(filepath.Join(dir, "l1"), filepath.Join(dir, "l2"))
				return filepath.Join(dir, "l2"), []string{"d", "dl", "l1", "l2"}
			},
			resolved: "d/real", exists: true,
		},
		{
			name: "dangling symlink, directory exists",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "link")
				if err := os.Symlink("new", p); err != nil {
					t.Fatal(err)
				}
				return p, []string{"link"}
			},
			resolved: "new",
		},
		{
			name: "dangling symlink, directory missing",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "link")
				if err := os.Symlink("nodir/new", p); err != nil {
					t.Fatal(err)
				}
				return p, []string{"link"}
			},
			is: ErrNotWritable, msg: "nodir cannot be written: no such file or directory",
		},
		{
			name: "directory missing",
			setup: func(t *testing.T, dir string) (string, []string) {
				return filepath.Join(dir, "nodir", "out"), nil
			},
			is: ErrNotWritable, msg: "nodir cannot be written: no such file or directory",
		},
		{
			name: "symlink loop",
			setup: func(t *testing.T, dir string) (string, []string) {
				os.Symlink("b", filepath.Join(dir, "a"))
				os.Symlink("a", filepath.Join(dir, "b"))
				return filepath.Join(dir, "a"), []string{"a", "b"}
			},
			msg: "more than 40 symbolic links",
		},
		{
			name: "empty path",
			setup: func(t *testing.T, dir string) (string, []string) {
				return "", nil
			},
			msg: "outfile: empty path",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path, names := c.setup(t, dir)
			tg, err := Check(path)
			if c.msg == "" && c.is == nil {
				if err != nil {
					t.Fatalf("Check(%q): %v", path, err)
				}
				if want := filepath.Join(dir, c.resolved); tg.Resolved() != want {
					t.Errorf("Resolved = %q, want %q", tg.Resolved(), want)
				}
				if tg.Exists() != c.exists || tg.Path() != path {
					t.Errorf("Exists, Path = %v, %q, want %v, %q", tg.Exists(), tg.Path(), c.exists, path)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("Check(%q) = %v, want an error containing %q", path, err, c.msg)
				}
				if c.is != nil && !errors.Is(err, c.is) {
					t.Errorf("Check(%q) = %v, want errors.Is %v", path, err, c.is)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error has several lines: %q", err)
				}
			}
			wantDir(t, dir, names...)
			if c.after != nil {
				c.after(t, dir)
			}
		})
	}
}

// TestCheckReadOnlyFile checks that a file its user may not write is
// refused. Root may write any file, so there Check must pass.
func TestCheckReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "ro", "old", 0o444)
	_, err := Check(p)
	if os.Geteuid() == 0 {
		if err != nil {
			t.Errorf("as root, Check(%q) = %v, want nil", p, err)
		}
	} else if !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("Check(%q) = %v, want ErrNotWritable: permission denied", p, err)
	}
	wantDir(t, dir, "ro")
	wantContent(t, p, "old")
	wantMode(t, p, 0, 0o444)
}

// TestCheckReadOnlyDir checks that a directory without write permission is
// refused. Root ignores permission bits; TestReadOnlyFS covers root.
func TestCheckReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "ro")
	if err := os.Mkdir(sub, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	_, err := Check(filepath.Join(sub, "out"))
	if os.Geteuid() == 0 && err == nil {
		t.Skip("root ignores permission bits; see TestReadOnlyFS")
	}
	if !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("Check = %v, want ErrNotWritable: permission denied", err)
	}
	wantDir(t, sub)
}
