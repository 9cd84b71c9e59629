package mnist

import (
	"errors"

	"outgrad/ops"
)

// BuiltinSupports reports whether Gorgonia's built-in ops can express c.
func BuiltinSupports(c Config) error { return errors.New("not yet built") }

// NewBuiltin returns the network built from Gorgonia's built-in ops.
func NewBuiltin[T ops.Float](c Config, ws [][]T) (*GraphNet[T], error) {
	return nil, errors.New("mnist: builtin: not yet built")
}
