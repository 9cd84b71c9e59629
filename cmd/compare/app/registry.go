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
}

// New returns the command knowing the activations of ops.Activations(), in
// their order.
func New() *App {
	return &App{acts: ops.Activations()}
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
// once on a small row: one that panics (a nil forward or slope) is refused.
func (a *App) Register(act ops.Activation) error {
	if a == nil {
		return errors.New("app: register: nil App")
	}
	if act == nil {
		return errors.New("app: register: nil activation")
	}
	name := act.Name()
	if err := checkName(name); err != nil {
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

// checkName refuses a name that cannot be typed as one item of a flag's list.
func checkName(name string) error {
	if name == "" {
		return errors.New("app: register: activation with an empty name")
	}
	for _, r := range name {
		if !(unicode.IsLower(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return fmt.Errorf("app: register: activation name %q: want lowercase letters, digits, '-' or '_'", name)
		}
	}
	return nil
}
