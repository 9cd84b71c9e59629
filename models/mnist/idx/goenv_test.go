//go:build unix

package idx

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeGo puts a shell script named go first on PATH and leaves no other
// place to look for the data, so that locate's only long step is running it.
func fakeGo(t *testing.T, script string) (dir string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv(EnvDir, "")
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOPATH", filepath.Join(dir, "gopath"))
	t.Setenv("HOME", filepath.Join(dir, "home"))
	return dir
}

// alive reports whether the process whose pid is in file runs (a zombie
// does not count).
func alive(t *testing.T, file string) bool {
	t.Helper()
	var b []byte
	for range 50 { // the script writes it as it starts
		if b, _ = os.ReadFile(file); len(b) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %s: %q", file, b)
	}
	for range 20 { // SIGKILL is delivered asynchronously
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil && syscall.Kill(pid, 0) != nil {
			return false
		}
		if err == nil && strings.Contains(string(stat), ") Z ") {
			return false
		}
		time.Sleep(25 * time.Millisecond)
	}
	return true
}

// TestGoEnvBounded runs locate with a `go` that never answers, one that
// answers but leaves a child holding its output open, and one stopped by the
// caller's context: each time locate must return within its bounds, say
// what happened to `go env GOMODCACHE`, and leave no process running.
func TestGoEnvBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, tc := range []struct {
		name, script string
		timeout      time.Duration
		cancelAfter  time.Duration // 0: never
		within       time.Duration
		msg          string
	}{
		{name: "sleeps", script: "echo $$ > \"$(dirname \"$0\")/pid\"\nexec sleep 30\n",
			timeout: 300 * time.Millisecond, within: 1300 * time.Millisecond, msg: "deadline exceeded"},
		{name: "child keeps stdout open", script: "sleep 30 &\necho $! > \"$(dirname \"$0\")/pid\"\necho /nowhere\n",
			timeout: 10 * time.Second, within: 1500 * time.Millisecond, msg: "go env GOMODCACHE"},
		{name: "cancelled", script: "echo $$ > \"$(dirname \"$0\")/pid\"\nexec sleep 30\n",
			timeout: 10 * time.Second, cancelAfter: 200 * time.Millisecond, within: 1200 * time.Millisecond, msg: "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeGo(t, tc.script)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			start := time.Now()
			if tc.cancelAfter > 0 {
				// Cancel once the fake go has started (its pid file is
				// written) and cancelAfter has passed, however slow the
				// machine is to start a shell; time from then.
				go func() {
					pid := filepath.Join(dir, "pid")
					for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
						if b, err := os.ReadFile(pid); err == nil && strings.HasSuffix(string(b), "\n") {
							break
						}
					}
					time.Sleep(tc.cancelAfter)
					start = time.Now()
					cancel()
				}()
			}
			_, err := locate("", hostEnv{ctx: ctx, timeout: tc.timeout, waitDelay: 200 * time.Millisecond})
			took := time.Since(start)
			if took > tc.within {
				t.Errorf("locate took %v, want at most %v", took, tc.within)
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %v, want one saying %q", err, tc.msg)
			}
			if alive(t, filepath.Join(dir, "pid")) {
				t.Errorf("the process started by the fake go still runs")
			}
		})
	}
}
