// Package idx reads the MNIST data set as published: the four idx files
// (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte), each gzipped or raw.
//
// DataDir finds the directory holding them; Load reads the first N images and
// labels of each split, decompressing no further than it needs. Every header
// is validated against the bytes that actually arrive, and memory is allocated
// from the number of images asked for, never from a header's claim, so a
// hostile or corrupt file costs no more than the images the caller uses.
//
// Errors are told apart with errors.Is: ErrNotFound (missing directory or
// file), ErrBadFile (the file's content is not a valid idx file: bad magic,
// truncated, inconsistent counts, trailing data), ErrTooFew (the file is
// valid but declares fewer images than asked for) and fs.ErrPermission (a
// file or directory that may not be read).
package idx
