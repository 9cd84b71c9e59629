package optim

import (
	"fmt"
	"math"

	"outgrad/ops/blas"
)

// Spec is what a State needs of a training run: the rule, the schedule, the
// base learning rate α, the batch (Adam's gradient is batch·g, see the
// package comment), and the run's length, which only a schedule other than
// the constant one reads.
type Spec struct {
	Optimizer Optimizer
	Schedule  Schedule
	Alpha     float64
	Batch     int
	// Steps is the number of updates in one iteration, Iterations the
	// number of iterations: update t (1-based) belongs to iteration
	// ⌊(t−1)/Steps⌋.
	Steps, Iterations int
}

// Validate reports a bad rule or schedule, a non-finite α, a batch < 1, or,
// for a schedule that is not constant, a run of no steps.
func (s Spec) Validate() error {
	if err := s.Optimizer.Validate(); err != nil {
		return err
	}
	if err := s.Schedule.Validate(); err != nil {
		return err
	}
	switch {
	case math.IsNaN(s.Alpha) || math.IsInf(s.Alpha, 0):
		return fmt.Errorf("optim: learning rate %v is not finite", s.Alpha)
	case s.Batch < 1:
		return fmt.Errorf("optim: batch %d: want at least 1", s.Batch)
	case s.Schedule.kind() != Const && (s.Steps < 1 || s.Iterations < 1):
		return fmt.Errorf("optim: %s schedule over %d iterations of %d steps: want at least one of each", s.Schedule, s.Iterations, s.Steps)
	}
	return nil
}

// State applies a Spec's rule to a network's weight matrices: it holds the
// rule's memory (momentum's velocity, Adam's moments, in T, zero at the
// start) and counts the updates. It allocates nothing after New. It is not
// safe for concurrent use.
type State[T blas.Float] struct {
	s    Spec
	t    int   // updates applied
	m, v [][]T // per matrix: velocity (momentum) or first and second moments (Adam)
}

// New returns the State for matrices of the given numbers of values (one
// per weight matrix), before its first update.
func New[T blas.Float](s Spec, sizes []int) (*State[T], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	st := &State[T]{s: s}
	for _, n := range sizes {
		switch s.Optimizer.rule() {
		case Momentum:
			st.m = append(st.m, make([]T, n))
		case Adam:
			st.m = append(st.m, make([]T, n))
			st.v = append(st.v, make([]T, n))
		}
	}
	return st, nil
}

// Updates is the number of updates applied so far.
func (st *State[T]) Updates() int { return st.t }

// Rate is the learning rate the next update uses.
func (st *State[T]) Rate() float64 {
	return st.s.Schedule.Rate(st.s.Alpha, st.iteration(st.t+1), st.s.Iterations)
}

// iteration is the iteration of update t (1-based).
func (st *State[T]) iteration(t int) int {
	if st.s.Steps < 1 {
		return 0
	}
	return (t - 1) / st.s.Steps
}

// Update applies one step of the rule to every matrix: ws[i] is changed in
// place with gs[i], the gradient ∂L/∂w of the network's scaled loss (see the
// package comment). Every product is rounded before it is added, so no
// compiler fuses it into a multiply-add: the same inputs give the same bits
// on every machine.
func (st *State[T]) Update(ws, gs [][]T) error {
	if len(ws) != len(gs) || (st.m != nil && len(ws) != len(st.m)) {
		return fmt.Errorf("optim: update of %d matrices with %d gradients, state for %d", len(ws), len(gs), len(st.m))
	}
	for i := range ws {
		if len(ws[i]) != len(gs[i]) || (st.m != nil && len(ws[i]) != len(st.m[i])) {
			return fmt.Errorf("optim: matrix %d has %d values and its gradient %d", i, len(ws[i]), len(gs[i]))
		}
	}
	lr := st.Rate()
	st.t++
	switch st.s.Optimizer.rule() {
	case SGD:
		for i, w := range ws {
			blas.Axpy(-lr, gs[i], w)
		}
	case Momentum:
		beta := st.s.Optimizer.Beta
		for i, w := range ws {
			v, g := st.m[i], gs[i][:len(w)]
			for j := range v {
				v[j] = T(float64(T(beta*float64(v[j]))) + float64(g[j]))
			}
			blas.Axpy(-lr, v, w)
		}
	case Adam:
		o := st.s.Optimizer
		b1, b2 := o.Beta1, o.Beta2
		c1 := 1 - math.Pow(b1, float64(st.t)) // bias corrections
		c2 := 1 - math.Pow(b2, float64(st.t))
		scale := float64(st.s.Batch)
		for i, w := range ws {
			m, v, g := st.m[i][:len(w)], st.v[i][:len(w)], gs[i][:len(w)]
			for j := range w {
				gj := float64(float64(g[j]) * scale)
				mj := float64(b1*float64(m[j])) + float64((1-b1)*gj)
				vj := float64(b2*float64(v[j])) + float64((1-b2)*float64(gj*gj))
				m[j], v[j] = T(mj), T(vj)
				mh, vh := float64(m[j])/c1, float64(v[j])/c2
				w[j] = T(float64(w[j]) - float64(lr*(mh/(math.Sqrt(vh)+o.Eps))))
			}
		}
	}
	return nil
}
