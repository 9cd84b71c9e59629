package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"outgrad/models/mnist"
	"outgrad/models/mnist/sweep"
	"outgrad/ops"
	"outgrad/ops/optim"
)

// axisLists are the values of the sweep's axis flags as given.
type axisLists struct{ acts, outs, alphas, hiddens, optimizers string }

// axisFlags pairs each axis flag of -sweep with the single-run flag that
// gives the axis's value when the list is not given.
var axisFlags = []struct{ list, single string }{
	{"hidden-acts", "hidden-act"}, {"outputs", "output"}, {"alphas", "alpha"},
	{"hiddens", "hidden"}, {"optimizers", "optimizer"},
}

// claimFlag collects the -claim flags, one claim each.
type claimFlag []string

func (c *claimFlag) String() string { return strings.Join(*c, " ") }

func (c *claimFlag) Set(s string) error {
	*c = append(*c, s)
	return nil
}

// optimizerRules returns the rules of -optimizers when it is given (for the
// optimizer parameters' check), else nil (the -optimizer rule).
func optimizerRules(list string, set map[string]bool) []string {
	if !set["optimizers"] {
		return nil
	}
	return splitList(list)
}

// parseSweep fills o.grid from the axis lists and rejects flags that do not
// apply to the mode chosen. With -sweep and no axis list at all (nor
// -softmax-bases), the grid is the chapter's: every registered activation ×
// every output, unless -hidden-act or -output fixes that axis. Otherwise
// an axis whose list is not given takes its single-run flag's value.
func (a *App) parseSweep(o *options, l axisLists, set map[string]bool) error {
	if !o.sweep {
		for _, name := range []string{"hidden-acts", "outputs", "alphas", "hiddens", "optimizers", "claim"} {
			if set[name] {
				return fmt.Errorf("-%s needs -sweep", name)
			}
		}
		return nil
	}
	for _, name := range []string{"impl", "save", "load", "weights", "tol", "book", "softmax-base"} {
		if set[name] {
			return fmt.Errorf("-%s does not apply to -sweep (it trains the hand-rolled net once per configuration)", name)
		}
	}
	anyList := set["softmax-bases"]
	for _, f := range axisFlags {
		if set[f.list] && set[f.single] {
			return fmt.Errorf("-%s and -%s both give the %s axis: give one", f.single, f.list, f.single)
		}
		anyList = anyList || set[f.list]
	}
	g := &o.grid
	switch {
	case set["hidden-acts"]:
		seen := map[string]bool{}
		for _, value := range splitList(l.acts) {
			var acts []ops.Activation
			for _, name := range strings.Split(value, "+") {
				act, err := a.Lookup(strings.TrimSpace(name))
				if err != nil {
					return fmt.Errorf("-hidden-acts %s: %w", value, err)
				}
				acts = append(acts, act)
			}
			if err := once(seen, "-hidden-acts", sweep.Value(mnist.Config{HiddenAct: acts, Hidden: make([]int, len(acts))}, sweep.AxisHiddenAct)); err != nil {
				return err
			}
			g.HiddenActs = append(g.HiddenActs, acts)
		}
		if len(g.HiddenActs) == 0 {
			return fmt.Errorf("-hidden-acts %q: no activation named", l.acts)
		}
	case !anyList && !set["hidden-act"]:
		for _, act := range a.Activations() {
			g.HiddenActs = append(g.HiddenActs, []ops.Activation{act})
		}
	}
	switch {
	case set["outputs"]:
		seen := map[string]bool{}
		for _, name := range splitList(l.outs) {
			out, err := a.LookupOutput(name)
			if err != nil {
				return err
			}
			if err := once(seen, "-outputs", out.Name); err != nil {
				return err
			}
			g.Outputs = append(g.Outputs, out)
		}
		if len(g.Outputs) == 0 {
			return fmt.Errorf("-outputs %q: no output named", l.outs)
		}
	case !anyList && !set["output"]:
		g.Outputs = a.Outputs()
	}
	if set["alphas"] {
		seen := map[string]bool{}
		for _, f := range splitList(l.alphas) {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return fmt.Errorf("-alphas: %q is not a number", f)
			}
			if err := once(seen, "-alphas", strconv.FormatFloat(x, 'g', -1, 64)); err != nil {
				return err
			}
			g.Alphas = append(g.Alphas, x)
		}
		if len(g.Alphas) == 0 {
			return fmt.Errorf("-alphas %q: no α given", l.alphas)
		}
	}
	if set["hiddens"] {
		seen := map[string]bool{}
		for i, shape := range strings.Split(l.hiddens, ";") {
			if strings.TrimSpace(shape) == "" {
				return fmt.Errorf("-hiddens %s: shape %d of the list is empty", l.hiddens, i+1)
			}
			h, err := parseSizes(shape)
			if err != nil {
				return fmt.Errorf("-hiddens %s: %w", l.hiddens, err)
			}
			if err := once(seen, "-hiddens", sizesString(h)); err != nil {
				return err
			}
			g.Hidden = append(g.Hidden, h)
		}
	}
	if set["optimizers"] {
		seen := map[string]bool{}
		for _, name := range splitList(l.optimizers) {
			probe := o.cfg.Optimizer
			probe.Name = name
			if err := probe.Validate(); err != nil {
				return fmt.Errorf("-optimizers: %w", err)
			}
			if err := once(seen, "-optimizers", name); err != nil {
				return err
			}
			g.Optimizers = append(g.Optimizers, name)
		}
		if len(g.Optimizers) == 0 {
			return fmt.Errorf("-optimizers %q: no rule named (want %s)", l.optimizers, strings.Join(optim.Names(), ", "))
		}
	}
	return nil
}

// once refuses a value given twice in a list: its runs would count twice.
func once(seen map[string]bool, flag, v string) error {
	if seen[v] {
		return fmt.Errorf("%s: %s is given twice (its runs would count twice)", flag, v)
	}
	seen[v] = true
	return nil
}

// sweepConfigs makes the configurations of the sweep (the cross product of
// o.grid, or with -seeds alone the one configuration), refuses more than
// sweep.MaxRuns runs, and reads the -claim flags against the sweep's axes.
func (o *options) sweepConfigs(claims []string, set map[string]bool) error {
	if !o.sweep && o.seeds == nil {
		return nil
	}
	o.configs = []mnist.Config{o.cfg}
	if o.sweep {
		var err error
		if o.configs, err = o.grid.Configs(o.cfg); err != nil {
			return err
		}
	}
	if runs := len(o.configs) * max(1, len(o.seeds)); runs > sweep.MaxRuns {
		return fmt.Errorf("%w: %d configurations × %d seeds is %d runs, more than %d", sweep.ErrTooMany, len(o.configs), max(1, len(o.seeds)), runs, sweep.MaxRuns)
	}
	axes := sweep.AxesOf(o.configs)
	for _, c := range claims {
		spec, err := sweep.ParseClaim(c, axes)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "sweep: "))
		}
		o.claims = append(o.claims, spec)
	}
	return nil
}
