package mnist_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

// countingNet counts its Logits calls.
type countingNet struct {
	mnist.Net[float64]
	logits *atomic.Int64
}

func (n countingNet) Logits(x []float64, rows int) ([]float64, error) {
	n.logits.Add(1)
	return n.Net.Logits(x, rows)
}

// backgroundConfig is a short run with dropout and evaluations after
// iterations 0, 3 and 5.
func backgroundConfig() mnist.Config {
	c := mnisttest.SmallConfig()
	c.Hidden, c.TrainImages, c.Batch, c.Iterations, c.EvalEvery = []int{16}, 200, 50, 6, 3
	return c
}

// newBackgroundRun returns a Trainer of c and its hand-rolled
// net, and with background an evaluator for it, wrapped by wrap when not nil.
func newBackgroundRun(t *testing.T, c mnist.Config, background bool, wrap func(mnist.Net[float64]) mnist.Net[float64]) (*mnist.Trainer[float64], mnist.Net[float64]) {
	t.Helper()
	train, test := mnisttest.SynthData[float64](200, 1), mnisttest.SynthData[float64](300, 2)
	tr, ws, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Fatal(err)
	}
	h, err := mnist.NewHandRolled(c, ws)
	if err != nil {
		t.Fatal(err)
	}
	if background {
		var e mnist.Net[float64]
		if e, err = mnist.NewHandRolled(c, ws); err != nil {
			t.Fatal(err)
		}
		if wrap != nil {
			e = wrap(e)
		}
		tr.Background([]mnist.Net[float64]{e})
	}
	return tr, h
}

// trainWith runs backgroundConfig's training of the hand-rolled net, with
// evaluators or without, and returns the trajectory, the net's final
// weights, the order of the eval hooks ("b3" for BeforeEval(3), "a3" for an
// AfterEval of iteration 3) and how many Logits calls the net and the
// evaluator made.
func trainWith(t *testing.T, background bool, hooks mnist.Hooks[float64]) (traj [][]mnist.Point, final [][]float64, order []string, netLogits, evalLogits int64, err error) {
	t.Helper()
	var nl, el atomic.Int64
	tr, h := newBackgroundRun(t, backgroundConfig(), background, func(e mnist.Net[float64]) mnist.Net[float64] { return countingNet{e, &el} })
	hooks.BeforeEval = func(iter int) error {
		order = append(order, fmt.Sprint("b", iter))
		return nil
	}
	hooks.AfterEval = func(p []mnist.Point) error {
		order = append(order, fmt.Sprint("a", p[0].Iteration))
		return nil
	}
	traj, err = tr.Run([]mnist.Net[float64]{countingNet{h, &nl}}, hooks)
	for _, w := range h.Weights() {
		final = append(final, slices.Clone(w))
	}
	return traj, final, order, nl.Load(), el.Load(), err
}

// TestBackgroundSamePoints: evaluated beside the steps, on an evaluator
// given the weights at each evaluation, a run gives the same points, bit for
// bit, and the same weights as evaluated between the steps; the net itself
// evaluates nothing then, and every AfterEval comes after its BeforeEval
// and before the next.
func TestBackgroundSamePoints(t *testing.T) {
	serial, wSerial, order, nl, el, err := trainWith(t, false, mnist.Hooks[float64]{})
	if err != nil {
		t.Fatal(err)
	}
	if nl == 0 || el != 0 {
		t.Fatalf("serial: %d Logits calls of the net, %d of no evaluator", nl, el)
	}
	want := []string{"b0", "a0", "b3", "a3", "b5", "a5"}
	if !slices.Equal(order, want) {
		t.Errorf("serial: hooks %v, want %v", order, want)
	}
	bg, wBg, order, nl, el, err := trainWith(t, true, mnist.Hooks[float64]{})
	if err != nil {
		t.Fatal(err)
	}
	if nl != 0 || el == 0 {
		t.Errorf("background: %d Logits calls of the net, %d of its evaluator; want none and some", nl, el)
	}
	if !slices.Equal(order, want) {
		t.Errorf("background: hooks %v, want %v", order, want)
	}
	if len(bg) != 1 || len(serial) != 1 || !slices.Equal(bg[0], serial[0]) {
		t.Errorf("points:\nbackground %+v\nserial     %+v", bg, serial)
	}
	for i := range wSerial {
		if !slices.Equal(wBg[i], wSerial[i]) {
			t.Errorf("final weights %d differ", i)
		}
	}
	// The points change from one evaluation to the next: an evaluator left
	// at the first weights would not give the same.
	if p := serial[0]; len(p) != 3 || p[0].TestLoss == p[2].TestLoss {
		t.Fatalf("points %+v: want three, the losses changing", p)
	}
}

// TestAsideGetsTheWeightsOfTheMoment: work set aside from a hook sees a copy
// of the batch and nets holding the weights of the nets at that moment,
// although the nets step on meanwhile; its error ends Run, with the
// trajectory up to the last evaluation before it, and without evaluators it
// runs at once on the nets themselves.
func TestAsideGetsTheWeightsOfTheMoment(t *testing.T) {
	for _, background := range []bool{false, true} {
		tr, h := newBackgroundRun(t, backgroundConfig(), background, nil)
		var problems []string
		ran := 0
		boom := errors.New("boom")
		hooks := mnist.Hooks[float64]{BeforeStep: func(b mnist.Batch[float64]) error {
			if b.Step != 1 {
				return nil
			}
			var w [][]float64
			for _, m := range h.Weights() {
				w = append(w, slices.Clone(m))
			}
			x, y, masks := slices.Clone(b.X), slices.Clone(b.T), [][]float64{slices.Clone(b.Masks[0])}
			iter := b.Iteration
			return tr.Aside(b, func(got mnist.Batch[float64], nets []mnist.Net[float64]) error {
				ran++
				if got.Iteration != iter || got.Step != 1 || !slices.Equal(got.X, x) || !slices.Equal(got.T, y) || !slices.Equal(got.Masks[0], masks[0]) {
					problems = append(problems, fmt.Sprintf("iteration %d: the batch given is not the batch set aside", iter))
				}
				if (&got.X[0] == &b.X[0]) == background {
					problems = append(problems, fmt.Sprintf("iteration %d: batch copied %v, want %v", iter, &got.X[0] != &b.X[0], background))
				}
				if (nets[0] == h) == background {
					problems = append(problems, fmt.Sprintf("iteration %d: given the net itself %v", iter, !background))
				}
				for i, m := range nets[0].Weights() {
					if !slices.Equal(m, w[i]) {
						problems = append(problems, fmt.Sprintf("iteration %d: weights %d are not those of the moment", iter, i))
					}
				}
				if iter == 4 {
					return boom
				}
				return nil
			})
		}}
		traj, err := tr.Run([]mnist.Net[float64]{h}, hooks)
		if !errors.Is(err, boom) {
			t.Errorf("background %v: Run = %v, want the aside's error", background, err)
		}
		if ran != 5 || len(problems) > 0 {
			t.Errorf("background %v: the aside ran %d times (want 5): %v", background, ran, problems)
		}
		if len(traj) != 1 || len(traj[0]) != 2 || traj[0][1].Iteration != 3 {
			t.Errorf("background %v: trajectory %+v, want the points of iterations 0 and 3", background, traj)
		}
	}
}

// TestBackgroundErrors: evaluators that do not match the nets are refused
// before any step; an evaluator's panic is an error of Run; Aside outside
// Run is an error.
func TestBackgroundErrors(t *testing.T) {
	c := backgroundConfig()
	train, test := mnisttest.SynthData[float64](200, 1), mnisttest.SynthData[float64](300, 2)
	other := c
	other.Hidden = []int{8}
	otherWs := mnisttest.InitWeights(t, other, 1)
	for _, tc := range []struct {
		name  string
		evals func(ws [][]float64) []mnist.Net[float64]
		want  string
	}{
		{"two for one", func(ws [][]float64) []mnist.Net[float64] {
			a, _ := mnist.NewHandRolled(c, ws)
			b, _ := mnist.NewHandRolled(c, ws)
			return []mnist.Net[float64]{a, b}
		}, "2 evaluators for 1 nets"},
		{"nil", func([][]float64) []mnist.Net[float64] { return []mnist.Net[float64]{nil} }, "evaluator 0 is nil"},
		{"other implementation", func(ws [][]float64) []mnist.Net[float64] {
			return []mnist.Net[float64]{&mnisttest.LinearNet{Impl: mnist.ImplGraph, W: ws}}
		}, "evaluator 0 is graph, net 0 is handrolled"},
		{"other sizes", func([][]float64) []mnist.Net[float64] {
			e, err := mnist.NewHandRolled(other, otherWs)
			if err != nil {
				t.Fatal(err)
			}
			return []mnist.Net[float64]{e}
		}, "weight tensor 0 holds 6272 values, its net's 12544"},
		{"panics", func(ws [][]float64) []mnist.Net[float64] {
			e, _ := mnist.NewHandRolled(c, ws)
			return []mnist.Net[float64]{panicky{e}}
		}, "evaluation: " + ops.ErrPanic.Error()},
	} {
		tr, h := newBackgroundRun(t, c, false, nil)
		tr.Background(tc.evals(h.Weights()))
		steps := 0
		_, err := tr.Run([]mnist.Net[float64]{h}, mnist.Hooks[float64]{AfterStep: func(mnist.Batch[float64]) error { steps++; return nil }})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Run = %v, want an error with %q", tc.name, err, tc.want)
		}
		if tc.name != "panics" && steps != 0 {
			t.Errorf("%s: %d steps taken before the error, want none", tc.name, steps)
		}
	}
	tr, _, err := mnist.NewTrainer(c, train, test)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Aside(mnist.Batch[float64]{}, func(mnist.Batch[float64], []mnist.Net[float64]) error { return nil }); err == nil {
		t.Error("Aside outside Run: no error")
	}
}

// panicky panics in Logits.
type panicky struct{ mnist.Net[float64] }

func (panicky) Logits([]float64, int) ([]float64, error) { panic("no logits") }

// TestAsideQueues: work set aside returns at once, while earlier work is
// still running; more of it at one point than the queue holds runs, in the
// order given; a panic in it is an error of Run naming the check; a run
// without dropout sets aside a batch without masks.
func TestAsideQueues(t *testing.T) {
	for _, dropout := range []bool{true, false} {
		c := backgroundConfig()
		c.Dropout = dropout
		tr, h := newBackgroundRun(t, c, true, nil)
		release := make(chan struct{})
		var order []int
		hooks := mnist.Hooks[float64]{BeforeStep: func(b mnist.Batch[float64]) error {
			if b.Iteration != 1 || b.Step != 0 {
				return nil
			}
			if err := tr.Aside(b, func(mnist.Batch[float64], []mnist.Net[float64]) error {
				select {
				case <-release:
					return nil
				case <-time.After(10 * time.Second):
					return errors.New("the hook waited for the work it set aside")
				}
			}); err != nil {
				return err
			}
			if err := tr.Aside(b, func(mnist.Batch[float64], []mnist.Net[float64]) error { return nil }); err != nil {
				return err
			}
			close(release)
			for i := range 20 {
				if err := tr.Aside(b, func(got mnist.Batch[float64], _ []mnist.Net[float64]) error {
					order = append(order, i)
					if (got.Masks != nil) != dropout {
						return fmt.Errorf("masks %v, dropout %v", got.Masks != nil, dropout)
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return tr.Aside(b, func(mnist.Batch[float64], []mnist.Net[float64]) error { panic("no check") })
		}}
		_, err := tr.Run([]mnist.Net[float64]{h}, hooks)
		if want := "check: " + ops.ErrPanic.Error(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("dropout %v: Run = %v, want an error with %q", dropout, err, want)
		}
		if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}; !slices.Equal(order, want) {
			t.Errorf("dropout %v: the work ran in the order %v, want %v", dropout, order, want)
		}
	}
}
