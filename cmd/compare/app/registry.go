package app

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"outgrad/ops"
)

// App is the compare command with the activations it knows by name. Make one
// with New; its zero value, and a nil *App, know no activation (a nil App
// cannot Register one).
type App struct {
	acts []ops.Activation
	outs []ops.Output
}

// New returns the command knowing the activations of ops.Activations() and
// the outputs of ops.Outputs(), in their order.
func New() *App {
	return &App{acts: ops.Activations(), outs: ops.Outputs()}
}

// Main runs the command of New with args (without the program name) and
// returns its exit status; see the package documentation.
func Main(args []string, stdout, stderr io.Writer) int {
	return New().Main(args, stdout, stderr)
}

// Register adds act to the activations the command knows, after those it
// knows already. Its name must be a non-empty word of lowercase letters,
// digits, '-' and '_' (so it can be typed in a comma-separated list) that no
// known activation has: a clash is refused as
// `app: activation "tanh" is already registered`. Its functions are run
// once on a small row: one that panics (a nil forward or slope) is refused,
// and so are an ops.Learnable's parameter functions, at its initial
// parameters.
func (a *App) Register(act ops.Activation) error {
	if a == nil {
		return errors.New("app: register: nil App")
	}
	if act == nil {
		return errors.New("app: register: nil activation")
	}
	name := act.Name()
	if err := checkName("activation", name); err != nil {
		return err
	}
	if _, ok := a.find(name); ok {
		return fmt.Errorf("app: activation %q is already registered", name)
	}
	if err := probe(act); err != nil {
		return fmt.Errorf("app: register %q: %w", name, err)
	}
	a.acts = append(a.acts, act)
	return nil
}

// RegisterOutput adds o to the outputs the command knows (-output,
// -outputs), after those it knows already: an output activation (any
// output-derived one, registered or not) with the fused cross-entropy
// (softmax only), squared error, or a loss of one's own (o.Loss). Its name
// follows Register's rule and must be new among the outputs. Its
// activation and loss are run once on a small row: one that panics is
// refused. A run with it checks the loss's gradient against finite
// differences of its value, and the network's gradient, as it checks an
// activation.
func (a *App) RegisterOutput(o ops.Output) error {
	if a == nil {
		return errors.New("app: register output: nil App")
	}
	if err := checkName("output", o.Name); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return fmt.Errorf("app: register output %q: %w", o.Name, err)
	}
	if _, ok := a.findOutput(o.Name); ok {
		return fmt.Errorf("app: output %q is already registered", o.Name)
	}
	if err := probe(o.Act); err != nil {
		return fmt.Errorf("app: register output %q: activation %s: %w", o.Name, o.Act.Name(), err)
	}
	if o.Loss != nil {
		if err := probeLoss(o.Loss); err != nil {
			return fmt.Errorf("app: register output %q: loss %s: %w", o.Name, o.Loss.Name(), err)
		}
	}
	a.outs = append(a.outs, o)
	return nil
}

// probeLoss runs l's Value and Grad once on a small row.
func probeLoss(l ops.Loss) (err error) {
	what := "Value"
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its %s panics on the row y [0.2 0.5 0.7], t [0 1 0]: %v", what, r)
		}
	}()
	y, t, d := []float64{0.2, 0.5, 0.7}, []float64{0, 1, 0}, make([]float64, 3)
	l.Value(y, t, 3)
	what = "Grad"
	l.Grad(d, y, t, 3)
	return nil
}

// Outputs returns the outputs the command knows, in registration order.
func (a *App) Outputs() []ops.Output {
	if a == nil {
		return nil
	}
	return append([]ops.Output(nil), a.outs...)
}

// OutputNames returns the names of Outputs.
func (a *App) OutputNames() []string {
	var names []string
	for _, o := range a.Outputs() {
		names = append(names, o.Name)
	}
	return names
}

// LookupOutput returns the known output called name. An unknown name is an
// error that lists the known ones.
func (a *App) LookupOutput(name string) (ops.Output, error) {
	if o, ok := a.findOutput(name); ok {
		return o, nil
	}
	return ops.Output{}, fmt.Errorf("app: unknown output %q (known: %s)", name, strings.Join(a.OutputNames(), ", "))
}

func (a *App) findOutput(name string) (ops.Output, bool) {
	if a == nil {
		return ops.Output{}, false
	}
	for _, o := range a.outs {
		if o.Name == name {
			return o, true
		}
	}
	return ops.Output{}, false
}

// probe runs act's four functions once on a small row, so that an
// incomplete activation (a nil forward or slope, a function that panics)
// is refused when it is registered rather than failing a run later.
func probe(act ops.Activation) (err error) {
	what := "Forward64"
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("its %s panics on the row [-1 0 0.5]: %v", what, r)
		}
	}()
	x64, y64, g64, dx64 := []float64{-1, 0, 0.5}, make([]float64, 3), []float64{1, 1, 1}, make([]float64, 3)
	act.Forward64(y64, x64, 3)
	what = "Backward64"
	act.Backward64(dx64, g64, x64, y64, 3)
	x32, y32, g32, dx32 := []float32{-1, 0, 0.5}, make([]float32, 3), []float32{1, 1, 1}, make([]float32, 3)
	what = "Forward32"
	act.Forward32(y32, x32, 3)
	what = "Backward32"
	act.Backward32(dx32, g32, x32, y32, 3)
	if l := ops.LearnableOf(act); l != nil {
		p := l.Params()
		if err := p.Validate(); err != nil {
			return err
		}
		th := p.Initial(3)
		what = "ParamsForward64"
		l.ParamsForward64(y64, x64, th, 3)
		what = "ParamsBackward64"
		l.ParamsBackward64(dx64, make([]float64, len(th)), g64, x64, y64, th, 3)
		th32 := make([]float32, len(th))
		for i, v := range th {
			th32[i] = float32(v)
		}
		what = "ParamsForward32"
		l.ParamsForward32(y32, x32, th32, 3)
		what = "ParamsBackward32"
		l.ParamsBackward32(dx32, make([]float32, len(th)), g32, x32, y32, th32, 3)
	}
	return nil
}

// Activations returns the activations the command knows, in registration order.
func (a *App) Activations() []ops.Activation {
	return append([]ops.Activation(nil), a.known()...)
}

// known returns the activations a knows: none for a nil App.
func (a *App) known() []ops.Activation {
	if a == nil {
		return nil
	}
	return a.acts
}

// Names returns the names of Activations.
func (a *App) Names() []string {
	names := make([]string, len(a.known()))
	for i, act := range a.known() {
		names[i] = act.Name()
	}
	return names
}

// Lookup returns the known activation called name. An unknown name is an
// error that lists the known ones.
func (a *App) Lookup(name string) (ops.Activation, error) {
	if act, ok := a.find(name); ok {
		return act, nil
	}
	return nil, fmt.Errorf("app: unknown activation %q (known: %s)", name, strings.Join(a.Names(), ", "))
}

func (a *App) find(name string) (ops.Activation, bool) {
	for _, act := range a.known() {
		if act.Name() == name {
			return act, true
		}
	}
	return nil, false
}

// checkName refuses a name that cannot be typed as one item of a flag's
// list; kind is "activation" or "output".
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("app: register: %s with an empty name", kind)
	}
	for _, r := range name {
		if !(unicode.IsLower(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return fmt.Errorf("app: register: %s name %q: want lowercase letters, digits, '-' or '_'", kind, name)
		}
	}
	return nil
}
