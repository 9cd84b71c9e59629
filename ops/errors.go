package ops

import "errors"

// ErrPanic is wrapped by the error of a computation during which an
// activation or an implementation panicked: a graph op's kernel (package
// graph turns the panic on Gorgonia's machine goroutine, where it would end
// the process, into an error of the run), or a training step or evaluation
// of any implementation (package mnist's trainer). One errors.Is finds a
// panic of any of them.
var ErrPanic = errors.New("panic")
