// Package graph builds feed-forward networks as Gorgonia expression graphs from
// the activations and losses of package ops, and runs them with one compiled
// machine.
//
// [Apply] makes any ops.Activation a Gorgonia op whose symbolic derivative is
// the activation's backward: read off the op's output for an output-derived
// activation (the graph keeps only y for it), or from the input and output for
// an input-derived one. [Loss] adds an ops.Output's loss, fused with softmax
// for cross-entropy. A network is built with [Dense] layers (x·w then an
// activation), [Dropout] as a mask fed in as an input node (never Gorgonia's
// own Dropout op, whose backward scale is wrong and whose randomness is seeded
// from the clock), and a loss. [Compile] takes the cost and the learnables,
// adds the symbolic gradients, and returns a [Program] that runs forward and
// backward in one pass and applies the update w ← w − α·∂L/∂w.
//
// Every op keeps its result tensor from one run to the next, so a training
// step allocates no tensors in steady state. The activation ops run serially
// unless built with [WithPool], which splits large batches over an ops.Pool.
package graph
