package app

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"outgrad/models/mnist"
	"outgrad/ops/optim"
)

// optimizerFlags defines -optimizer, -momentum, -beta1, -beta2, -eps and
// -lr-schedule on fs, writing into c, and returns the function that, after
// parsing, reads the schedule and refuses a parameter given for a rule that
// does not use it (c.Validate judges the values). rules are the rules the
// run trains: c's alone, or with -sweep -optimizers every rule of the list
// (a parameter is then refused when no rule of the list uses it).
func optimizerFlags(fs *flag.FlagSet, c *mnist.Config) func(set map[string]bool, rules []string) error {
	d := optim.Default()
	fs.StringVar(&c.Optimizer.Name, "optimizer", d.Name, "update rule: "+strings.Join(optim.Names(), "|")+" (Adam sees the gradient of the per-example mean loss)")
	fs.Float64Var(&c.Optimizer.Beta, "momentum", d.Beta, "momentum's β, in [0, 1) (with -optimizer momentum)")
	fs.Float64Var(&c.Optimizer.Beta1, "beta1", d.Beta1, "Adam's β1, in [0, 1) (with -optimizer adam)")
	fs.Float64Var(&c.Optimizer.Beta2, "beta2", d.Beta2, "Adam's β2, in [0, 1) (with -optimizer adam)")
	fs.Float64Var(&c.Optimizer.Eps, "eps", d.Eps, "Adam's ε, > 0 (with -optimizer adam)")
	sched := fs.String("lr-schedule", optim.Const, "learning rate over the iterations, from -alpha: const|step:N:γ (×γ every N iterations)|cosine")
	return func(set map[string]bool, rules []string) error {
		if rules == nil {
			rules = []string{c.Optimizer.Name}
		}
		uses := map[string]string{"momentum": optim.Momentum, "beta1": optim.Adam, "beta2": optim.Adam, "eps": optim.Adam}
		for _, name := range []string{"momentum", "beta1", "beta2", "eps"} {
			if set[name] && !slices.Contains(rules, uses[name]) {
				return fmt.Errorf("-%s applies to -optimizer %s only, not %s", name, uses[name], strings.Join(rules, ", "))
			}
		}
		s, err := optim.ParseSchedule(*sched)
		if err != nil {
			return fmt.Errorf("-lr-schedule: %w", err)
		}
		c.Schedule = s
		return nil
	}
}
