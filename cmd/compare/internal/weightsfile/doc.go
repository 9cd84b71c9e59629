// Package weightsfile reads and writes the saved-weights file format: the
// weight matrices of a network of any number of layers, stored as float64
// with the dtype they were trained in, the names of the activations they
// were trained with, named parameter vectors, and a CRC-32.
//
// Format version 3, all integers and floats little-endian:
//
//	offset    size         field
//	0         8            magic "OUTGRADW"
//	8         4            version, uint32 = 3
//	12        4            L, the number of matrices, uint32, 1..MaxLayers
//	16        8·L          rows and cols of each matrix, uint32 each
//	16+8L     8            dtype the weights were trained in, NUL-padded: "float64" or "float32"
//	24+8L     1+n          the output's name (e.g. "softmax"): n in one byte, then n bytes
//	…         (1+n)·(L−1)  the activation of each hidden layer, input side first, as the output's
//	…         4            P, the number of parameter vectors, uint32, 0..MaxParams
//	…         (1+n+4)·P    each vector's name, as above, and its length, uint32 ≥ 1
//	…         8·Σ r·c      the values of each matrix in turn, float64, row-major
//	…         8·Σ len      the values of each parameter vector in turn, float64
//	…         4            CRC-32 (IEEE) of every byte before it
//
// Matrices chain: the cols of each are the rows of the next. A name is
// 1..MaxName bytes of printable UTF-8 (no control character, no space but
// ASCII's), and no two parameter vectors share one. Every value is finite,
// and in a float32 file converts to a finite float32 (a larger one makes a
// bad file). Weights are always stored as float64; float32 weights convert
// exactly. A reader checks the counts and names as it reads the header, and
// that the header accounts for the file's size, before allocating for the
// values.
//
// The parameter vectors hold learnable parameters that are not weight
// matrices, such as the slopes of an activation that learns them (a
// PReLU's α); none of the activations trained today has any, so P is 0.
//
// Version 2, still read, is version 3 without the names and the parameter
// vectors: after the dtype come the matrices' values and the CRC-32.
// Version 1, still read (as two matrices), held the network of one hidden
// layer: after the magic and version 1, uint32 784, h and 10, the 8-byte
// dtype, w01 (784×h) and w12 (h×10) as float64, and the CRC-32. Neither
// records the activations: their Weights have no HiddenActs, no Output and
// no Params, and Recorded is false.
//
// Writing a file safely (to a temporary file, then renamed) is left to the
// caller: Marshal and Encode produce the bytes.
package weightsfile
