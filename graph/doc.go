// Package graph builds feed-forward networks as Gorgonia expression graphs from
// the activations of package ops, and runs them with one compiled machine.
//
// A network is built with [Dense] layers (x·w then an activation from ops),
// [Dropout] as a mask fed in as an input node (never Gorgonia's own Dropout op,
// whose backward scale is wrong and whose randomness is seeded from the clock),
// and a loss from ops.Output. [Compile] takes the cost and the learnables,
// adds the symbolic gradients, and returns a [Program] that runs forward and
// backward in one pass, copies gradients out, and applies the update
// w ← w − α·∂L/∂w.
package graph
