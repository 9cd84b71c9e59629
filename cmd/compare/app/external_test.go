package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// arctanMain is a program of its own that adds an activation to the command.
const arctanMain = `package main

import (
	"fmt"
	"math"
	"os"

	"outgrad/cmd/compare/app"
	"outgrad/ops"
)

func main() {
	a := app.New()
	arctan := ops.NewPointwise("arctan", math.Atan, func(y float64) float64 { c := math.Cos(y); return c * c })
	if err := a.Register(arctan); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(a.Main(os.Args[1:], os.Stdout, os.Stderr))
}
`

// buildExternal builds arctanMain in a module outside this one that
// requires it by a replace directive, and returns the binary.
func buildExternal(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a program in a module of its own: not with -short")
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	dir := t.TempDir()
	gomod := "module example.com/mycompare\n\ngo 1.26\n\nrequire outgrad v0.0.0\n\nreplace outgrad => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(arctanMain), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "mycompare")
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", bin, "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
		}
	}
	return bin
}

func TestExternalProgramRegistersArctan(t *testing.T) {
	bin := buildExternal(t)
	out, err := exec.Command(bin, "-list").Output()
	if err != nil || !regexp.MustCompile(`(?m)^  arctan +slope from the output$`).Match(out) {
		t.Fatalf("-list: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-hidden-act", "arctan", "-iterations", "1", "-train-images", "200", "-batch", "100", "-quiet")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "hidden 100 arctan") {
		t.Fatalf("run: %v\n%s\n%s", err, out, stderr.String())
	}

	// An interrupt during training: exit 130, one line, the existing
	// -json file untouched and no temporary file left.
	dir := t.TempDir()
	js := filepath.Join(dir, "r.json")
	if err := os.WriteFile(js, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []struct {
		s    syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd = exec.Command(bin, "-hidden-act", "arctan", "-iterations", "300", "-train-images", "200", "-eval-every", "1", "-json", js)
		stderr.Reset()
		cmd.Stderr = &stderr
		pr, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		if _, err := pr.Read(buf); err != nil || string(buf) != "I:0" { // training has begun
			t.Fatalf("first row: %q %v", buf, err)
		}
		go func() {
			var b [4096]byte
			for {
				if _, err := pr.Read(b[:]); err != nil {
					return
				}
			}
		}()
		time.Sleep(100 * time.Millisecond)
		if err := cmd.Process.Signal(sig.s); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != sig.code {
			t.Errorf("%v: exit %d (%v), want %d; stderr %q", sig.s, code, err, sig.code, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "compare: "+sig.s.String()+": stopped") {
			t.Errorf("%v: last line %q", sig.s, last)
		}
		if b, _ := os.ReadFile(js); string(b) != "old\n" {
			t.Errorf("%v: -json file now %q", sig.s, b)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%v: files left: %v", sig.s, ents)
		}
	}
}

// TestREADMEExample checks that the README shows the program the external
// test builds, so that the copyable example cannot rot.
func TestREADMEExample(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+arctanMain+"```") {
		t.Error("README.md does not show arctanMain as a go block")
	}
}
