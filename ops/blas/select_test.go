package blas

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestSelect checks the choices: unknown ones fail with ErrChoice and leave
// the backend alone, and case and blanks are ignored.
func TestSelect(t *testing.T) {
	prev := current.Load()
	t.Cleanup(func() { current.Store(prev) })
	if err := Select("GONUM "); err != nil || active().lib != nil || Name() != "gonum (pure Go)" {
		t.Fatalf("Select(\"GONUM \") = %v, runs %s", err, Name())
	}
	for _, bad := range []string{"blis", "open blas", "mkl"} {
		if err := Select(bad); !errors.Is(err, ErrChoice) {
			t.Errorf("Select(%q) = %v, want ErrChoice", bad, err)
		}
	}
	if Name() != "gonum (pure Go)" {
		t.Errorf("a failed Select changed the backend to %s", Name())
	}
	for _, auto := range []string{"", "auto", "Auto"} {
		if err := Select(auto); err != nil {
			t.Errorf("Select(%q) = %v", auto, err)
		}
		_, libErr := library()
		if (active().lib != nil) != (libErr == nil) {
			t.Errorf("Select(%q) runs %s, load error %v", auto, Name(), libErr)
		}
	}
	err := Select(OpenBLAS)
	if _, libErr := library(); libErr != nil {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("Select(openblas) without OpenBLAS = %v, want ErrUnavailable", err)
		}
	} else if err != nil || !strings.HasPrefix(Name(), "openblas ") {
		t.Errorf("Select(openblas) = %v, runs %s", err, Name())
	}
}

// TestInit checks that Init reads OUTGRAD_BLAS and reports a bad value.
func TestInit(t *testing.T) {
	prev := current.Load()
	t.Cleanup(func() { current.Store(prev) })
	t.Setenv(EnvVar, "gonum")
	if err := Init(); err != nil || active().lib != nil {
		t.Fatalf("Init with %s=gonum = %v, runs %s", EnvVar, err, Name())
	}
	t.Setenv(EnvVar, "fast")
	if err := Init(); !errors.Is(err, ErrChoice) || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("Init with %s=fast = %v, want ErrChoice naming the variable", EnvVar, err)
	}
}

// TestMain lets a test run this binary again as a child with another
// environment, for what happens once per process: the lazy first choice and
// the loading of OpenBLAS. The child prints Name() and, if asked, Init's error.
func TestMain(m *testing.M) {
	if os.Getenv("OUTGRAD_BLAS_TEST_CHILD") == "1" {
		if os.Getenv("OUTGRAD_BLAS_TEST_INIT") == "1" {
			if err := Init(); err != nil {
				os.Stdout.WriteString("error: " + err.Error() + "\n")
			}
		}
		os.Stdout.WriteString(Name() + "\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs this test binary as a child with env added, and returns what it
// printed.
func child(t *testing.T, env ...string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), append([]string{"OUTGRAD_BLAS_TEST_CHILD=1"}, env...)...)
	out, err := cmd.Output()
	if errors.Is(err, syscall.ENOEXEC) {
		// Run under an emulator (go test -exec qemu-…): the binary is not
		// this machine's and cannot be started without it.
		t.Skipf("cannot run this test binary as a child here: %v", err)
	}
	if err != nil {
		t.Fatalf("child %v: %v", env, err)
	}
	return strings.TrimSpace(string(out))
}

// TestLazy checks the first choice made without Init: from OUTGRAD_BLAS,
// falling back to gonum with the reason on a bad value, and Init's error for
// a forced OpenBLAS that is missing.
func TestLazy(t *testing.T) {
	if got := child(t, EnvVar+"=gonum"); got != "gonum (pure Go)" {
		t.Errorf("lazy with gonum: %q", got)
	}
	if got := child(t, EnvVar+"=fast"); got != `gonum (pure Go; OUTGRAD_BLAS: unknown choice "fast", want auto, gonum or openblas)` {
		t.Errorf("lazy with a bad value: %q", got)
	}
	if got := child(t, EnvVar+"=fast", "OUTGRAD_BLAS_TEST_INIT=1"); !strings.HasPrefix(got, `error: blas: OUTGRAD_BLAS: unknown choice "fast"`) {
		t.Errorf("Init with a bad value: %q", got)
	}
	if _, err := library(); err != nil {
		got := child(t, EnvVar+"=openblas", "OUTGRAD_BLAS_TEST_INIT=1")
		if !strings.HasPrefix(got, "error: blas: OUTGRAD_BLAS: openblas unavailable") {
			t.Errorf("Init forcing a missing OpenBLAS: %q", got)
		}
		return
	}
	if got := child(t, EnvVar+"=openblas"); !strings.HasPrefix(got, "openblas ") {
		t.Errorf("lazy with openblas: %q", got)
	}
}

// TestKernels checks that OpenBLAS runs the kernels chosen from the CPU's
// features, which shows that the OPENBLAS_CORETYPE set before loading reached
// the C library's environment, and that a user's own setting wins.
func TestKernels(t *testing.T) {
	if _, err := library(); err != nil {
		t.Skipf("no OpenBLAS here (install libopenblas0): %v", err)
	}
	if k := kernels(); k != "" && os.Getenv("OPENBLAS_CORETYPE") == "" {
		if got := child(t, EnvVar+"=openblas"); !strings.Contains(got, "("+k+" kernels") {
			t.Errorf("chose %s kernels, OpenBLAS runs %q", k, got)
		}
	}
	if got := child(t, EnvVar+"=openblas", "OPENBLAS_CORETYPE=Sandybridge"); !strings.Contains(got, "(Sandybridge kernels") {
		t.Errorf("OPENBLAS_CORETYPE=Sandybridge: OpenBLAS runs %q", got)
	}
}

// TestThreads checks that OpenBLAS runs one thread unless the user asks for
// more.
func TestThreads(t *testing.T) {
	if _, err := library(); err != nil {
		t.Skipf("no OpenBLAS here (install libopenblas0): %v", err)
	}
	if !anySet("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS") {
		if got := child(t, EnvVar+"=openblas"); !strings.Contains(got, ", 1 thread,") {
			t.Errorf("by default OpenBLAS runs %q, want 1 thread", got)
		}
	}
	if got := child(t, EnvVar+"=openblas", "OPENBLAS_NUM_THREADS=2"); !strings.Contains(got, ", 2 threads,") {
		t.Errorf("OPENBLAS_NUM_THREADS=2: OpenBLAS runs %q", got)
	}
}
