// Package check compares the analytic derivatives of outgrad's activations
// and graphs with finite differences, and measures an activation against the
// four constraints of Grokking Deep Learning, chapter 9.
//
//   - [Slope] checks an activation's backward against central differences of
//     its forward, point by point and row by row, over a default grid or a
//     caller's interval, and its float32 path against its float64 path.
//   - [GraphGradient] checks the gradient gorgonia.Grad computes for a whole
//     Gorgonia graph, element by element.
//   - [Constraints] reports the chapter's constraints on an elementwise
//     activation.
//
// The numerical derivative (central differences refined by Richardson
// extrapolation, with an error estimate and kink detection) is in fd.go.
// Every comparison uses the relative error
//
//	err = |a − n| / max(1, |n|)
//
// of the analytic derivative a against the numerical one n: an absolute error
// for slopes below 1 in magnitude and a relative one above. NaN on either side
// counts as an infinite error, except that two equal values (including equal
// infinities) agree.
package check
