// Package graphnet is the network of package mnist as Gorgonia expression
// graphs: GraphNet (NewGraph), built from package graph's ops, whose
// activations take their derivatives from their outputs, and BuiltinNet
// (NewBuiltin), built from Gorgonia's own ops and differentiated by
// Gorgonia, derivatives from inputs. Both are compiled once and run for
// every step; both are mnist.Net.
//
// It is not the training loop (mnist.Trainer), not the hand-rolled network
// (mnist.NewHandRolled, which shares no code with Gorgonia) and it checks
// nothing: package reference checks these networks, and package compare
// trains them side by side.
package graphnet
