package sweep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"outgrad/models/mnist"
	"outgrad/ops"
)

// The axes a sweep can vary, named as the compare command's single-run flags
// name them; a claim names a value of an axis as "axis=value" (ParseClaim).
const (
	AxisHiddenAct = "hidden-act" // the hidden activations: "tanh", or one per layer "tanh+relu"
	AxisOutput    = "output"     // the output and its loss: "softmax"
	AxisAlpha     = "alpha"      // the learning rate α: "2", "0.5"
	AxisHidden    = "hidden"     // the hidden layers' sizes: "100", "128,64"
	AxisOptimizer = "optimizer"  // the update rule's name: "sgd", "momentum", "adam"
)

// AxisNames returns the axes in the order a sweep nests them: the hidden
// activation outermost, the optimizer innermost (the seeds come inside all).
func AxisNames() []string {
	return []string{AxisHiddenAct, AxisOutput, AxisAlpha, AxisHidden, AxisOptimizer}
}

// MaxConfigs bounds the configurations of one sweep and MaxRuns its runs
// (configurations × seeds): a slip in a list ("-alphas 0.1,0.2,…" pasted
// twice, a seed count with an extra digit) is refused before anything is
// trained instead of starting days of training.
const (
	MaxConfigs = 1000
	MaxRuns    = 10000
)

// ErrTooMany is returned (wrapped) for a sweep of more than MaxConfigs
// configurations or MaxRuns runs.
var ErrTooMany = errors.New("sweep: too many runs")

// Grid holds the values of every axis of a sweep. An axis left empty keeps
// the base configuration's value; the configurations are the cross product
// of the axes (Configs).
type Grid struct {
	// HiddenActs holds one value per entry: a single activation for every
	// hidden layer, or one per hidden layer (a per-layer mix).
	HiddenActs [][]ops.Activation
	Outputs    []ops.Output
	Alphas     []float64
	// Hidden holds one network shape per entry, e.g. {100} or {128, 64}.
	Hidden [][]int
	// Optimizers holds update rules by name (optim.Names); each takes its
	// parameters from the base configuration's Optimizer.
	Optimizers []string
}

// Count returns the number of configurations of the cross product, or
// MaxConfigs+1 once it exceeds MaxConfigs (no overflow however long the
// lists).
func (g Grid) Count() int {
	n := 1
	for _, k := range []int{len(g.HiddenActs), len(g.Outputs), len(g.Alphas), len(g.Hidden), len(g.Optimizers)} {
		n *= max(k, 1)
		if n > MaxConfigs {
			return MaxConfigs + 1
		}
	}
	return n
}

// Configs returns the cross product of the axes applied to base, the hidden
// activation outermost and the optimizer innermost (AxisNames), each
// configuration checked by Validate. It refuses more than MaxConfigs
// configurations (ErrTooMany) and a configuration that is not valid (a
// per-layer mix of activations for a shape with another number of layers),
// naming it.
func (g Grid) Configs(base mnist.Config) ([]mnist.Config, error) {
	if n := g.Count(); n > MaxConfigs {
		return nil, fmt.Errorf("%w: %d hidden activations × %d outputs × %d alphas × %d shapes × %d optimizers is more than %d configurations",
			ErrTooMany, max(1, len(g.HiddenActs)), max(1, len(g.Outputs)), max(1, len(g.Alphas)), max(1, len(g.Hidden)), max(1, len(g.Optimizers)), MaxConfigs)
	}
	for _, acts := range g.HiddenActs {
		if len(acts) == 0 || acts[0] == nil {
			return nil, errors.New("sweep: empty or nil hidden activation")
		}
		for _, a := range acts {
			if a == nil {
				return nil, errors.New("sweep: nil hidden activation")
			}
		}
	}
	configs := []mnist.Config{base}
	// Each axis multiplies the list built so far: the earlier axes stay
	// outside, as AxisNames orders them.
	expand := func(n int, set func(c *mnist.Config, i int)) {
		if n == 0 {
			return
		}
		var next []mnist.Config
		for _, c := range configs {
			for i := range n {
				d := c
				set(&d, i)
				next = append(next, d)
			}
		}
		configs = next
	}
	expand(len(g.HiddenActs), func(c *mnist.Config, i int) { c.HiddenAct = g.HiddenActs[i] })
	expand(len(g.Outputs), func(c *mnist.Config, i int) { c.Output = g.Outputs[i] })
	expand(len(g.Alphas), func(c *mnist.Config, i int) { c.Alpha = g.Alphas[i] })
	expand(len(g.Hidden), func(c *mnist.Config, i int) { c.Hidden = g.Hidden[i] })
	expand(len(g.Optimizers), func(c *mnist.Config, i int) { c.Optimizer.Name = g.Optimizers[i] })
	for _, c := range configs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("sweep: configuration %s: %w", describe(values(c), AxisNames(), ", "), err)
		}
	}
	return configs, nil
}

// Value returns the value of axis in c as the sweep's table, its CSV and a
// claim write it: the hidden activations joined by '+' (one name when every
// layer has the same), the output's name, α in the shortest form that reads
// back exactly, the sizes joined by ',', the optimizer's name. An unknown
// axis gives "".
func Value(c mnist.Config, axis string) string {
	switch axis {
	case AxisHiddenAct:
		return strings.ReplaceAll(c.ActNames(), ",", "+")
	case AxisOutput:
		return c.Output.Name
	case AxisAlpha:
		return strconv.FormatFloat(c.Alpha, 'g', -1, 64)
	case AxisHidden:
		return sizes(c.Hidden)
	case AxisOptimizer:
		// String gives the rule's name, "" read as SGD, then any parameters.
		name, _, _ := strings.Cut(c.Optimizer.String(), "(")
		return name
	}
	return ""
}

func sizes(h []int) string {
	parts := make([]string, len(h))
	for i, n := range h {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// values returns the value of every axis of c.
func values(c mnist.Config) map[string]string {
	v := map[string]string{}
	for _, a := range AxisNames() {
		v[a] = Value(c, a)
	}
	return v
}

// Axis is one axis of a sweep and its values, in the order first seen.
type Axis struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// AxesOf returns every axis (AxisNames) with the values the configurations
// give it, in the order first seen: an axis the sweep does not vary has one.
func AxesOf(configs []mnist.Config) []Axis {
	var axes []Axis
	for _, name := range AxisNames() {
		ax := Axis{Name: name}
		seen := map[string]bool{}
		for _, c := range configs {
			if v := Value(c, name); !seen[v] {
				seen[v] = true
				ax.Values = append(ax.Values, v)
			}
		}
		axes = append(axes, ax)
	}
	return axes
}

// varied returns the axes on which the cells take more than one value, in
// the order of AxisNames.
func varied(cells []SweepCell) []string {
	var out []string
	for _, a := range AxisNames() {
		for _, c := range cells[min(1, len(cells)):] {
			if c.Values[a] != cells[0].Values[a] {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// describe names a configuration by its values: always its hidden
// activation and output ("tanh hidden, softmax output", sep between them),
// then "axis=value" for each other axis in show.
func describe(v map[string]string, show []string, sep string) string {
	s := v[AxisHiddenAct] + " hidden" + sep + v[AxisOutput] + " output"
	for _, a := range show {
		if a != AxisHiddenAct && a != AxisOutput {
			s += ", " + a + "=" + v[a]
		}
	}
	return s
}
