// Package reference holds the independent references the networks of
// package mnist are judged by: every activation's slope against central
// differences of its forward (SlopeCheck), each network's gradient against
// central differences of its own loss along random directions (FDCheck),
// and against the network of Gorgonia's built-in ops (BuiltinCheck), with
// the tolerances they judge by (FDTol64, …). A Checker runs them at the
// check points of a training run; Preflight runs them once on a
// configuration before anything is trained with it.
//
// It does not train: it runs a net's Gradient and Loss at weights the
// trainer has reached, and restores what it changes. It does not compare
// implementations with each other (package compare does) and shares no
// code with what it checks but the forward formulas.
package reference
