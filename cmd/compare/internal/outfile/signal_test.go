//go:build unix

package outfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		sig  os.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}, {os.Interrupt, 130}, {nil, 1}} {
		if got := ExitCode(c.sig); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.sig, got, c.want)
		}
	}
}

// helperEnv names the directory the helper process writes in; set, the test
// binary runs TestHelperProcess as a command would.
const helperEnv = "OUTFILE_TEST_HELPER_DIR"

// TestHelperProcess is not a test: run by TestInterrupt in a child process,
// it writes dir/out slowly, as a command writes a large file, prints
// "writing" once the write is under way, and exits as a command must on
// SIGINT or SIGTERM.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process for TestInterrupt")
	}
	var g Guard
	ctx, stop, sig := NotifyInterrupt(context.Background(), &g)
	defer stop()
	tg, err := Check(filepath.Join(dir, "out"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	err = tg.Write(&g, func(w io.Writer) error {
		for i := 0; i < 2000 && ctx.Err() == nil; i++ {
			if _, err := io.WriteString(w, strings.Repeat("x", 1<<16)); err != nil {
				return err
			}
			if i == 0 {
				fmt.Println("writing")
			}
			time.Sleep(5 * time.Millisecond)
		}
		return nil
	})
	if s := sig(); s != nil {
		if err := g.Cleanup(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		fmt.Fprintf(os.Stderr, "helper: %v: stopped (%v)\n", s, err)
		os.Exit(ExitCode(s))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestInterrupt runs a process that receives SIGINT, SIGTERM or SIGHUP while
// it writes a file: it must exit 130, 143 or 129 and leave the old file and no
// temporary file.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "out", "old", 0o644)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), helperEnv+"="+dir)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || line != "writing\n" {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("helper said %q, %v; stderr: %s", line, err, stderr.String())
			}
			if names := listDir(t, dir); len(names) != 2 {
				t.Errorf("during the write %s holds %q, want out and a temporary file", dir, names)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != c.code {
				t.Errorf("helper ended with %v, want exit status %d; stderr: %s", err, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "stopped") || !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("helper's stderr %q does not say it was interrupted", stderr.String())
			}
			wantDir(t, dir, "out")
			wantContent(t, filepath.Join(dir, "out"), "old")
		})
	}
}

// TestNotifyInterruptStop checks that stop cancels the context and records
// no signal.
func TestNotifyInterruptStop(t *testing.T) {
	var g Guard
	ctx, stop, sig := NotifyInterrupt(context.Background(), &g)
	stop()
	<-ctx.Done()
	if s := sig(); s != nil {
		t.Errorf("sig() = %v after stop, want nil", s)
	}
	if g.closed.Load() {
		t.Error("stop closed the Guard")
	}
}
