package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// tmpfs mounts a tmpfs of the given size ("64k") in a new temporary
// directory, runs fill on it and, if ro, remounts it read-only. It skips the
// test where mounting is not permitted (not root, or no CAP_SYS_ADMIN).
func tmpfs(t *testing.T, size string, ro bool, fill func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): run as root to test full and read-only file systems", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	fill(dir)
	if ro {
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount read-only: %v", err)
		}
	}
	return dir
}

// TestReadOnlyFS checks that Check refuses a new or an existing file on a
// read-only file system, for root too, before any long work.
func TestReadOnlyFS(t *testing.T) {
	dir := tmpfs(t, "64k", true, func(dir string) { writeFile(t, dir, "old", "old", 0o644) })
	for _, name := range []string{"new", "old"} {
		_, err := Check(filepath.Join(dir, name))
		if !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "read-only file system") {
			t.Errorf("Check(%s) = %v, want ErrNotWritable: read-only file system", name, err)
		}
	}
	wantDir(t, dir, "old")
	wantContent(t, filepath.Join(dir, "old"), "old")
}

// TestFullDisk checks that a Write that runs out of space leaves the
// target's old content and no temporary file.
func TestFullDisk(t *testing.T) {
	dir := tmpfs(t, "64k", false, func(dir string) { writeFile(t, dir, "out", "old", 0o644) })
	p := filepath.Join(dir, "out")
	tg, err := Check(p)
	if err != nil {
		t.Fatal(err)
	}
	err = tg.Write(nil, func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Repeat("x", 1<<20))
		return err
	})
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "out: no space left on device") {
		t.Errorf("Write = %v, want ENOSPC", err)
	}
	wantDir(t, dir, "out")
	wantContent(t, p, "old")
	if _, err := os.Stat(p); err != nil {
		t.Error(err)
	}
}

// TestReadOnlyFile checks that an existing file that cannot be written is
// refused although its directory can be: a file bind-mounted read-only
// upon itself, which root cannot write either.
func TestReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "out", "old", 0o644)
	if err := syscall.Mount(p, p, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount (%v): run as root to test a read-only file", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(p, 0); err != nil {
			t.Errorf("unmount %s: %v", p, err)
		}
	})
	if err := syscall.Mount("", p, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	_, err := Check(p)
	if !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "out cannot be written: read-only file system") {
		t.Errorf("Check = %v, want ErrNotWritable: read-only file system", err)
	}
	wantDir(t, dir, "out")
	wantContent(t, p, "old")
}
