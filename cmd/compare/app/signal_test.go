//go:build unix

package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"outgrad/models/mnist/idx"
)

var built struct {
	once sync.Once
	path string
	err  error
}

// commandBinary builds the command once for the tests that run it as a process:
// signals and closed pipes act on a process, not on a call of Main.
func commandBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "compare-bin")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "compare")
		out, err := exec.Command("go", "build", "-o", built.path, "outgrad/cmd/compare").CombinedOutput()
		if err != nil {
			built.err = errors.New(string(out))
		}
	})
	if built.err != nil {
		t.Fatalf("go build: %v", built.err)
	}
	return built.path
}

// exitStatus returns the exit status of a finished command, or 128+n for
// one killed by signal n (as a shell reports it), with "killed" set.
func exitStatus(err error) (code int, killed bool) {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, false
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), true
	}
	return ee.ExitCode(), false
}

// TestSignals stops the command with SIGINT, SIGTERM and SIGHUP at several
// moments: while it looks for the data (a `go` on PATH that never answers),
// while it trains, and while it writes a large -save. Each time it must exit
// 128+n by itself (not be killed) within a second, say so on one line, and
// leave the directory as it was but for outputs that are whole.
func TestSignals(t *testing.T) {
	bin := commandBinary(t)
	realData := os.Getenv(dataEnvForTests(t))
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		for _, moment := range []string{"looking for the data", "training", "writing"} {
			t.Run(sig.String()+" "+moment, func(t *testing.T) {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "old.json"), []byte("old\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				args := []string{"-json", filepath.Join(dir, "old.json"), "-csv", filepath.Join(dir, "new.csv"), "-save", filepath.Join(dir, "w.bin"), "-eval-every", "1"}
				env := os.Environ()
				var wait string // what stdout or the files show before the signal
				switch moment {
				case "looking for the data":
					gobin := t.TempDir()
					os.WriteFile(filepath.Join(gobin, "go"), []byte("#!/bin/sh\nexec sleep 30\n"), 0o755)
					env = append(env, "PATH="+gobin+":"+os.Getenv("PATH"), "OUTGRAD_MNIST_DIR=", "GOMODCACHE=", "GOPATH="+gobin, "HOME="+gobin)
					args = append(args, "-iterations", "1", "-train-images", "200")
				case "training":
					env = append(env, "OUTGRAD_MNIST_DIR="+realData)
					args = append(args, "-iterations", "300", "-train-images", "1000")
					wait = "I:0 "
				case "writing":
					// a large -save (784×3000 + 3000×10 weights, 19 MB)
					// written after one short iteration
					env = append(env, "OUTGRAD_MNIST_DIR="+realData)
					args = append(args, "-iterations", "1", "-train-images", "100", "-hidden", "3000", "-check=false", "-impl", "handrolled")
					wait = "temp"
				}
				cmd := exec.Command(bin, args...)
				cmd.Env = env
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				defer cmd.Process.Kill()
				switch wait {
				case "":
					time.Sleep(500 * time.Millisecond)
				case "temp": // a temporary file beside the outputs
					seen := false                         // the file is renamed when whole: look once per turn
					for i := 0; i < 20000 && !seen; i++ { // up to 20 s on a busy machine
						if seen = hasTemp(dir); !seen {
							time.Sleep(time.Millisecond)
						}
					}
					if !seen {
						t.Fatalf("no temporary file appeared; stderr %q", stderr.String())
					}
				default:
					sc := bufio.NewScanner(out)
					for sc.Scan() && !strings.HasPrefix(sc.Text(), wait) {
					}
				}
				go func() { bufio.NewReader(out).WriteTo(discard{}) }()
				sent := time.Now()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				err = cmd.Wait()
				took := time.Since(sent)
				code, killed := exitStatus(err)
				if killed || code != 128+int(sig) {
					t.Errorf("exit %d (killed by the signal: %v), want %d; stderr %q", code, killed, 128+int(sig), stderr.String())
				}
				if took > time.Second {
					t.Errorf("took %v after the signal", took)
				}
				// progress lines, then one line saying it stopped
				lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
				if want := "compare: " + sig.String() + ": stopped (temporary files removed)"; lines[len(lines)-1] != want || strings.Count(stderr.String(), "stopped") != 1 {
					t.Errorf("stderr %q, want its last line %q", stderr.String(), want)
				}
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
					switch e.Name() {
					case "old.json":
						if string(b) != "old\n" && !json.Valid(b) {
							t.Errorf("old.json is neither the old file nor a whole report: %q", b)
						}
					case "new.csv":
						if !strings.HasSuffix(string(b), "\n") {
							t.Errorf("new.csv is partial")
						}
					case "w.bin":
						if !strings.HasPrefix(string(b), "OUTGRADW") {
							t.Errorf("w.bin is partial")
						}
					default:
						t.Errorf("left behind: %s", e.Name())
					}
				}
			})
		}
	}
}

// hasTemp reports whether dir holds a temporary file of an output.
func hasTemp(dir string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			return true
		}
	}
	return false
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// dataEnvForTests sets the data directory variable to the real MNIST
// directory for the processes started, and returns its name.
func dataEnvForTests(t *testing.T) string {
	t.Helper()
	d, err := idxDataDir()
	if err != nil {
		t.Skipf("no MNIST data: %v", err)
	}
	t.Setenv("COMPARE_TEST_MNIST", d)
	return "COMPARE_TEST_MNIST"
}

// TestClosedStdout runs the command with its stdout a pipe nobody reads
// (closed at once): the write fails with EPIPE instead of killing the
// process, the -json file is written all the same, and the command exits 2
// naming the failed write.
func TestClosedStdout(t *testing.T) {
	bin := commandBinary(t)
	data := os.Getenv(dataEnvForTests(t))
	dir := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd := exec.Command(bin, "-iterations", "1", "-train-images", "200", "-quiet", "-data", data, "-json", filepath.Join(dir, "r.json"))
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	w.Close()
	code, killed := exitStatus(err)
	if killed || code != 2 {
		t.Errorf("exit %d (killed: %v), want 2; stderr %q", code, killed, stderr.String())
	}
	if s := stderr.String(); s != "compare: write stdout: broken pipe\n" {
		t.Errorf("stderr %q, want one line naming the failed write", s)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r.json"))
	if err != nil || !json.Valid(b) {
		t.Errorf("-json not written whole: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%s holds %d files, want r.json alone", dir, len(ents))
	}
}

// idxDataDir is the real MNIST directory.
func idxDataDir() (string, error) { return idx.DataDir("") }
