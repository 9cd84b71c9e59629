// Package mnist is the network of Grokking Deep Learning, chapter 9: its
// configuration (Config, any number of hidden layers; DefaultConfig is the
// book's), the data it trains on (Data), what an implementation of it is
// (Net), the initial weights (InitWeights), the training loop that runs
// implementations in lock step on one stream of weights and dropout masks
// and evaluates their accuracies and losses (Trainer, Point: the losses are
// per-example means at evaluation time, without the 1/batch² of training;
// between the steps, or beside them on a second set of nets:
// Trainer.Background),
// the update rule and learning-rate schedule (Config.Optimizer and
// Config.Schedule, applied by package ops/optim, the same code in every
// implementation), the memory a run needs (Config.MemoryBytes, CheckMemory), the
// hand-rolled implementation (NewHandRolled) and the book's published run
// (BookTable).
//
// It is not the Gorgonia networks (package models/mnist/graphnet), not the
// checks against finite differences (models/mnist/reference), not the
// comparison of implementations (models/mnist/compare) and not the sweep
// over activations and seeds (models/mnist/sweep): those build on it. It
// does not read files: package models/mnist/idx does, and NewData wraps a
// set without copying it; Data.X and Data.Y convert a batch or an
// evaluation block at a time to floats (pixel/255, one-hot labels).
//
// The trainer draws the initial weights and the dropout masks from numpy's
// legacy np.random.seed / random / randint(2) stream, reproduced bit for
// bit, so that they equal the book's. The compare command's saved weights
// are its own (cmd/compare/internal/weightsfile).
package mnist
