package bench

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"outgrad/graph"
	"outgrad/models/mnist"
)

// builtinNet is the book's network (tanh hidden, dropout, softmax output,
// cross-entropy scaled by 1/batch²) built only from Gorgonia's own ops:
// Tanh, HadamardProd, SoftMax, Log, Sum. It is here to be timed against the
// custom-op graph; it trains the same way but is not checked for agreement.
type builtinNet struct {
	prog         *graph.Program
	x, t, mask   *tensor.Dense
	w01T, w12T   *tensor.Dense
	batch, hiddn int
}

func newBuiltin[T float32 | float64](c mnist.Config, w01, w12 []T) (*builtinNet, error) {
	var z T
	dt := tensor.Float64
	if _, ok := any(z).(float32); ok {
		dt = tensor.Float32
	}
	b, hid := c.Batch, c.Hidden[0]
	n := &builtinNet{
		x:     tensor.New(tensor.WithShape(b, mnist.Pixels), tensor.Of(dt)),
		t:     tensor.New(tensor.WithShape(b, mnist.Classes), tensor.Of(dt)),
		mask:  tensor.New(tensor.WithShape(b, hid), tensor.Of(dt)),
		w01T:  tensor.New(tensor.WithShape(mnist.Pixels, hid), tensor.WithBacking(append([]T(nil), w01...))),
		w12T:  tensor.New(tensor.WithShape(hid, mnist.Classes), tensor.WithBacking(append([]T(nil), w12...))),
		batch: b, hiddn: hid,
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, mnist.Pixels), gorgonia.WithName("x"), gorgonia.WithValue(n.x))
	t := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, mnist.Classes), gorgonia.WithName("t"), gorgonia.WithValue(n.t))
	m := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(b, hid), gorgonia.WithName("mask2"), gorgonia.WithValue(n.mask))
	nw01 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(mnist.Pixels, hid), gorgonia.WithName("w01"), gorgonia.WithValue(n.w01T))
	nw12 := gorgonia.NewMatrix(g, dt, gorgonia.WithShape(hid, mnist.Classes), gorgonia.WithName("w12"), gorgonia.WithValue(n.w12T))
	var scale gorgonia.Value = gorgonia.NewF64(-c.LossScale())
	if dt == tensor.Float32 {
		scale = gorgonia.NewF32(float32(-c.LossScale()))
	}
	s := gorgonia.NewConstant(scale)
	cost, err := func() (*gorgonia.Node, error) {
		z1, err := gorgonia.Mul(x, nw01)
		if err != nil {
			return nil, err
		}
		h, err := gorgonia.Tanh(z1)
		if err != nil {
			return nil, err
		}
		if h, err = gorgonia.HadamardProd(h, m); err != nil {
			return nil, err
		}
		z2, err := gorgonia.Mul(h, nw12)
		if err != nil {
			return nil, err
		}
		y, err := gorgonia.SoftMax(z2)
		if err != nil {
			return nil, err
		}
		ly, err := gorgonia.Log(y)
		if err != nil {
			return nil, err
		}
		tl, err := gorgonia.HadamardProd(t, ly)
		if err != nil {
			return nil, err
		}
		sum, err := gorgonia.Sum(tl)
		if err != nil {
			return nil, err
		}
		return gorgonia.Mul(sum, s)
	}()
	if err != nil {
		return nil, fmt.Errorf("bench: builtin graph: %w", err)
	}
	if n.prog, err = graph.Compile(cost, gorgonia.Nodes{nw01, nw12}, c.Alpha); err != nil {
		return nil, err
	}
	return n, nil
}

// step runs one training step on batch x, targets t and 0/1 mask.
func step[T float32 | float64](n *builtinNet, x, t, mask []T) error {
	copy(n.x.Data().([]T), x)
	copy(n.t.Data().([]T), t)
	m2 := n.mask.Data().([]T)
	for i, v := range mask {
		m2[i] = 2 * v
	}
	if err := n.prog.Run(); err != nil {
		return err
	}
	return n.prog.Update()
}
