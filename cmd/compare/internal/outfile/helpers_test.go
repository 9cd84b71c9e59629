//go:build unix

package outfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// listDir returns the sorted names in dir, so that a test can assert that
// nothing was lost or left behind.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// wantDir fails the test unless dir holds exactly names.
func wantDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	slices.Sort(names)
	if got := listDir(t, dir); !slices.Equal(got, names) {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// writeFile writes content to dir/name with mode perm (chmod'ed, so the
// umask does not change it) and returns the path.
func writeFile(t *testing.T, dir, name, content string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantContent fails the test unless the file at path holds content.
func wantContent(t *testing.T, path, content string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content {
		t.Errorf("%s holds %q, want %q", path, b, content)
	}
}

// wantMode fails the test unless path (not followed) has type typ and, for
// a regular file, permission bits perm.
func wantMode(t *testing.T, path string, typ, perm os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != typ {
		t.Errorf("%s has type %v, want %v", path, fi.Mode().Type(), typ)
	}
	if typ == 0 && fi.Mode().Perm() != perm {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), perm)
	}
}
