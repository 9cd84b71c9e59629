// Package bench holds the benchmarks that compare implementations of the
// book's network: the graph with outgrad's custom ops, the hand-rolled one, and
// the same network built from Gorgonia's built-in ops, beside the pure GEMM time
// of one step (the roofline). It has no non-test code beyond this comment; see
// README.md in this directory for the latest table and how to reproduce it.
package bench
