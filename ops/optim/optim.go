package optim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The names of the update rules, as Optimizer.Name holds them and a command
// line types them.
const (
	SGD      = "sgd"      // w ← w − α·g, the book's
	Momentum = "momentum" // heavy ball on g
	Adam     = "adam"     // Adam on the gradient of the mean loss
)

// Names lists the update rules.
func Names() []string { return []string{SGD, Momentum, Adam} }

// Optimizer is an update rule and its parameters. Only the parameters of the
// rule named are used; the zero value is SGD.
type Optimizer struct {
	// Name is SGD, Momentum or Adam; "" is SGD.
	Name string
	// Beta is momentum's β, in [0, 1).
	Beta float64
	// Beta1 and Beta2 are Adam's decay rates of the first and second
	// moments, each in [0, 1); Eps is its ε, finite and > 0.
	Beta1, Beta2, Eps float64
}

// Default returns SGD with every other rule's parameters at their usual
// values (β 0.9; Adam's β1 0.9, β2 0.999, ε 1e-8), so that changing Name
// alone gives that rule with its defaults.
func Default() Optimizer {
	return Optimizer{Name: SGD, Beta: 0.9, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// rule returns the rule's name, "" read as SGD.
func (o Optimizer) rule() string {
	if o.Name == "" {
		return SGD
	}
	return o.Name
}

// Validate reports an unknown rule or a parameter of the rule named outside
// its range.
func (o Optimizer) Validate() error {
	inUnit := func(what string, x float64) error {
		if !(x >= 0 && x < 1) {
			return fmt.Errorf("optim: %s %v: want a number in [0, 1)", what, x)
		}
		return nil
	}
	switch o.rule() {
	case SGD:
		return nil
	case Momentum:
		return inUnit("momentum β", o.Beta)
	case Adam:
		if err := inUnit("adam β1", o.Beta1); err != nil {
			return err
		}
		if err := inUnit("adam β2", o.Beta2); err != nil {
			return err
		}
		if !(o.Eps > 0) || math.IsInf(o.Eps, 0) {
			return fmt.Errorf("optim: adam ε %v: want a finite number > 0", o.Eps)
		}
		return nil
	}
	return fmt.Errorf("optim: unknown optimizer %q (known: %s)", o.Name, strings.Join(Names(), ", "))
}

// String names the rule with the parameters it uses: "sgd",
// "momentum(β=0.9)", "adam(β1=0.9, β2=0.999, ε=1e-08)".
func (o Optimizer) String() string {
	switch o.rule() {
	case Momentum:
		return fmt.Sprintf("momentum(β=%g)", o.Beta)
	case Adam:
		return fmt.Sprintf("adam(β1=%g, β2=%g, ε=%g)", o.Beta1, o.Beta2, o.Eps)
	}
	return o.rule()
}

// The kinds of learning-rate schedule.
const (
	Const  = "const"  // α at every iteration
	Step   = "step"   // α·γ^⌊i/N⌋
	Cosine = "cosine" // α·(1 + cos(π·i/I))/2
)

// Schedule is the learning rate as a function of the iteration i = 0 … I−1
// of a run of I iterations; the zero value is constant. Every step of an
// iteration has the iteration's rate.
type Schedule struct {
	// Kind is Const, Step or Cosine; "" is Const.
	Kind string
	// Every (N) and Gamma (γ) are the step schedule's: the rate is
	// multiplied by γ, in (0, 1], every N ≥ 1 iterations.
	Every int
	Gamma float64
}

// kind returns the schedule's kind, "" read as Const.
func (s Schedule) kind() string {
	if s.Kind == "" {
		return Const
	}
	return s.Kind
}

// ParseSchedule reads a schedule as String writes it: "const", "step:N:γ"
// (×γ every N iterations, e.g. "step:100:0.5") or "cosine". A schedule it
// returns is valid.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	switch parts := strings.Split(text, ":"); {
	case text == Const || text == Cosine:
		s.Kind = text
	case parts[0] == Step && len(parts) == 3:
		n, err := strconv.Atoi(parts[1])
		if err != nil || strings.HasPrefix(parts[1], "+") {
			return Schedule{}, fmt.Errorf("optim: schedule %q: N %q is not a whole number", text, parts[1])
		}
		g, err := strconv.ParseFloat(parts[2], 64)
		if err != nil {
			return Schedule{}, fmt.Errorf("optim: schedule %q: γ %q is not a number", text, parts[2])
		}
		s = Schedule{Kind: Step, Every: n, Gamma: g}
	default:
		return Schedule{}, fmt.Errorf("optim: schedule %q: want const, step:N:γ or cosine", text)
	}
	return s, s.Validate()
}

// Validate reports an unknown kind or a step schedule's N < 1 or γ outside
// (0, 1].
func (s Schedule) Validate() error {
	switch s.kind() {
	case Const, Cosine:
		return nil
	case Step:
		if s.Every < 1 {
			return fmt.Errorf("optim: step schedule every %d iterations: want at least 1", s.Every)
		}
		if !(s.Gamma > 0 && s.Gamma <= 1) {
			return fmt.Errorf("optim: step schedule γ %v: want a number in (0, 1]", s.Gamma)
		}
		return nil
	}
	return fmt.Errorf("optim: unknown schedule %q (known: const, step, cosine)", s.Kind)
}

// String writes s as ParseSchedule reads it.
func (s Schedule) String() string {
	if s.kind() == Step {
		return fmt.Sprintf("step:%d:%g", s.Every, s.Gamma)
	}
	return s.kind()
}

// Rate is the learning rate of iteration iter (0-based) of a run of
// iterations iterations, starting from alpha:
//
//	const   α
//	step    α·γ^⌊iter/N⌋
//	cosine  α·(1 + cos(π·iter/iterations))/2
//
// so that the cosine starts at α and reaches α(1 + cos(π(I−1)/I))/2 > 0 at
// the last iteration. An iteration past the last is taken as the last.
func (s Schedule) Rate(alpha float64, iter, iterations int) float64 {
	iter = max(min(iter, iterations-1), 0)
	switch s.kind() {
	case Step:
		return alpha * math.Pow(s.Gamma, float64(iter/s.Every))
	case Cosine:
		return alpha * (1 + math.Cos(math.Pi*float64(iter)/float64(iterations))) / 2
	}
	return alpha
}
