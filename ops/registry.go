package ops

import (
	"fmt"
	"strings"
)

// registered lists the activations known by name. It is read, never written.
var registered = [...]Activation{
	Identity,
	ReLU,
	Sigmoid,
	Tanh,
	Softmax,
	LeakyReLU,
	ELU,
	Softplus,
	Swish,
	GELU,
	Mish,
	Softsign,
	PReLU,
	SwishBeta,
}

// Activations returns the registered activations in registry order.
func Activations() []Activation {
	out := make([]Activation, len(registered))
	copy(out, registered[:])
	return out
}

// Names returns the names of the registered activations in registry order.
func Names() []string {
	names := make([]string, len(registered))
	for i, a := range registered {
		names[i] = a.Name()
	}
	return names
}

// Lookup returns the registered activation called name. An unknown name is an
// error that lists the known ones.
func Lookup(name string) (Activation, error) {
	for _, a := range registered {
		if a.Name() == name {
			return a, nil
		}
	}
	return nil, fmt.Errorf("ops: unknown activation %q (known: %s)", name, strings.Join(Names(), ", "))
}
