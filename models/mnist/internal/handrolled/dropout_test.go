package handrolled

import (
	"math"
	"testing"

	"outgrad/ops"
)

// dropoutNet is a small network with dropout, tanh hidden units and a linear
// output with squared error, so that the test can write its loss out by hand:
// L = s·½Σ(y − t)², y = (tanh(x·w0) ⊙ 2m)·w1.
type dropoutNet struct {
	b, k, m, o int // batch, inputs, hidden units, outputs
	x, t, mask []float64
	w          [][]float64
	s          float64
}

func newDropoutNet() dropoutNet {
	d := dropoutNet{b: 3, k: 4, m: 5, o: 2, s: 0.7}
	// Fixed values, chosen so that the hidden units sit on tanh's curved part
	// and every row keeps some units and drops others.
	val := func(n int, a, c float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = a * math.Sin(c*float64(i+1))
		}
		return v
	}
	d.x = val(d.b*d.k, 1.3, 0.9)
	d.t = val(d.b*d.o, 0.8, 2.1)
	d.w = [][]float64{val(d.k*d.m, 0.9, 1.7), val(d.m*d.o, 0.6, 0.4)}
	d.mask = make([]float64, d.b*d.m)
	for i := range d.mask {
		d.mask[i] = float64((i*7 + i/d.m) % 3 % 2) // kept and dropped in every row
	}
	return d
}

func (d dropoutNet) spec() Spec {
	return Spec{Sizes: []int{d.k, d.m, d.o}, Acts: []ops.Activation{ops.Tanh},
		Output: ops.IdentitySquared, Batch: d.b, Alpha: 0.1, Scale: d.s, Dropout: true}
}

// forward is the test's own forward pass with math.Tanh and plain loops:
// y = (tanh(x·w0) ⊙ 2m)·w1.
func (d dropoutNet) forward(w [][]float64) []float64 {
	y := make([]float64, d.b*d.o)
	for r := 0; r < d.b; r++ {
		for j := 0; j < d.m; j++ {
			var z float64
			for i := 0; i < d.k; i++ {
				z += d.x[r*d.k+i] * w[0][i*d.m+j]
			}
			h := math.Tanh(z) * 2 * d.mask[r*d.m+j]
			for c := 0; c < d.o; c++ {
				y[r*d.o+c] += h * w[1][j*d.o+c]
			}
		}
	}
	return y
}

// loss is s·½Σ(y − t)² of the test's own forward.
func (d dropoutNet) loss(w [][]float64) float64 {
	var sum float64
	for i, v := range d.forward(w) {
		sum += (v - d.t[i]) * (v - d.t[i])
	}
	return d.s * sum / 2
}

// TestDropoutScalesKeptUnits checks the forward pass with dropout against the
// test's own: kept hidden units are multiplied by 2, dropped ones by 0.
func TestDropoutScalesKeptUnits(t *testing.T) {
	d := newDropoutNet()
	n, err := New(d.spec(), d.w)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Gradient(d.x, d.t, [][]float64{d.mask}); err != nil {
		t.Fatal(err)
	}
	want := d.forward(d.w)
	for i, v := range n.Output() {
		if math.Abs(v-want[i]) > 1e-13*(1+math.Abs(want[i])) {
			t.Fatalf("output %v, want %v (kept units ×2)", n.Output(), want)
		}
	}
	// The loss the network reports is the same function.
	got, err := n.Loss(d.x, d.t, [][]float64{d.mask})
	if want := d.loss(d.w); err != nil || math.Abs(got-want) > 1e-13*want {
		t.Errorf("Loss = %v, %v; want %v", got, err, want)
	}
}

// TestDropoutGradient checks the gradients of every weight with dropout
// against central differences of the test's own loss: the backward pass must
// scale the kept units' deltas by the same 2 as the forward.
func TestDropoutGradient(t *testing.T) {
	d := newDropoutNet()
	n, err := New(d.spec(), d.w)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Gradient(d.x, d.t, [][]float64{d.mask}); err != nil {
		t.Fatal(err)
	}
	const h = 1e-6
	w := [][]float64{append([]float64(nil), d.w[0]...), append([]float64(nil), d.w[1]...)}
	for l, g := range n.Grads() {
		for i, gi := range g {
			orig := w[l][i]
			w[l][i] = orig + h
			up := d.loss(w)
			w[l][i] = orig - h
			down := d.loss(w)
			w[l][i] = orig
			fd := (up - down) / (2 * h)
			if math.Abs(gi-fd) > 1e-7*(1+math.Abs(fd)) {
				t.Errorf("w%d[%d]: gradient %v, central difference %v", l, i, gi, fd)
			}
		}
	}
	// At least one hidden unit's gradient is not zero: the test reaches the
	// hidden layer's backward through a kept unit.
	var any bool
	for _, v := range n.Grads()[0] {
		any = any || math.Abs(v) > 1e-3
	}
	if !any {
		t.Errorf("w0 gradient %v: all near zero, the test checks nothing", n.Grads()[0])
	}
}
