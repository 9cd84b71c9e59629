package app

import (
	"fmt"
	"math"
	"strconv"

	"outgrad/models/mnist"
	"outgrad/ops"
)

// applySoftmaxBase gives the softmax of the configuration (output or hidden)
// the base b.
func applySoftmaxBase(c *mnist.Config, b float64) error {
	act, err := ops.NewSoftmax(b)
	if err != nil {
		return err
	}
	used := false
	if c.Output.CrossEntropy {
		if c.Output, err = ops.SoftmaxOutput(b); err != nil {
			return err
		}
		used = true
	}
	for i, a := range c.HiddenAct {
		if a == ops.Softmax {
			c.HiddenAct[i], used = act, true
		}
	}
	if !used {
		return fmt.Errorf("-softmax-base %v: neither the output nor the hidden activation is softmax", b)
	}
	return nil
}

// parseBases, with -sweep, replaces the softmax output among the sweep's
// outputs (the -outputs list, else -output's) by one softmax output per base
// of the -softmax-bases list ("e" is accepted).
func parseBases(o *options, list string, set map[string]bool) error {
	if !set["softmax-bases"] {
		return nil
	}
	if !o.sweep {
		return fmt.Errorf("-softmax-bases needs -sweep (use -softmax-base for one run)")
	}
	var outs []ops.Output
	for _, f := range splitList(list) {
		b, err := parseBase(f)
		if err != nil {
			return fmt.Errorf("-softmax-bases: %w", err)
		}
		out, err := ops.SoftmaxOutput(b)
		if err != nil {
			return err
		}
		for _, o := range outs {
			if o.Name == out.Name {
				return fmt.Errorf("-softmax-bases: base %v is given twice (its runs would count twice)", b)
			}
		}
		outs = append(outs, out)
	}
	if len(outs) == 0 {
		return fmt.Errorf("-softmax-bases %q: no base given", list)
	}
	var kept []ops.Output
	outputs := o.grid.Outputs
	if outputs == nil {
		outputs = []ops.Output{o.cfg.Output}
	}
	for _, out := range outputs {
		if out.CrossEntropy {
			kept = append(kept, outs...)
			outs = nil
			continue
		}
		kept = append(kept, out)
	}
	if outs != nil {
		return fmt.Errorf("-softmax-bases: the sweep has no softmax output to vary")
	}
	o.grid.Outputs = kept
	return nil
}

// parseBase reads a softmax base: a number, or "e" for Euler's number.
func parseBase(s string) (float64, error) {
	if s == "e" {
		return math.E, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (nor e)", s)
	}
	return v, nil
}
