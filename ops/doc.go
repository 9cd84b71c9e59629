// Package ops defines activation functions whose derivatives are read off their
// outputs, and turns them into Gorgonia operations.
//
// An [Activation] is a forward function y = f(x) and a backward that maps the
// gradient of the output, dy, to the gradient of the input, dx, using only the
// output y:
//
//	identity  dx = dy
//	relu      dx = dy · [y > 0]
//	sigmoid   dx = dy · y(1 − y)
//	tanh      dx = dy · (1 − y²)
//	softmax   dx = y ⊙ (dy − Σ_row dy ⊙ y)          (row-wise)
//
// Elementwise activations are written as a scalar forward and a scalar slope of
// the output with [NewPointwise]; the package gives the Gorgonia boilerplate once,
// in [Apply], for every activation, including ones defined in other packages.
// [Lookup] finds the registered activations by name, [Outputs] the output
// configurations (an output activation paired with a loss), and the check
// functions ([CheckSlope], [CheckGraphGradient]) compare analytic gradients with
// central finite differences; [CheckConstraints] reports the chapter's four
// constraints on an activation.
//
// An activation carries no initial weight range of its own: the range is part
// of the network's configuration (mnist.Config.W01Range and W12Range, the
// book's ±0.01 and ±0.1), the same for every activation, so that a sweep
// starts every activation from the same draw.
package ops
