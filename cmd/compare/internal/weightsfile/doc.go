// Package weightsfile reads and writes the saved-weights file format: the
// weight matrices of a network of any number of layers, stored as float64
// with the dtype they were trained in and a CRC-32.
//
// Format version 2, all integers and floats little-endian:
//
//	offset    size         field
//	0         8            magic "OUTGRADW"
//	8         4            version, uint32 = 2
//	12        4            L, the number of matrices, uint32, 1..MaxLayers
//	16        8·L          rows and cols of each matrix, uint32 each
//	16+8L     8            dtype the weights were trained in, NUL-padded: "float64" or "float32"
//	24+8L     8·Σ r·c      the values of each matrix in turn, float64, row-major
//	…         4            CRC-32 (IEEE) of every byte before it
//
// Matrices chain: the cols of each are the rows of the next. Every value is
// finite, and in a float32 file converts to a finite float32 (a larger one
// makes a bad file). Weights are always stored as float64; float32 weights
// convert exactly.
//
// Version 1, still read (as two matrices), held the network of one hidden
// layer: after the magic and version 1, uint32 784, h and 10, the 8-byte
// dtype, w01 (784×h) and w12 (h×10) as float64, and the CRC-32.
//
// Writing a file safely (to a temporary file, then renamed) is left to the
// caller: Marshal and Encode produce the bytes.
package weightsfile
