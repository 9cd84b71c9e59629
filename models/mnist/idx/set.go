package idx

import (
	"fmt"
	"sync"
)

// Set is the first N images of one MNIST split as stored: N images of Pixels
// bytes each, row-major (image i is Images[Pixels*i : Pixels*(i+1)], 0
// background, 255 ink), and their N labels in 0..9.
type Set struct {
	Images []uint8
	Labels []uint8
	N      int
}

// File names of the four idx files, without the optional ".gz".
const (
	// TrainImages is the file of the 60000 training images.
	TrainImages = "train-images-idx3-ubyte"
	// TrainLabels is the file of the 60000 training labels.
	TrainLabels = "train-labels-idx1-ubyte"
	// TestImages is the file of the 10000 test images.
	TestImages = "t10k-images-idx3-ubyte"
	// TestLabels is the file of the 10000 test labels.
	TestLabels = "t10k-labels-idx1-ubyte"
)

// Load reads the first trainN images and labels of the training set
// (TrainImages, TrainLabels) and the first testN of the test set (TestImages,
// TestLabels) from dir; either count may be All. Each file may be gzipped
// (name.gz, preferred) or raw (name). The image and label files of a split
// must declare the same count. The files are read as ReadImages and
// ReadLabels describe: no further than the images asked for, into memory
// sized by them. The two splits are read concurrently.
func Load(dir string, trainN, testN int) (train, test Set, err error) {
	var wg sync.WaitGroup
	var trainErr, testErr error
	wg.Go(func() { train, trainErr = LoadSet(dir, TrainImages, TrainLabels, trainN) })
	wg.Go(func() { test, testErr = LoadSet(dir, TestImages, TestLabels, testN) })
	wg.Wait()
	if trainErr != nil {
		return Set{}, Set{}, trainErr
	}
	if testErr != nil {
		return Set{}, Set{}, testErr
	}
	return train, test, nil
}

// LoadSet reads the first n images (or All) of the image file images and the
// label file labels (names as TrainImages, each gzipped or raw) in dir, and
// checks that both files declare the same count.
func LoadSet(dir, images, labels string, n int) (Set, error) {
	ipath, err := idxFile(osStat, dir, images)
	if err != nil {
		return Set{}, err
	}
	lpath, err := idxFile(osStat, dir, labels)
	if err != nil {
		return Set{}, err
	}
	pix, icount, err := ReadImages(ipath, n)
	if err != nil {
		return Set{}, err
	}
	lab, lcount, err := ReadLabels(lpath, n)
	if err != nil {
		return Set{}, err
	}
	if icount != lcount {
		return Set{}, &kindError{ErrBadFile, fmt.Sprintf("idx: %s declares %d images but %s declares %d labels", ipath, icount, lpath, lcount), nil}
	}
	return Set{Images: pix, Labels: lab, N: len(lab)}, nil
}
