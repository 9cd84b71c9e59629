package reference

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/graphnet"
	"outgrad/models/mnist/internal/floats"
	"outgrad/models/mnist/internal/handrolled"
	"outgrad/ops"
)

// Checker runs the independent references at the check points of a
// training run (the hooks of mnist.Trainer call it) and collects their
// outcome in Checks: SlopesBefore before training, At at every check point,
// SlopesAfter after the last step, then Finish for the verdict.
type Checker[T ops.Float] struct {
	c       mnist.Config
	chk     Checks
	fd      map[string]*FDCheck
	twin    *handrolled.Net[float64] // float32 runs: the float64 loss for the differences
	builtin mnist.Net[T]             // nil when Gorgonia lacks an activation
	closeB  func()
	ranges  *rangeTracker
	rng     *rand.Rand
	spent   time.Duration
	f32     bool // a float32 run: the slopes' float32 paths are judged too
}

// NewChecker returns the checker of a run of c from the initial weights ws
// that trains the implementations named impls (mnist.ImplGraph, …), in that
// order; perEvaluation says that the network checks run at the first step
// after every evaluation too, not at the first step only. When Gorgonia's
// built-in ops can express c, it builds the built-in network here: the time
// it takes counts as checking. Close releases it.
func NewChecker[T ops.Float](c mnist.Config, ws [][]T, impls []string, perEvaluation bool) (*Checker[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := mnist.CheckWeights(c, ws); err != nil {
		return nil, err
	}
	for _, name := range impls {
		switch name {
		case mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin:
		default:
			return nil, fmt.Errorf("reference: unknown implementation %q", name)
		}
	}
	start := time.Now()
	k := &Checker[T]{c: c, fd: map[string]*FDCheck{}, ranges: newRangeTracker(len(ws)), rng: newPCG(c.Seed), closeB: func() {}}
	defer func() { k.spent += time.Since(start) }()
	k.chk.PerEvaluation = perEvaluation
	fdTol, bTol := FDTol64, BuiltinTol64
	if floats.DtypeName[T]() == "float32" {
		k.f32 = true
		fdTol, bTol = FDTol32, BuiltinTol32
		spec := c.Spec()
		spec.Book = false
		twin, err := handrolled.New(spec, floats.AllF64(ws))
		if err != nil {
			return nil, err
		}
		k.twin = twin
	}
	for _, name := range impls {
		f := &FDCheck{Impl: name, Tol: fdTol, Reference: "its own forward"}
		if k.twin != nil {
			f.Reference = "the float64 hand-rolled forward at the same weights"
		}
		if name == mnist.ImplHandRolled && c.Book && c.Dropout {
			f.Skipped = "book mode: the book's slope is not the gradient of the loss"
		}
		k.fd[name] = f
		k.chk.NetworkFD = append(k.chk.NetworkFD, FDCheck{})
	}
	k.chk.Builtin = BuiltinCheck{Tol: bTol}
	if err := graphnet.BuiltinSupports(c); err != nil {
		k.chk.Builtin.Reason = err.Error()
	} else {
		b, err := graphnet.NewBuiltin(c, ws)
		if err != nil {
			return nil, err
		}
		k.builtin, k.closeB = b, func() { b.Close() }
		k.chk.Builtin.Available = true
	}
	return k, nil
}

// Close releases the built-in network.
func (k *Checker[T]) Close() {
	if k.closeB != nil {
		k.closeB()
	}
}

// made reports whether k was made by NewChecker: a zero Checker checks
// nothing (its Slopes methods do nothing, At is an error).
func (k *Checker[T]) made() bool { return k.ranges != nil }

// layerName names hidden layer l (0-based) or the output.
func (k *Checker[T]) layerName(l int) string {
	if l == len(k.c.Hidden) {
		return "output"
	}
	return fmt.Sprintf("hidden %d", l+1)
}

// actOf returns the activation of layer l: a hidden one, or the output's.
func (k *Checker[T]) actOf(l int) ops.Activation {
	if l == len(k.c.Hidden) {
		return k.c.Output.Act
	}
	return k.c.Acts()[l]
}

// SlopesBefore checks every distinct activation on the default grid.
func (k *Checker[T]) SlopesBefore() {
	if !k.made() {
		return
	}
	start := time.Now()
	defer func() { k.spent += time.Since(start) }()
	var seen []ops.Activation
	for l := 0; l <= len(k.c.Hidden); l++ {
		a := k.actOf(l)
		if slices.ContainsFunc(seen, func(b ops.Activation) bool { return sameActivation(a, b) }) {
			continue
		}
		seen = append(seen, a)
		k.chk.Slopes = append(k.chk.Slopes, slopeCheck(a, k.layerName(l), "grid", 0, 0, k.f32))
	}
	if k.c.Output.Loss != nil && !k.c.Output.CrossEntropy {
		lc := checkLoss(k.c.Output)
		k.chk.Loss = &lc
	}
}

// sameActivation reports whether a and b are the same value; values that
// cannot be compared (a == b would panic) count as different.
func sameActivation(a, b ops.Activation) (same bool) {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || ta == nil || !ta.Comparable() {
		return false
	}
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// SlopesAfter checks every layer's activation on the range of
// pre-activations seen at the check points.
func (k *Checker[T]) SlopesAfter() {
	if !k.made() {
		return
	}
	start := time.Now()
	defer func() { k.spent += time.Since(start) }()
	for l := 0; l <= len(k.c.Hidden); l++ {
		lo, hi := k.ranges.lo[l], k.ranges.hi[l]
		if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			continue
		}
		k.chk.Slopes = append(k.chk.Slopes, slopeCheck(k.actOf(l), k.layerName(l), "run", lo, hi, k.f32))
	}
}

// At runs the network references on batch b at the nets' current weights:
// each net's gradient against central differences of its loss, and against
// the built-in network's gradient where that exists. It runs the nets'
// Gradient, not Step: the weights are left as they were.
func (k *Checker[T]) At(b mnist.Batch[T], nets []mnist.Net[T]) error {
	if err := k.checkAt(b, nets); err != nil {
		return err
	}
	start := time.Now()
	defer func() { k.spent += time.Since(start) }()
	x64 := floats.ToF64(b.X)
	var masks64 [][]float64
	if b.Masks != nil {
		masks64 = floats.AllF64(b.Masks)
	}
	k.ranges.observe(k.c, floats.AllF64(nets[0].Weights()), x64, masks64)
	// Each net's gradient at these weights, computed once for both checks
	// (the finite differences run the nets again, so they are copied).
	grads := map[string][][]float64{}
	for _, n := range nets {
		if err := n.Gradient(b.X, b.T, b.Masks); err != nil {
			return fmt.Errorf("reference: checks at iteration %d: %s: %w", b.Iteration, n.Name(), err)
		}
		grads[n.Name()] = floats.AllF64(n.Grads())
	}
	for _, n := range nets {
		f := k.fd[n.Name()]
		if f == nil || f.Skipped != "" {
			continue
		}
		if err := k.fdCheck(f, n, b, grads[n.Name()], x64, masks64); err != nil {
			return fmt.Errorf("reference: finite-difference check of %s at iteration %d: %w", n.Name(), b.Iteration, err)
		}
	}
	if k.builtin != nil {
		if err := k.builtinCheck(b, nets, grads); err != nil {
			return fmt.Errorf("reference: built-in check at iteration %d: %w", b.Iteration, err)
		}
	}
	return nil
}

// checkAt reports what At cannot run on: a Checker not made by NewChecker,
// no nets or a nil one, a batch or masks not of the configuration's shapes.
func (k *Checker[T]) checkAt(b mnist.Batch[T], nets []mnist.Net[T]) error {
	if !k.made() {
		return fmt.Errorf("reference: checker not made by NewChecker")
	}
	if len(nets) == 0 {
		return fmt.Errorf("reference: checks at iteration %d: no nets", b.Iteration)
	}
	for i, n := range nets {
		if n == nil {
			return fmt.Errorf("reference: checks at iteration %d: net %d is nil", b.Iteration, i)
		}
	}
	sizes := k.c.Sizes()
	in, out := sizes[0], sizes[len(sizes)-1]
	if len(b.X) != k.c.Batch*in || len(b.T) != k.c.Batch*out {
		return fmt.Errorf("reference: checks at iteration %d: a batch of %d inputs and %d targets, want %d×%d and %d×%d",
			b.Iteration, len(b.X), len(b.T), k.c.Batch, in, k.c.Batch, out)
	}
	if b.Masks != nil {
		if len(b.Masks) != len(k.c.Hidden) {
			return fmt.Errorf("reference: checks at iteration %d: %d masks for %d hidden layers", b.Iteration, len(b.Masks), len(k.c.Hidden))
		}
		for l, m := range b.Masks {
			if len(m) != k.c.Batch*k.c.Hidden[l] {
				return fmt.Errorf("reference: checks at iteration %d: mask %d holds %d values, want %d", b.Iteration, l, len(m), k.c.Batch*k.c.Hidden[l])
			}
		}
	}
	return nil
}

// fdCheck compares n's gradient, grads, with central differences of the
// loss, along an aligned and a random direction for every matrix.
func (k *Checker[T]) fdCheck(f *FDCheck, n mnist.Net[T], b mnist.Batch[T], grads [][]float64, x64 []float64, masks64 [][]float64) error {
	f.Checks++
	var check func(i int, g, d []float64, dir string) error
	names := k.c.WeightNames()
	record := func(i int, dir string, r fdResult) {
		f.Directions++
		if floats.Worse(r.rel, f.WorstRelErr) || f.Directions == 1 {
			f.WorstRelErr, f.Given, f.FiniteDiff = r.rel, r.given, r.diff
			f.At = FDWhere{Iteration: b.Iteration, Step: b.Step, Matrix: names[i], Direction: dir}
		}
		if !f.Ran {
			f.Ran, f.OK = true, true
		}
		if !(r.rel <= f.Tol) {
			f.OK = false
		}
	}
	if k.twin == nil {
		l0, err := n.Loss(b.X, b.T, b.Masks)
		if err != nil {
			return err
		}
		ws := n.Weights()
		loss := func() (float64, error) { return n.Loss(b.X, b.T, b.Masks) }
		check = func(i int, g, d []float64, dir string) error {
			r, err := fdDirection(ws, i, g, d, l0, f.Tol, loss)
			switch {
			case errors.Is(err, errNoDirection):
				return nil
			case err == nil:
				record(i, dir, r)
			}
			return err
		}
	} else {
		tw := k.twin.Weights()
		for i, w := range n.Weights() {
			for j, v := range w {
				tw[i][j] = float64(v)
			}
		}
		t64 := floats.ToF64(b.T)
		loss := func() (float64, error) { return k.twin.Loss(x64, t64, masks64) }
		l0, err := loss()
		if err != nil {
			return err
		}
		check = func(i int, g, d []float64, dir string) error {
			r, err := fdDirection(tw, i, g, d, l0, f.Tol, loss)
			switch {
			case errors.Is(err, errNoDirection):
				return nil
			case err == nil:
				record(i, dir, r)
			}
			return err
		}
	}
	for i, g := range grads {
		d := make([]float64, len(g))
		for _, aligned := range []bool{true, false} {
			direction(d, g, aligned, k.rng)
			dir := "random"
			if aligned {
				dir = "aligned"
			}
			if err := check(i, g, d, dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// builtinCheck sets the built-in network to the first net's weights and
// compares its gradient on b with every net's, grads (in book mode, the
// graph's only).
func (k *Checker[T]) builtinCheck(b mnist.Batch[T], nets []mnist.Net[T], grads map[string][][]float64) error {
	bw := k.builtin.Weights()
	for i, w := range nets[0].Weights() {
		copy(bw[i], w)
	}
	if err := k.builtin.Gradient(b.X, b.T, b.Masks); err != nil {
		return err
	}
	ref := k.builtin.Grads()
	bc := &k.chk.Builtin
	names := k.c.WeightNames()
	compared := false
	for _, n := range nets {
		if n.Name() == mnist.ImplBuiltin || (n.Name() == mnist.ImplHandRolled && k.c.Book && k.c.Dropout) {
			continue
		}
		if !compared {
			compared = true
			bc.Checks++
			if !bc.Ran {
				bc.Ran, bc.OK = true, true
			}
		}
		for i, g := range grads[n.Name()] {
			rel, _ := floats.RelDiff(g, ref[i])
			if floats.Worse(rel, bc.WorstRelDiff) || bc.Impl == "" {
				bc.WorstRelDiff, bc.Impl = rel, n.Name()
				bc.At = Where{Iteration: b.Iteration, Step: b.Step, Matrix: names[i]}
			}
			if !(rel <= bc.Tol) {
				bc.OK = false
			}
		}
	}
	return nil
}

// Finish returns the checks with their verdict.
func (k *Checker[T]) Finish() *Checks {
	c := &k.chk
	c.NetworkFD = c.NetworkFD[:0]
	for _, name := range []string{mnist.ImplGraph, mnist.ImplHandRolled, mnist.ImplBuiltin} {
		if f := k.fd[name]; f != nil {
			c.NetworkFD = append(c.NetworkFD, *f)
		}
	}
	c.OK = true
	for _, s := range c.Slopes {
		if !s.OK {
			c.OK = false
			c.Failures = append(c.Failures, s.String())
		}
	}
	if c.Loss != nil && !c.Loss.OK {
		c.OK = false
		c.Failures = append(c.Failures, c.Loss.String())
	}
	for _, f := range c.NetworkFD {
		if f.Skipped == "" && (!f.OK || !f.Ran) {
			c.OK = false
			c.Failures = append(c.Failures, f.String())
		}
	}
	if !c.Builtin.Ran && c.Builtin.Reason == "" {
		c.Builtin.Reason = "no implementation with a true gradient to compare with it"
		if len(k.fd) == 1 && k.fd[mnist.ImplBuiltin] != nil {
			c.Builtin.Reason = "only the built-in network ran (its own gradient is checked by finite differences)"
		}
	}
	if c.Builtin.Ran && !c.Builtin.OK {
		c.OK = false
		c.Failures = append(c.Failures, c.Builtin.String())
	}
	c.Seconds = k.spent.Seconds()
	return c
}
