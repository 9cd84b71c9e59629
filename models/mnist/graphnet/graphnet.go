package graphnet

import (
	"gorgonia.org/gorgonia"
	"outgrad/graph"
	"outgrad/models/mnist"
	"outgrad/ops"
)

// GraphNet is the network as a Gorgonia expression graph built with package
// graph from the ops activations (derivatives from their outputs), compiled
// once into one machine that is run for every step. The dropout masks (kept
// units scaled by 2) are input nodes; gradients come from gorgonia.Grad.//
// It is not safe for concurrent use: its machine, its input tensors and its
// output buffers belong to one call at a time, so one net must be used by
// one goroutine at a time. Different nets, each with its own graph and
// machine, may be used at once from different goroutines.
type GraphNet[T ops.Float] struct{ *machine[T] }

var _ mnist.Net[float64] = GraphNet[float64]{}

// NewGraph builds and compiles the graph
//
//	h_l = act_l(in·w_l); hd_l = h_l ⊙ mask2_l (dropout only), for each hidden layer
//	L   = s·loss(hd·w_last, t)    (graph.Loss; s = Config.LossScale)
//
// with the weight matrices, and the parameters of learnable activations
// (graph.DenseParams), as learnables, starting from copies of ws. The
// activations run on Config.Pool. Config.Book does not apply: the graph
// always computes the true gradient. The net is not safe for concurrent use
// (see GraphNet).
func NewGraph[T ops.Float](c mnist.Config, ws [][]T) (*GraphNet[T], error) {
	m, err := newMachine(c, ws, customOps{pool: c.Pool})
	if err != nil {
		return nil, err
	}
	return &GraphNet[T]{m}, nil
}

// customOps builds the graph from package graph's ops.
type customOps struct{ pool *ops.Pool }

func (customOps) name() string { return mnist.ImplGraph }

func (o customOps) hidden(h, w, theta *gorgonia.Node, act ops.Activation) (*gorgonia.Node, error) {
	if theta != nil {
		return graph.DenseParams(h, w, theta, ops.LearnableOf(act))
	}
	return graph.Dense(h, w, act, graph.WithPool(o.pool))
}

func (customOps) dropout(h, mask2 *gorgonia.Node) (*gorgonia.Node, error) {
	return graph.Dropout(h, mask2)
}

func (customOps) product(h, w *gorgonia.Node) (*gorgonia.Node, error) { return graph.MatMul(h, w) }

func (o customOps) loss(out ops.Output, logits, t *gorgonia.Node, scale float64) (*gorgonia.Node, *gorgonia.Node, error) {
	return graph.Loss(out, logits, t, scale, graph.WithPool(o.pool))
}
