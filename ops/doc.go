// Package ops defines activation functions whose derivatives are read off their
// outputs, and the losses of the chapter's output layers, as plain functions on
// slices. It does not depend on Gorgonia: package graph turns activations and
// losses into Gorgonia operations, and the hand-rolled network calls them
// directly, so the two share this math and nothing else.
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
// An activation whose output does not determine its slope (one that turns,
// such as swish) says DerivedFrom() == [FromInput], and its backward reads
// the input x too.
//
// Elementwise activations are written as a scalar forward and a scalar slope
// with [NewPointwise] (slope of the output) or [NewPointwiseInput] (slope of
// the input). [Lookup] finds the registered activations by name, [Outputs] the
// output configurations (an output activation paired with a loss, whose
// gradient [Delta] computes). [Forward] and [Backward] run an activation on
// the caller's goroutine; a [Pool] splits a large batch over worker
// goroutines.
//
// Package outgrad/ops/check compares the derivatives with finite differences
// and reports the chapter's four constraints on an activation.
//
// An activation carries no initial weight range of its own: the range is part
// of the network's configuration (mnist.Config.W01Range and W12Range, the
// book's ±0.01 and ±0.1), the same for every activation, so that a sweep
// starts every activation from the same draw.
package ops
