package graph

import "gorgonia.org/tensor"

// result is the result tensor of one op node, kept from one run of a compiled
// graph to the next so that a training step allocates no tensors in steady
// state.
//
// Gorgonia's TapeMachine forgets its registers when it is reset after a run,
// so on the next run it calls the op's Do again, not UsePreallocDo. An op that
// owns a result hands the same tensor back from Do every time. The rules that
// make this safe: every op node owns its own result (the ops of this package
// do), and a value read from a node after a run is overwritten by the next run
// of the same graph: copy it to keep it. One graph must not run on two
// machines at once (Gorgonia binds values to the graph's nodes, so that is not
// safe in any case).
type result struct{ t *tensor.Dense }

// get returns the kept tensor if it has dtype dt and shape s, and otherwise
// allocates one and keeps it. A nil result always allocates.
func (r *result) get(dt tensor.Dtype, s tensor.Shape) *tensor.Dense {
	if r != nil && r.t != nil && r.t.Dtype() == dt && r.t.Shape().Eq(s) && !r.t.IsView() {
		return r.t
	}
	t := tensor.New(tensor.Of(dt), tensor.WithShape(s.Clone()...))
	if r != nil {
		r.t = t
	}
	return t
}
