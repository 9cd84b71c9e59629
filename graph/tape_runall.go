//go:build outgrad_runall || cuda

package graph

import "unsafe"

// haveDirect is false: built with the tag outgrad_runall (or Gorgonia's
// cuda tag), a Runner always runs through RunAll.
const haveDirect = false

// tapeRunAll does nothing and reports so: directOK is false in this build.
func tapeRunAll(unsafe.Pointer, chan error, chan struct{}) bool { return false }
