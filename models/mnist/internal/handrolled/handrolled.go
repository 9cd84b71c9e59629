// Package handrolled is the MNIST network of Grokking Deep Learning, chapter 9,
// written out by hand in the book's style: plain slices, one GEMM per matrix
// product, and every delta multiplied by the slope that the activation reads
// off its output (or, for an input-derived activation, off its input).
//
// It is one of the implementations the graph version is checked against, so
// it shares nothing with it but the activations' definitions (package ops)
// and the BLAS: it does not import Gorgonia, and its loss is computed here.
package handrolled

import (
	"errors"
	"fmt"
	"math"

	"outgrad/ops"
	"outgrad/ops/blas"
	"outgrad/ops/optim"
)

// Spec is the network: layer widths, activations, output, and training rule.
type Spec struct {
	// Sizes are the widths of every layer, input first and output last: the
	// book's network is {784, 100, 10}. Weight matrix i is Sizes[i]×Sizes[i+1].
	Sizes []int
	// Acts holds one activation per hidden layer (len(Sizes)−2 of them).
	Acts []ops.Activation
	// Output is the output activation and its loss (ops.Output).
	Output ops.Output
	// Batch is the number of rows of every step.
	Batch int
	// Alpha is the base learning rate α: w ← w − α·∂L/∂w with the default
	// optimizer and schedule.
	Alpha float64
	// Optimizer and Schedule are the update rule and the learning rate's
	// schedule (package optim; the zero values are the book's SGD at a
	// constant α). Steps and Iterations are the run's length, which a
	// schedule other than the constant one needs.
	Optimizer         optim.Optimizer
	Schedule          optim.Schedule
	Steps, Iterations int
	// Scale is s in L = s·Σ_examples loss.
	Scale float64
	// Dropout applies a 0/1 mask to every hidden layer, kept units ×2.
	Dropout bool
	// Book takes every hidden slope after dropout, as the book does (kept
	// tanh units get 1 − 4y² instead of 2(1 − y²)): not a gradient.
	Book bool
	// Pool splits the activations of large batches over several cores; nil
	// runs them on the calling goroutine. The results are the same.
	Pool *ops.Pool
}

// Validate reports the first inconsistency of s.
func (s Spec) Validate() error {
	switch {
	case len(s.Sizes) < 3:
		return fmt.Errorf("handrolled: %d layer sizes: want input, at least one hidden layer and output", len(s.Sizes))
	case len(s.Acts) != len(s.Sizes)-2:
		return fmt.Errorf("handrolled: %d activations for %d hidden layers", len(s.Acts), len(s.Sizes)-2)
	case s.Batch < 1:
		return fmt.Errorf("handrolled: batch %d: want at least 1", s.Batch)
	}
	if err := s.Output.Validate(); err != nil {
		return fmt.Errorf("handrolled: %w", err)
	}
	for i, n := range s.Sizes {
		if n < 1 {
			return fmt.Errorf("handrolled: layer %d has %d units: want at least 1", i, n)
		}
	}
	for i, a := range s.Acts {
		if a == nil {
			return fmt.Errorf("handrolled: hidden layer %d has no activation", i+1)
		}
		if ops.LearnableOf(a) != nil && s.Book {
			return fmt.Errorf("handrolled: book mode with %s, whose parameters need a gradient", a.Name())
		}
	}
	return nil
}

// counts returns the number of values of every tensor trained: the weight
// matrices, then the parameters of each learnable activation in layer
// order; and, per hidden layer, the index of its parameters in that list,
// or −1.
func (s Spec) counts() (counts, param []int) {
	L := len(s.Sizes) - 1
	for i := 0; i < L; i++ {
		counts = append(counts, s.Sizes[i]*s.Sizes[i+1])
	}
	for l, a := range s.Acts {
		param = append(param, -1)
		if p := ops.LearnableOf(a); p != nil {
			param[l] = len(counts)
			counts = append(counts, p.Params().Count(s.Sizes[l+1]))
		}
	}
	return counts, param
}

// Net is the hand-rolled network. It allocates everything once (evaluation
// buffers grow to the largest batch evaluated).//
// A Net is not safe for concurrent use: its methods reuse its buffers
// (weights, gradients, activations, the evaluation's output), so one Net
// must be used by one goroutine at a time. Different Nets share nothing
// mutable and may be used at once from different goroutines.
type Net[T ops.Float] struct {
	s Spec
	// w and g are the weights and the last gradients: one per matrix, then
	// one per learnable activation's parameters (param says where).
	w, g  [][]T
	param []int // per hidden layer: the index of its parameters in w, or −1
	z, h  [][]T // per hidden layer: pre-activation (input-derived only) and output
	hd    [][]T // per hidden layer: the output after dropout
	e     [][]T // per hidden layer: the delta flowing back
	y, d  []T   // output and output delta, batch×classes
	ez    [][]T // evaluation buffers, per hidden layer
	ey    []T
	evalN int
	// scratch holds transposed GEMM operands.
	scratch []T
	// opt applies the update rule.
	opt *optim.State[T]
}

// ErrShape is returned (wrapped) for arguments whose sizes do not match the Spec.
var ErrShape = errors.New("handrolled: wrong size")

// New returns the network starting from copies of weights (one matrix per
// layer, row-major, shapes from s.Sizes; then the parameters of each
// learnable activation, in layer order). The Net is not safe for concurrent
// use (see Net).
func New[T ops.Float](s Spec, weights [][]T) (*Net[T], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	L := len(s.Sizes) - 1
	counts, param := s.counts()
	if len(weights) != len(counts) {
		return nil, fmt.Errorf("%w: %d weight tensors, want %d (%d matrices and %d parameter vectors)", ErrShape, len(weights), len(counts), L, len(counts)-L)
	}
	n := &Net[T]{s: s, param: param}
	opt, err := optim.New[T](s.optim(), counts)
	if err != nil {
		return nil, fmt.Errorf("handrolled: %w", err)
	}
	n.opt = opt
	for i, w := range weights {
		if want := counts[i]; len(w) != want {
			if i >= L {
				return nil, fmt.Errorf("%w: parameter vector %d has %d values, want %d", ErrShape, i-L, len(w), want)
			}
			return nil, fmt.Errorf("%w: weight matrix %d has %d values, want %d×%d", ErrShape, i, len(w), s.Sizes[i], s.Sizes[i+1])
		}
		n.w = append(n.w, append([]T(nil), w...))
		n.g = append(n.g, make([]T, len(w)))
	}
	b := s.Batch
	for l := 1; l < L; l++ {
		size := b * s.Sizes[l]
		n.h = append(n.h, make([]T, size))
		n.e = append(n.e, make([]T, size))
		var z, hd []T
		if s.Acts[l-1].DerivedFrom() == ops.FromInput {
			z = make([]T, size)
		}
		if s.Dropout {
			hd = make([]T, size)
		}
		n.z = append(n.z, z)
		n.hd = append(n.hd, hd)
	}
	out := s.Sizes[L]
	n.y, n.d = make([]T, b*out), make([]T, b*out)
	return n, nil
}

// Name returns "handrolled".
func (n *Net[T]) Name() string { return "handrolled" }

// Output is the last forward pass's output, batch×classes.
func (n *Net[T]) Output() []T { return n.y }

// Grads are the last gradients, one per weight matrix and then one per
// learnable activation's parameters, valid until the next Gradient or Step.
func (n *Net[T]) Grads() [][]T { return n.g }

// Weights are the current weights, one per matrix and then one per
// learnable activation's parameters. They are the network's
// own: writing them changes the network (the finite-difference check does so,
// and restores them).
func (n *Net[T]) Weights() [][]T { return n.w }

// checkBatch checks the sizes of one batch and its masks.
func (n *Net[T]) checkBatch(x, t []T, masks [][]T) error {
	s := n.s
	L := len(s.Sizes) - 1
	if len(x) != s.Batch*s.Sizes[0] || len(t) != s.Batch*s.Sizes[L] {
		return fmt.Errorf("%w: %d inputs and %d targets, want %d and %d", ErrShape, len(x), len(t), s.Batch*s.Sizes[0], s.Batch*s.Sizes[L])
	}
	if !s.Dropout {
		if masks != nil {
			return fmt.Errorf("%w: dropout masks given with dropout off", ErrShape)
		}
		return nil
	}
	if len(masks) != L-1 {
		return fmt.Errorf("%w: %d dropout masks for %d hidden layers", ErrShape, len(masks), L-1)
	}
	for l, m := range masks {
		if len(m) != s.Batch*s.Sizes[l+1] {
			return fmt.Errorf("%w: mask %d has %d values, want %d", ErrShape, l, len(m), s.Batch*s.Sizes[l+1])
		}
	}
	return nil
}

// forward runs the training-time forward pass: for each hidden layer l,
//
//	h_l = act_l(in·w_l);  hd_l = h_l ⊙ 2m_l (dropout) or h_l
//
// then y = out(hd·w_L). It returns the input of the last product.
func (n *Net[T]) forward(x []T, masks [][]T) []T {
	s, b := n.s, n.s.Batch
	in := x
	for l := range n.h {
		k, m := s.Sizes[l], s.Sizes[l+1]
		z := n.z[l]
		if z == nil {
			z = n.h[l] // output-derived: in place
		}
		blas.Gemm(false, false, b, m, k, in, n.w[l], z, &n.scratch)
		n.activate(l, n.h[l], z, m)
		in = n.h[l]
		if masks != nil {
			hd := n.hd[l]
			for i, v := range masks[l] {
				hd[i] = in[i] * (v * 2)
			}
			in = hd
		}
	}
	L := len(s.Sizes) - 1
	blas.Gemm(false, false, b, s.Sizes[L], s.Sizes[L-1], in, n.w[L-1], n.y, &n.scratch)
	ops.ForwardOn(s.Pool, s.Output.Act, n.y, n.y, s.Sizes[L])
	return in
}

// activate writes y = act_l(z), with the layer's parameters when it has
// them (on the calling goroutine: their gradient is a sum over the rows).
func (n *Net[T]) activate(l int, y, z []T, cols int) {
	act := n.s.Acts[l]
	if p := n.param[l]; p >= 0 {
		ops.ParamsForward(ops.LearnableOf(act), y, z, n.w[p], cols)
		return
	}
	ops.ForwardOn(n.s.Pool, act, y, z, cols)
}

// slope writes e = act_l'·e from the layer's input z (nil for an
// output-derived activation) and output y, and the gradient of its
// parameters, if any.
func (n *Net[T]) slope(l int, e, z, y []T, cols int) {
	act := n.s.Acts[l]
	if p := n.param[l]; p >= 0 {
		ops.ParamsBackward(ops.LearnableOf(act), e, n.g[p], e, z, y, n.w[p], cols)
		return
	}
	ops.BackwardOn(n.s.Pool, act, e, e, z, y, cols)
}

// Gradient computes the output and the gradients for one batch x with
// targets t and, when dropout is on, one 0/1 mask per hidden layer, at the
// current weights, without updating them:
//
//	d_L = ∂L/∂logits = (y − t)·s (times out's slope for squared error)
//	g_l = in_lᵀ·d_{l+1};   e_l = d_{l+1}·w_lᵀ
//	true gradient: d_l = act'_l ⊙ (e_l ⊙ 2m_l)
//	book mode:     d_l = act'_l(from hd_l) ⊙ e_l ⊙ m_l
func (n *Net[T]) Gradient(x, t []T, masks [][]T) error {
	if err := n.checkBatch(x, t, masks); err != nil {
		return err
	}
	s, b := n.s, n.s.Batch
	L := len(s.Sizes) - 1
	n.forward(x, masks)
	ops.Delta(s.Output, n.d, n.y, t, s.Sizes[L], s.Scale)
	d := n.d
	for l := L - 1; l >= 0; l-- {
		k, m := s.Sizes[l], s.Sizes[l+1]
		in := x
		if l > 0 {
			in = n.h[l-1]
			if masks != nil {
				in = n.hd[l-1]
			}
		}
		blas.Gemm(true, false, k, m, b, in, d, n.g[l], &n.scratch)
		if l == 0 {
			break
		}
		e := n.e[l-1]
		blas.Gemm(false, true, b, k, m, d, n.w[l], e, &n.scratch)
		h := n.h[l-1]
		switch {
		case masks == nil:
			n.slope(l-1, e, n.z[l-1], h, k)
		case s.Book: // no learnable activation (Validate)
			hd := n.hd[l-1]
			ops.BackwardOn(s.Pool, s.Acts[l-1], e, e, n.z[l-1], hd, k)
			for i, v := range masks[l-1] {
				e[i] *= v
			}
		default:
			for i, v := range masks[l-1] {
				e[i] *= v * 2
			}
			n.slope(l-1, e, n.z[l-1], h, k)
		}
		d = e
	}
	return nil
}

// Step computes the gradients (Gradient) and applies the update rule to
// every matrix: w ← w − α·g with the default SGD (package optim).
func (n *Net[T]) Step(x, t []T, masks [][]T) error {
	if err := n.Gradient(x, t, masks); err != nil {
		return err
	}
	if err := n.opt.Update(n.w, n.g); err != nil {
		return fmt.Errorf("handrolled: %w", err)
	}
	return nil
}

// optim is the update rule's specification.
func (s Spec) optim() optim.Spec {
	return optim.Spec{Optimizer: s.Optimizer, Schedule: s.Schedule, Alpha: s.Alpha,
		Batch: s.Batch, Steps: s.Steps, Iterations: s.Iterations}
}

// Loss returns the scaled loss s·Σ_rows loss of one batch at the current
// weights, with the masks held fixed (the training-time network). It is
// computed here, in float64: the cross-entropy of a softmax of base e^k as
// −Σ t·(kz − max − ln Σ e^(kz−max)) from the logits z, squared error as
// ½Σ(y − t)² from the output y; an output's own Loss by its Value.
func (n *Net[T]) Loss(x, t []T, masks [][]T) (float64, error) {
	if err := n.checkBatch(x, t, masks); err != nil {
		return 0, err
	}
	s := n.s
	L := len(s.Sizes) - 1
	cols := s.Sizes[L]
	in := n.forward(x, masks)
	k, softmax := s.Output.LogitScale()
	if l := s.Output.Loss; l != nil && !softmax {
		return s.Scale * ops.OutputLoss(s.Output, n.y, t, cols), nil
	}
	if !softmax {
		var sum float64
		for i, v := range n.y {
			d := float64(v) - float64(t[i])
			sum += d * d
		}
		return s.Scale * sum / 2, nil
	}
	// The logits: forward overwrote them with the softmax, so the last
	// product is computed again, into the output delta buffer.
	z := n.d
	blas.Gemm(false, false, s.Batch, cols, s.Sizes[L-1], in, n.w[L-1], z, &n.scratch)
	var sum float64
	for r := 0; r < s.Batch; r++ {
		row, tr := z[r*cols:(r+1)*cols], t[r*cols:(r+1)*cols]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, k*float64(v))
		}
		var se float64
		for _, v := range row {
			se += math.Exp(k*float64(v) - mx)
		}
		lse := mx + math.Log(se)
		for j, v := range row {
			if tr[j] != 0 {
				sum -= float64(tr[j]) * (k*float64(v) - lse)
			}
		}
	}
	return s.Scale * sum, nil
}

// Logits computes the test-time network (no dropout) for rows inputs and
// returns rows×classes logits, valid until the next call.
func (n *Net[T]) Logits(x []T, rows int) ([]T, error) {
	s := n.s
	L := len(s.Sizes) - 1
	if rows < 1 || len(x) != rows*s.Sizes[0] {
		return nil, fmt.Errorf("%w: %d inputs for %d rows of %d", ErrShape, len(x), rows, s.Sizes[0])
	}
	if rows > n.evalN {
		n.ez = n.ez[:0]
		for l := 1; l < L; l++ {
			n.ez = append(n.ez, make([]T, rows*s.Sizes[l]))
		}
		n.ey, n.evalN = make([]T, rows*s.Sizes[L]), rows
	}
	in := x
	for l := 0; l < L-1; l++ {
		h := n.ez[l][:rows*s.Sizes[l+1]]
		blas.Gemm(false, false, rows, s.Sizes[l+1], s.Sizes[l], in, n.w[l], h, &n.scratch)
		n.activate(l, h, h, s.Sizes[l+1])
		in = h
	}
	y := n.ey[:rows*s.Sizes[L]]
	blas.Gemm(false, false, rows, s.Sizes[L], s.Sizes[L-1], in, n.w[L-1], y, &n.scratch)
	return y, nil
}
