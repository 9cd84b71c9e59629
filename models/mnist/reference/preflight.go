package reference

import (
	"errors"
	"time"

	"outgrad/models/mnist"
	"outgrad/ops"
)

// errPreflightDone stops the preflight's training run after the first
// step's checks.
var errPreflightDone = errors.New("preflight done")

// Preflight runs, on configuration c and before anything is trained with
// it, the independent references a single run of Compare starts with:
// every activation's slope (the hidden layers' and the output's) against
// central differences of its forward on the default grid, and the
// hand-rolled network's gradient at the first step (the first batch, the
// seed's weights and masks) against central differences of its loss, and
// against the network of Gorgonia's built-in ops where that exists. It
// trains nothing. The Checks say what ran and whether it passed: a sweep
// or a run over several seeds does not train a configuration that fails
// them (SweepSeeds), so a wrong activation is never ranked.
func Preflight[T ops.Float](c mnist.Config, train, test mnist.Data[T]) (*Checks, error) {
	start := time.Now()
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		return nil, err
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		return nil, err
	}
	k, err := NewChecker(c, ws, []string{mnist.ImplHandRolled}, false)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	k.SlopesBefore()
	nets := []mnist.Net[T]{h}
	_, err = tr.Run(nets, mnist.Hooks[T]{BeforeStep: func(b mnist.Batch[T]) error {
		if err := k.At(b, nets); err != nil {
			return err
		}
		return errPreflightDone
	}})
	if !errors.Is(err, errPreflightDone) {
		if err == nil {
			err = errors.New("reference: preflight: training ran no step")
		}
		return nil, err
	}
	chk := k.Finish()
	chk.Seconds = time.Since(start).Seconds()
	return chk, nil
}
