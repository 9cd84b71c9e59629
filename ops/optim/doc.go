// Package optim holds the update rules that turn a gradient into a step of
// the weights: plain gradient descent (the book's), momentum and Adam, with a
// learning-rate schedule over the iterations of a run (constant, step decay,
// cosine). A State applies one rule to a network's weight matrices, one call
// per training step.
//
// Every implementation of a network calls the same State code on its own
// weights and gradients, so that implementations trained in lock step take
// bit-identical steps from bit-identical gradients: like the activations'
// slopes, the update is shared, and its correctness is checked against hand
// computations here rather than by the lock-step agreement.
//
// It does not compute gradients and knows nothing of Gorgonia or of the
// network: it sees matrices as flat slices.
//
// The gradient each rule sees. The networks scale their loss as the book
// does, L = s·Σ_examples loss with s = 1/batch², and hand over g = ∂L/∂w.
//
//	sgd       w ← w − α_i·g                                  (the book's update, bit for bit)
//	momentum  v ← β·v + g;  w ← w − α_i·v                    (on g itself: β = 0 is sgd)
//	adam      ĝ = batch·g = ∂(mean loss)/∂w,  t = 1, 2, …
//	          m ← β1·m + (1−β1)·ĝ;  v ← β2·v + (1−β2)·ĝ²
//	          w ← w − α_i·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
//
// Adam sees the gradient of the per-example mean loss, (1/batch)·Σ_examples
// loss, the loss that frameworks reduce by default: its step is invariant to
// the scale of the gradient except through ε, and on the book's g, 1/batch
// times smaller, ε = 1e-8 would weigh batch times more than it does
// elsewhere. α_i is the learning rate of iteration i (Schedule.Rate); with
// the constant schedule it is α itself.
package optim
