package mnisttest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// ContractCase is one call of an exported function with bad arguments: it
// must return an error (Panics false) or, where the function documents a
// panic on a programmer error, panic with a message starting with the
// package's prefix; never a runtime panic (index out of range, nil
// dereference, division by zero).
type ContractCase struct {
	Name   string
	Panics bool
	Call   func() error
}

// ErrReturned is what a case returns for a call that has no error to give:
// it passes by returning at all.
var ErrReturned = fmt.Errorf("returned")

// Returns wraps a call without an error: it passes when it returns.
func Returns(f func()) func() error {
	return func() error { f(); return ErrReturned }
}

// RunContract runs every case under recover and judges it.
func RunContract(t *testing.T, prefix string, cases []ContractCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			var err error
			r := func() (r any) {
				defer func() { r = recover() }()
				err = c.Call()
				return nil
			}()
			switch {
			case r != nil:
				if _, ok := r.(runtime.Error); ok {
					t.Fatalf("runtime panic: %v", r)
				}
				if !c.Panics {
					t.Fatalf("panic %v, want an error", r)
				}
				if msg := fmt.Sprint(r); !strings.HasPrefix(msg, prefix) {
					t.Fatalf("panic %q, want a message starting %q", msg, prefix)
				}
			case c.Panics:
				t.Fatalf("no panic (error %v), want a panic with a message", err)
			case err == nil:
				t.Fatalf("no error")
			}
		})
	}
}
