package ops

import "fmt"

// The functions of this package that return no error (the activations'
// methods, Forward, Backward, the Pool's methods, Delta, ScaledDiff,
// SquaredError) treat bad arguments as a programmer error, as the standard
// library's slice functions do: they panic with a message starting "ops: "
// that names the function and the lengths, rather than an index out of
// range deep in a kernel, or a silently partial result.

// The checks take the pieces of their message separately, so that a call
// that passes builds no string (the kernels allocate nothing).

// mustActivation panics when a is nil; of names the output, if any.
func mustActivation(what, of string, a Activation) {
	if a == nil {
		panic(fmt.Sprintf("ops: %s%s: nil activation", what, of))
	}
}

// mustHold panics unless dst holds at least n values; act and what name
// the call ("tanh", "forward").
func mustHold(act, what, name string, dst, n int) {
	if dst < n {
		panic(fmt.Sprintf("ops: %s%s: %s holds %d values, want at least %d", act, what, name, dst, n))
	}
}

// mustSame panics unless a and b have the same length.
func mustSame(act, what, na, nb string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("ops: %s%s: %s holds %d values and %s %d, want the same", act, what, na, a, nb, b))
	}
}

// mustRows panics unless n values are whole rows of cols ≥ 1.
func mustRows(what string, n, cols int) {
	if cols < 1 || n%cols != 0 {
		panic(fmt.Sprintf("ops: %s: %d values are not whole rows of %d (want cols ≥ 1 dividing the length)", what, n, cols))
	}
}
