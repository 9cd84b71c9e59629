package mnist_test

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/idx"
	"outgrad/ops"
)

// contractCase is one call of an exported function with bad arguments: it
// must return an error (panics false) or, where the function documents a
// panic on a programmer error, panic with a message naming the package;
// never a runtime panic (index out of range, nil dereference, division by
// zero).
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

// noPanic wraps a call that has no error to return: it passes when it
// returns at all (a zero Config's methods give meaningless values, not a
// panic).
func noPanic(f func()) func() error {
	return func() error { f(); return errNone }
}

// errNone is the "error" of a call that passed by returning.
var errNone = fmt.Errorf("returned")

// TestContract calls every exported function of package mnist with bad
// arguments: nil, zero, negative, mismatched lengths, NaN, absurd sizes.
func TestContract(t *testing.T) {
	var zero mnist.Config
	good := mnist.DefaultConfig()
	good.TrainImages, good.Iterations = 4, 1
	good.Batch = 2
	absurdBatch := good
	absurdBatch.Batch, absurdBatch.TrainImages = math.MaxInt/2, math.MaxInt/2
	nanAlpha := good
	nanAlpha.Alpha = math.NaN()
	nilAct := good
	nilAct.HiddenAct = []ops.Activation{nil}
	ws, err := mnist.InitWeights[float64](good, 1)
	if err != nil {
		t.Fatal(err)
	}
	set := idx.Set{N: 4, Images: make([]uint8, 4*idx.Pixels), Labels: []uint8{1, 2, 3, 4}}
	data, err := mnist.NewData[float64](set, 4)
	if err != nil {
		t.Fatal(err)
	}
	runContract(t, "mnist: ", []contractCase{
		{"zero Config Validate", false, func() error { return zero.Validate() }},
		{"zero Config Steps", false, noPanic(func() { zero.Steps() })},
		{"zero Config Evaluated", false, noPanic(func() { zero.Evaluated(3) })},
		{"zero Config LossScale", false, noPanic(func() { zero.LossScale() })},
		{"zero Config Sizes", false, noPanic(func() { zero.Sizes() })},
		{"zero Config Acts", false, noPanic(func() { zero.Acts() })},
		{"zero Config ActNames", false, noPanic(func() { zero.ActNames() })},
		{"zero Config MatrixNames", false, noPanic(func() { zero.MatrixNames() })},
		{"zero Config Spec", false, noPanic(func() { zero.Spec() })},
		{"zero Config MemoryBytes", false, noPanic(func() { zero.MemoryBytes(0, 0, 0) })},
		{"MemoryBytes negative", false, noPanic(func() { good.MemoryBytes(-8, -1, -1) })},
		{"nil activation ActNames", false, noPanic(func() { nilAct.ActNames() })},
		{"CheckMemory absurd", false, func() error { return mnist.CheckMemory(absurdBatch, 8, 2, 10000) }},
		{"CheckWeights nil", false, func() error { return mnist.CheckWeights[float64](good, nil) }},
		{"CheckWeights short", false, func() error { return mnist.CheckWeights(good, [][]float64{ws[0][:3], ws[1]}) }},
		{"CheckWeights zero Config", false, func() error { return mnist.CheckWeights(zero, ws) }},
		{"InitWeights zero Config", false, func() error { _, err := mnist.InitWeights[float64](zero, 1); return err }},
		{"InitWeights NaN alpha", false, func() error { _, err := mnist.InitWeights[float32](nanAlpha, 1); return err }},
		{"NewHandRolled zero Config", false, func() error { _, err := mnist.NewHandRolled[float64](zero, ws); return err }},
		{"NewHandRolled absurd batch", false, func() error { _, err := mnist.NewHandRolled(absurdBatch, ws); return err }},
		{"NewHandRolled nil weights", false, func() error { _, err := mnist.NewHandRolled[float64](good, nil); return err }},
		{"NewHandRolled nil activation", false, func() error { _, err := mnist.NewHandRolled(nilAct, ws); return err }},
		{"NewData zero Set", false, func() error { _, err := mnist.NewData[float64](idx.Set{}, 1); return err }},
		{"NewData n 0", false, func() error { _, err := mnist.NewData[float64](set, 0); return err }},
		{"NewData n negative", false, func() error { _, err := mnist.NewData[float64](set, -1); return err }},
		{"NewData n beyond", false, func() error { _, err := mnist.NewData[float64](set, 5); return err }},
		{"NewData short pixels", false, func() error {
			_, err := mnist.NewData[float64](idx.Set{N: 2, Images: make([]uint8, 10), Labels: []uint8{1, 2}}, 2)
			return err
		}},
		{"NewData label 10", false, func() error {
			_, err := mnist.NewData[float64](idx.Set{N: 1, Images: make([]uint8, idx.Pixels), Labels: []uint8{10}}, 1)
			return err
		}},
		{"Data.X hi beyond", true, func() error { data.X(nil, 0, 5); return nil }},
		{"Data.X lo after hi", true, func() error { data.X(nil, 3, 1); return nil }},
		{"Data.Y lo negative", true, func() error { data.Y(nil, -1, 1); return nil }},
		{"NewTrainer zero Config", false, func() error { _, _, err := mnist.NewTrainer(zero, data, data); return err }},
		{"NewTrainer zero Data", false, func() error { _, _, err := mnist.NewTrainer(good, mnist.Data[float64]{}, data); return err }},
		{"NewTrainer no test", false, func() error { _, _, err := mnist.NewTrainer(good, data, mnist.Data[float64]{}); return err }},
		{"Trainer.Run no nets", false, func() error {
			tr, _, err := mnist.NewTrainer(good, data, data)
			if err != nil {
				return nil
			}
			_, err = tr.Run(nil, mnist.Hooks[float64]{})
			return err
		}},
		{"Trainer.Run nil net", false, func() error {
			tr, _, err := mnist.NewTrainer(good, data, data)
			if err != nil {
				return nil
			}
			_, err = tr.Run([]mnist.Net[float64]{nil}, mnist.Hooks[float64]{})
			return err
		}},
		{"Accuracy nil net", false, func() error { _, err := mnist.Accuracy[float64](nil, data); return err }},
		{"Accuracy zero Data", false, func() error {
			h, err := mnist.NewHandRolled(good, ws)
			if err != nil {
				return nil
			}
			_, err = mnist.Accuracy[float64](h, mnist.Data[float64]{})
			return err
		}},
		{"Evaluator.Accuracy nil net", false, func() error { _, err := new(mnist.Evaluator[float64]).Accuracy(nil, data); return err }},
		{"MatchesBook zero", false, noPanic(func() { _ = mnist.MatchesBook(mnist.Point{}, mnist.BookRow{}) })},
	})
}
