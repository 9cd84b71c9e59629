package graph

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"

	"outgrad/ops"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// base is what every op of this package has in common: its name, the text it
// hashes, its arity and type, and one check of its arguments. An op embeds it
// (or kept, which adds a result tensor kept between runs) and writes only what
// is its own: InferShape, SymDiff, DiffWRT and the computation.
//
// Ops are pointers: base holds a function, and Gorgonia may compare ops.
type base struct {
	name string // String
	key  string // WriteHash writes "outgrad." + key
	// arity is the number of inputs; the first dense of them are float
	// tensors of one dtype (and, with sameSize, one size) and the rest
	// (at most one) a scalar.
	arity, dense int
	sameSize     bool
	// typ builds the op's type. Gorgonia returns function types to a pool
	// after use, so every call must build a new one.
	typ func() hm.Type
}

// Arity returns the number of inputs.
func (b *base) Arity() int { return b.arity }

// Type returns the op's type, a new one each call.
func (b *base) Type() hm.Type { return b.typ() }

// ReturnsPtr is false: the ops return values.
func (b *base) ReturnsPtr() bool { return false }

// CallsExtern is false: the ops run in Go.
func (b *base) CallsExtern() bool { return false }

// OverwritesInput is -1: no op writes into an input.
func (b *base) OverwritesInput() int { return -1 }

// WriteHash writes the op's identity. Gorgonia merges nodes whose ops hash
// alike, so the key holds everything that changes the result.
func (b *base) WriteHash(h hash.Hash) { io.WriteString(h, "outgrad."+b.key) }

// Hashcode is the FNV-1a hash of what WriteHash writes.
func (b *base) Hashcode() uint32 {
	h := fnv.New32a()
	b.WriteHash(h)
	return h.Sum32()
}

// String returns the op's name.
func (b *base) String() string { return b.name }

// args are an op's checked inputs: the dense ones, contiguous, and the scalar
// that follows them, if any.
type args struct {
	d [4]*tensor.Dense
	s float64
}

// dtype is the dtype of the dense inputs.
func (a args) dtype() tensor.Dtype { return a.d[0].Dtype() }

// args checks an op's inputs.
func (b *base) args(in []gorgonia.Value) (a args, err error) {
	if len(in) != b.arity {
		return a, fmt.Errorf("graph: %s: got %d inputs, want %d", b.name, len(in), b.arity)
	}
	for i, v := range in[:b.dense] {
		d, ok := v.(*tensor.Dense)
		if !ok {
			return a, fmt.Errorf("graph: %s: input %d is %T, want a dense tensor", b.name, i, v)
		}
		if d.IsMaterializable() {
			d = d.Materialize().(*tensor.Dense)
		}
		if dt := d.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
			return a, fmt.Errorf("graph: %s: input %d has dtype %v, want float32 or float64", b.name, i, dt)
		}
		if i > 0 && (d.Dtype() != a.d[0].Dtype() || b.sameSize && d.Size() != a.d[0].Size()) {
			return a, fmt.Errorf("graph: %s: input %d is %v %v, want %v %v", b.name, i, d.Dtype(), d.Shape(), a.d[0].Dtype(), a.d[0].Shape())
		}
		a.d[i] = d
	}
	if b.arity > b.dense {
		if a.s, err = scalarOf(in[b.dense]); err != nil {
			return a, fmt.Errorf("graph: %s: input %d: %w", b.name, b.dense, err)
		}
	}
	return a, nil
}

// kernel is the computation of an op that writes a tensor.
type kernel interface {
	// shape returns the result's shape for checked inputs.
	shape(a args) (tensor.Shape, error)
	// run writes the result into out, which has that shape and a's dtype.
	run(out *tensor.Dense, a args) error
}

// kept is the base of an op that writes a tensor: Do writes into a result
// kept from one run to the next, UsePreallocDo into Gorgonia's buffer, both
// with the op's kernel.
type kept struct {
	base
	res *result
	k   kernel
	// panicked is the error of a panic in the last run, until MachineError
	// takes it.
	panicked error
}

// Do checks the inputs and runs the kernel into the kept result.
func (op *kept) Do(in ...gorgonia.Value) (gorgonia.Value, error) {
	a, err := op.args(in)
	if err != nil {
		return nil, err
	}
	s, err := op.k.shape(a)
	if err != nil {
		return nil, err
	}
	out := op.res.get(a.dtype(), s)
	if err := op.run(out, a); err != nil {
		return nil, err
	}
	return out, nil
}

// run runs the kernel into out, a panic turned into an error wrapping
// ops.ErrPanic (Gorgonia's RunAll runs the ops on a goroutine of its own,
// where a panic would end the process). Gorgonia's machine reports an op's error as text, so the error
// is also kept for MachineError to find.
func (op *kept) run(out *tensor.Dense, a args) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graph: %s: %w: %v", op.name, ops.ErrPanic, r)
			op.panicked = err
		}
	}()
	return op.k.run(out, a)
}

// MachineError returns err, the error of a machine that ran g, or, when an op
// of g panicked during that run, the op's error, which wraps ops.ErrPanic (the
// machine's own error keeps only its text). It forgets the panic it reports.
func MachineError(g *gorgonia.ExprGraph, err error) error {
	if g == nil || err == nil {
		return err
	}
	for _, n := range g.AllNodes() {
		if k, ok := n.Op().(interface{ takePanic() error }); ok {
			if p := k.takePanic(); p != nil {
				return p
			}
		}
	}
	return err
}

// takePanic returns and forgets the error of a panic in the op's last run.
func (op *kept) takePanic() error {
	err := op.panicked
	op.panicked = nil
	return err
}

// UsePreallocDo checks the inputs and runs the kernel into prealloc, which
// must be a dense tensor of the result's dtype and size.
func (op *kept) UsePreallocDo(prealloc gorgonia.Value, in ...gorgonia.Value) (gorgonia.Value, error) {
	a, err := op.args(in)
	if err != nil {
		return nil, err
	}
	s, err := op.k.shape(a)
	if err != nil {
		return nil, err
	}
	out, ok := prealloc.(*tensor.Dense)
	if !ok || out.Dtype() != a.dtype() || out.Size() != s.TotalSize() || out.IsView() {
		return nil, fmt.Errorf("graph: %s: cannot write a %v %v result into %T", op.name, a.dtype(), s, prealloc)
	}
	if err := op.run(out, a); err != nil {
		return nil, err
	}
	return out, nil
}

// likeFirst is the shape of a result shaped like the first input.
func likeFirst(a args) (tensor.Shape, error) { return a.d[0].Shape(), nil }

// sameType returns the type a → … → a of n inputs.
func sameType(n int) func() hm.Type {
	return func() hm.Type {
		a := hm.TypeVariable('a')
		ts := make([]hm.Type, n+1)
		for i := range ts {
			ts[i] = a
		}
		return hm.NewFnType(ts...)
	}
}

// sameShape checks that an op got n shapes, all equal, and returns the first.
func sameShape(op fmt.Stringer, n int, in []gorgonia.DimSizer) (tensor.Shape, error) {
	if len(in) != n {
		return nil, fmt.Errorf("graph: %v: got %d shapes, want %d", op, len(in), n)
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("graph: %v: input 0 has no shape (%T)", op, in[0])
	}
	for i, d := range in[1:] {
		t, ok := d.(tensor.Shape)
		if !ok || !t.Eq(s) {
			return nil, fmt.Errorf("graph: %v: input %d has shape %v, want %v", op, i+1, d, s)
		}
	}
	return s.Clone(), nil
}

// scalarOf reads a scalar value.
func scalarOf(v gorgonia.Value) (float64, error) {
	switch v := v.(type) {
	case *gorgonia.F64:
		return float64(*v), nil
	case *gorgonia.F32:
		return float64(*v), nil
	case *tensor.Dense:
		if v.Size() == 1 {
			switch d := v.Data().(type) {
			case float64:
				return d, nil
			case float32:
				return float64(d), nil
			case []float64:
				return d[0], nil
			case []float32:
				return float64(d[0]), nil
			}
		}
	}
	return 0, fmt.Errorf("value is %T, want a scalar", v)
}

// checkFloatTensor reports whether n is a float32 or float64 tensor node.
func checkFloatTensor(n *gorgonia.Node, what string) error {
	if n == nil {
		return fmt.Errorf("graph: %s: nil node", what)
	}
	if n.IsScalar() || n.Shape().Dims() == 0 {
		return fmt.Errorf("graph: %s: %s is a scalar, want a vector or matrix", what, n.Name())
	}
	if dt := n.Dtype(); dt != tensor.Float64 && dt != tensor.Float32 {
		return fmt.Errorf("graph: %s: %s has dtype %v, want float32 or float64", what, n.Name(), dt)
	}
	return nil
}

// lastDim is the row length of s: its last dimension.
func lastDim(s tensor.Shape) int {
	if len(s) == 0 {
		return 1
	}
	return s[len(s)-1]
}
