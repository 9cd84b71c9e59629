// Package mnisttest holds what the tests of models/mnist and its packages
// share: the MNIST files loaded as mnist.Data (LoadData, LoadData32),
// synthetic data (SynthData) and the short configuration they train
// (SmallConfig).
//
// It is for tests only: no library code imports it.
package mnisttest
