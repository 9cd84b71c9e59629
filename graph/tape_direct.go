//go:build !outgrad_runall && !cuda

package graph

import "unsafe"

// haveDirect is true: this build calls Gorgonia's machine loop directly
// where directOK allows. This file and tape_runall.go are the only places
// that reach into Gorgonia's unexported code.
const haveDirect = true

//go:linkname gorgoniaRunAll gorgonia.org/gorgonia.(*tapeMachine).runall
func gorgoniaRunAll(m unsafe.Pointer, errChan chan error, doneChan chan struct{})

// tapeRunAll runs the tape machine m's loop (gorgonia's vm_tape.go,
// v0.9.18) on this goroutine and reports that it did.
func tapeRunAll(m unsafe.Pointer, errc chan error, done chan struct{}) bool {
	gorgoniaRunAll(m, errc, done)
	return true
}
