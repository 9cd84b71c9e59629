package graph

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"unsafe"

	"outgrad/ops"

	"gorgonia.org/gorgonia"
)

// Runner runs a Gorgonia TapeMachine over a graph, once per Run, on the
// calling goroutine.
//
// Gorgonia's TapeMachine.RunAll locks the calling goroutine to its thread,
// starts a goroutine that runs the program and waits for it on channels: two
// hand-overs between threads per run, tens of microseconds for a program of
// one op (BenchmarkRunner; bench/README.md has the figures), a tenth of a
// training step of the book's network. The machine's own loop (runall, in vm_tape.go)
// needs neither, and a Runner calls it directly, with buffered channels for
// its result. That loop is unexported: it is reached with go:linkname, and
// only where the Gorgonia linked in is the version it was read from
// (v0.9.18, the one go.mod requires) and the machine is one NewRunner built
// with no options (no CUDA or batched BLAS work to flush, no dual values to
// bind, nothing to watch). Anywhere else, Run calls RunAll; the build tag
// outgrad_runall makes it call RunAll always (this file's go:linkname is then
// not compiled), for a Gorgonia whose loop differs.
//
// A panic in Gorgonia's loop, which on RunAll's goroutine would end the
// process, is an error of Run wrapping ops.ErrPanic; ops of this package turn
// their own panics into errors either way.
type Runner struct {
	g    *gorgonia.ExprGraph
	vm   gorgonia.VM
	m    unsafe.Pointer // the *gorgonia.tapeMachine in vm, or nil: RunAll
	errc chan error
	done chan struct{}
	// closed is set by Close: a later Run is an error.
	closed bool
}

// errRunnerClosed is the error of Run on a nil or closed Runner.
var errRunnerClosed = errors.New("graph: run: the runner is nil or closed")

// gorgoniaVersion is the version of Gorgonia whose loop a Runner calls.
const gorgoniaVersion = "v0.9.18"

// directOK reports whether a Runner may call the machine's loop directly:
// the build has the direct call (tape_direct.go: not with the build tag
// outgrad_runall, which turns it off, nor with Gorgonia's cuda tag, whose
// machine has CUDA work its loop does not flush), Gorgonia was built
// without CUDA (gorgonia.CUDA), and the Gorgonia linked in is the version
// the loop was read from: the binary's build information says so, or, in
// a test binary, which records no dependencies, the main module is this
// one, built with its go.mod (TestGorgoniaVersion holds go.mod to
// gorgoniaVersion).
var directOK = sync.OnceValue(func() bool {
	if !haveDirect || gorgonia.CUDA {
		return false
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, d := range info.Deps {
		if d.Path == "gorgonia.org/gorgonia" {
			return d.Version == gorgoniaVersion && d.Replace == nil
		}
	}
	return len(info.Deps) == 0 && info.Main.Path == "outgrad"
})

// NewRunner compiles g into a TapeMachine (gorgonia.NewTapeMachine, no
// options) and returns its runner. A nil g is a programmer error: NewRunner
// panics with a message saying so, as the standard library does for such
// misuse (a graph is never data read from outside).
func NewRunner(g *gorgonia.ExprGraph) *Runner {
	if g == nil {
		panic("graph: NewRunner: nil graph")
	}
	vm := gorgonia.NewTapeMachine(g)
	r := &Runner{g: g, vm: vm, errc: make(chan error, 1), done: make(chan struct{}, 1)}
	if v := reflect.ValueOf(vm); directOK() && v.Type().String() == "*gorgonia.tapeMachine" {
		r.m = v.UnsafePointer()
	}
	return r
}

// Direct reports whether Run calls the machine's loop directly rather than
// RunAll.
func (r *Runner) Direct() bool { return r != nil && r.m != nil }

// Run executes the program once and resets the machine. Its error is the
// machine's, or an op's as MachineError gives it.
func (r *Runner) Run() (err error) {
	if r == nil || r.closed {
		return errRunnerClosed
	}
	defer r.vm.Reset()
	if r.m == nil {
		err = r.vm.RunAll()
	} else {
		err = r.direct()
	}
	if err != nil {
		return MachineError(r.g, err)
	}
	return nil
}

// direct runs the machine's loop on this goroutine.
func (r *Runner) direct() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("graph: gorgonia's machine: %w: %v", ops.ErrPanic, p)
		}
	}()
	if !tapeRunAll(r.m, r.errc, r.done) {
		return r.vm.RunAll()
	}
	select {
	case err := <-r.errc:
		return err
	case <-r.done:
		return nil
	}
}

// Close releases the machine; a second Close does nothing, and a later Run
// is an error.
func (r *Runner) Close() error {
	if r == nil || r.closed {
		return nil
	}
	r.closed = true
	return r.vm.Close()
}
