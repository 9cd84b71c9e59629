package app

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"outgrad/ops"
)

// TestContract calls every exported function of package app with bad
// arguments: each must return an error or a status, never panic.
func TestContract(t *testing.T) {
	short := []string{"-iterations", "1", "-train-images", "200", "-quiet"}
	badName := ops.NewPointwise("Tanh2", math.Tanh, func(y float64) float64 { return 1 - y*y })
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Main nil writers, bad flag", func() error { return status(Main([]string{"-nosuch"}, nil, nil), 2) }},
		{"Main nil writers, -list", func() error { return status(Main([]string{"-list"}, nil, nil), 0) }},
		{"Main nil writers, -h", func() error { return status(Main([]string{"-h"}, nil, nil), 0) }},
		{"Main nil writers, a run", func() error { return status(Main(short, nil, nil), 0) }},
		{"Main nil args", func() error { return status(Main(nil, nil, nil), -1) }},
		{"App.Main of a zero App", func() error {
			var errb bytes.Buffer
			code := new(App).Main(short, nil, &errb)
			if code != 2 || !strings.Contains(errb.String(), `unknown activation "tanh"`) {
				return fmt.Errorf("exit %d, stderr %q", code, errb.String())
			}
			return nil
		}},
		{"App.Main of a nil App", func() error { return status((*App)(nil).Main([]string{"-nosuch"}, nil, nil), 2) }},
		{"App.Main of a nil App, -list", func() error { return status((*App)(nil).Main([]string{"-list"}, nil, nil), 2) }},
		{"Register nil", func() error { return wantErr(New().Register(nil)) }},
		{"Register a bad name", func() error { return wantErr(New().Register(badName)) }},
		{"Register a clash", func() error { return wantErr(New().Register(ops.Tanh)) }},
		{"Register on a nil App", func() error { return wantErr((*App)(nil).Register(ops.Tanh)) }},
		{"Lookup empty", func() error { _, err := New().Lookup(""); return wantErr(err) }},
		{"Lookup on a nil App", func() error { _, err := (*App)(nil).Lookup("tanh"); return wantErr(err) }},
		{"Names of a nil App", func() error { (*App)(nil).Names(); return nil }},
		{"Activations of a nil App", func() error { (*App)(nil).Activations(); return nil }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(runtime.Error); ok {
						t.Fatalf("runtime panic: %v", r)
					}
					t.Fatalf("panic: %v", r)
				}
			}()
			if err := c.call(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// status returns nil when code is want (any of 0, 1, 2 for want −1).
func status(code, want int) error {
	if code == want || (want < 0 && code >= 0 && code <= 2) {
		return nil
	}
	return fmt.Errorf("exit %d, want %d", code, want)
}

// wantErr turns a missing error into one.
func wantErr(err error) error {
	if err == nil {
		return fmt.Errorf("no error")
	}
	return nil
}
