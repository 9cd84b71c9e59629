//go:build !(amd64 || arm64) || noasm || gccgo

package ops

// tanhImpls is empty: there is no vector kernel.
var tanhImpls []tanhImpl

// tanhVector computes no elements here: there is no vector kernel.
func tanhVector(_, _ []float64) int { return 0 }

// tanhKernel is "": the scalar tanh computes every element.
func tanhKernel() string { return "" }
