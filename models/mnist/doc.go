// Package mnist is the network of Grokking Deep Learning, chapter 9, and the
// experiments on it: the book's configuration (any number of hidden layers),
// the numpy-compatible RNG, the Gorgonia implementations and the training
// loop that runs implementations in lock step.
//
// Three implementations train from the same weights, batches and masks:
// GraphNet (a Gorgonia graph of package graph's ops, derivatives read off the
// activations' outputs), the hand-rolled network of package
// models/mnist/handrolled (which shares no code with Gorgonia), and
// BuiltinNet (Gorgonia's own ops, derivatives from inputs). Compare trains
// them side by side and checks them against references that share no code
// with what they check; Sweep, SweepSeeds and Seeds train the hand-rolled one
// over activations, outputs and seeds and judge the chapter's claims.
//
// The data files are read by package models/mnist/idx; NewData wraps a set
// without copying it, and Data.X and Data.Y convert a batch or an evaluation
// block at a time to floats (pixel/255, one-hot labels). The compare
// command's saved weights are its own (cmd/compare/internal/weightsfile).
//
// RNG reproduces numpy's legacy np.random.seed / random / randint(2) stream
// bit for bit, so that initial weights and dropout masks equal the book's.
package mnist
