// Package compare trains the implementations of package mnist (graph,
// hand-rolled, built-in) in lock step from the same weights, batches and
// masks, compares their gradients, weights and accuracies step by step, and
// reports that with the verdict of the independent references (package
// reference) in one Report, which the compare command writes as JSON. With a
// second core the evaluations and the network checks run beside the steps,
// on a second set of nets (CompareOptions.Serial), with the same results.
//
// It is not an implementation and not a reference: it holds no network and
// no gradient formula of its own. It runs one configuration; package sweep
// runs many.
package compare
