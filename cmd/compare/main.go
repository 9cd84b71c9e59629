// Command compare trains the book's MNIST network (Grokking Deep Learning,
// chapter 9) twice in lock step, as a Gorgonia graph and by hand, and checks
// that their gradients agree; see package outgrad/cmd/compare/app for its
// flags and exit status, and for running it with activations of your own.
package main

import (
	"os"

	"outgrad/cmd/compare/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr))
}
