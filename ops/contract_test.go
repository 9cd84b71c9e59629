package ops

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

// contractCase is one call of an exported function with bad arguments: it
// must return an error (panics false) or, where the function documents a
// panic on a programmer error, panic with a message naming the package;
// never a runtime panic (index out of range, nil dereference).
type contractCase struct {
	name   string
	panics bool
	call   func() error
}

// runContract runs every case under recover and judges it.
func runContract(t *testing.T, prefix string, cases []contractCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			r := func() (r any) {
				defer func() { r = recover() }()
				err = c.call()
				return nil
			}()
			switch {
			case r != nil:
				if _, ok := r.(runtime.Error); ok {
					t.Fatalf("runtime panic: %v", r)
				}
				if !c.panics {
					t.Fatalf("panic %v, want an error", r)
				}
				if msg := fmt.Sprint(r); !strings.HasPrefix(msg, prefix) {
					t.Fatalf("panic %q, want a message starting %q", msg, prefix)
				}
			case c.panics:
				t.Fatalf("no panic (error %v), want a panic with a message", err)
			case err == nil:
				t.Fatalf("no error")
			}
		})
	}
}

// TestContract calls every exported function of the package with bad
// arguments.
func TestContract(t *testing.T) {
	nan := math.NaN()
	short, long := make([]float64, 2), make([]float64, 6)
	p := NewPool(2)
	defer p.Close()
	runContract(t, "ops: ", []contractCase{
		{"Lookup empty", false, func() error { _, err := Lookup(""); return err }},
		{"LookupOutput empty", false, func() error { _, err := LookupOutput(""); return err }},
		{"NewSoftmax NaN", false, func() error { _, err := NewSoftmax(nan); return err }},
		{"NewSoftmax 0", false, func() error { _, err := NewSoftmax(0); return err }},
		{"NewSoftmax -1", false, func() error { _, err := NewSoftmax(-1); return err }},
		{"SoftmaxOutput NaN", false, func() error { _, err := SoftmaxOutput(nan); return err }},
		{"CrossEntropy mismatched", false, func() error { _, err := CrossEntropy(short, long, 2, 1); return err }},
		{"CrossEntropy cols 0", false, func() error { _, err := CrossEntropy(long, long, 0, 1); return err }},
		{"CrossEntropy cols -1", false, func() error { _, err := CrossEntropy(long, long, -1, 1); return err }},
		{"CrossEntropy k NaN", false, func() error { _, err := CrossEntropy(long, long, 3, nan); return err }},
		{"CrossEntropy nil", false, func() error { _, err := CrossEntropy[float64](nil, long, 3, 1); return err }},
		{"NewPointwise nil f, Forward64", true, func() error {
			NewPointwise("x", nil, func(float64) float64 { return 1 }).Forward64(long, long, 3)
			return nil
		}},
		{"NewPointwise nil slope, Backward32", true, func() error {
			f := make([]float32, 6)
			NewPointwise("x", math.Tanh, nil).Backward32(f, f, nil, f, 3)
			return nil
		}},
		{"NewPointwiseInput nil, F", true, func() error { NewPointwiseInput("x", nil, nil).F(1); return nil }},
		{"Forward nil activation", true, func() error { Forward[float64](nil, long, long, 3); return nil }},
		{"Forward short y", true, func() error { Forward(Tanh, short, long, 3); return nil }},
		{"Forward softmax cols 0", true, func() error { Forward(Softmax, long, long, 0); return nil }},
		{"Forward softmax cols not dividing", true, func() error { Forward(Softmax, long, long, 4); return nil }},
		{"Forward softmax cols -1", true, func() error { Forward(Softmax, long, long, -1); return nil }},
		{"ForwardOn short y", true, func() error { ForwardOn(p, Tanh, short, long, 3); return nil }},
		{"ForwardOn softmax cols 0", true, func() error { ForwardOn(p, Softmax, long, long, 0); return nil }},
		{"Backward short dx", true, func() error { Backward(Tanh, short, long, long, long, 3); return nil }},
		{"Backward nil y", true, func() error { Backward(Tanh, long, long, long, nil, 3); return nil }},
		{"Backward input-derived nil x", true, func() error { Backward(Swish, long, long, nil, long, 3); return nil }},
		{"Backward softmax cols 0", true, func() error { Backward(Softmax, long, long, long, long, 0); return nil }},
		{"BackwardOn short dx", true, func() error { BackwardOn(p, Tanh, short, long, long, long, 3); return nil }},
		{"Pool.Forward64 nil activation", true, func() error { p.Forward64(nil, long, long, 3); return nil }},
		{"Pool.Backward32 short", true, func() error {
			p.Backward32(Tanh, make([]float32, 2), make([]float32, 6), nil, make([]float32, 6), 3)
			return nil
		}},
		{"Delta short d", true, func() error { Delta(SoftmaxCrossEntropy, short, long, long, 3, 1); return nil }},
		{"Delta short t", true, func() error { Delta(SoftmaxCrossEntropy, long, long, short, 3, 1); return nil }},
		{"Delta zero Output", true, func() error { Delta(Output{}, long, long, long, 3, 1); return nil }},
		{"ScaledDiff mismatched", true, func() error { ScaledDiff(short, long, long, 1); return nil }},
		{"SquaredError mismatched", true, func() error { SquaredError(short, long); return nil }},
		{"Pointwise.Forward64 short", true, func() error { Tanh.Forward64(short, long, 3); return nil }},
		{"Pointwise.Backward64 short", true, func() error { Tanh.Backward64(short, long, nil, long, 3); return nil }},
		{"zero Pointwise Forward64", true, func() error { new(Pointwise).Forward64(long, long, 3); return nil }},
		{"zero Pointwise F", true, func() error { new(Pointwise).F(1); return nil }},
		{"zero Pointwise Slope", true, func() error { new(Pointwise).Slope(1); return nil }},
		{"zero Output LogitScale", false, func() error {
			if _, ok := (Output{}).LogitScale(); ok {
				return nil
			}
			return fmt.Errorf("not a softmax")
		}},
	})
}
