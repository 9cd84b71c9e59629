package compare

import (
	"math"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
)

// TestAfterStepKeepsTheRelativeWorst drives the agreement bookkeeping of one
// step with planted differences: in w01 (entries near 1000) a difference of
// 1, relative 1e-3; in w12 (entries near 1e-6) a difference of 1e-8,
// relative 5e-3. The worst relative difference is w12's, the worst absolute
// one w01's, each kept with its step and matrix; only the first step sets
// the first-step difference.
func TestAfterStepKeepsTheRelativeWorst(t *testing.T) {
	c := mnist.DefaultConfig()
	ref := &mnisttest.LinearNet{Impl: mnist.ImplGraph, G: [][]float64{{1000, -1000}, {1e-6, 2e-6}}}
	got := &mnisttest.LinearNet{Impl: mnist.ImplHandRolled, G: [][]float64{{1001, -1000}, {1e-6 + 1e-8, 2e-6}}}
	for _, b := range []mnist.Batch[float64]{{Iteration: 3, Step: 4}, {Iteration: 0, Step: 0}} {
		r := newRun(c, CompareOptions{}, 1e-10, []mnist.Net[float64]{ref, got}, nil)
		if err := r.afterStep(b); err != nil {
			t.Fatal(err)
		}
		ag := r.ag
		const wantRel = 5e-3 // 1e-8 / 2e-6
		if math.Abs(ag.GradMaxRelDiff-wantRel) > 1e-6*wantRel || ag.GradMaxRelAt.Matrix != "w12" ||
			ag.GradMaxRelAt.Iteration != b.Iteration || ag.GradMaxRelAt.Step != b.Step {
			t.Errorf("step %+v: worst relative difference %g at %+v, want %g at w12", b, ag.GradMaxRelDiff, ag.GradMaxRelAt, wantRel)
		}
		if ag.GradMaxAbsDiff != 1 || ag.GradMaxAbsAt.Matrix != "w01" || ag.GradMaxAbsAt.Iteration != b.Iteration {
			t.Errorf("step %+v: worst absolute difference %g at %+v, want 1 at w01", b, ag.GradMaxAbsDiff, ag.GradMaxAbsAt)
		}
		first := b.Iteration == 0 && b.Step == 0
		if first != (ag.GradFirstStepRel == ag.GradMaxRelDiff) || !first && ag.GradFirstStepRel != 0 {
			t.Errorf("step %+v: first-step difference %g", b, ag.GradFirstStepRel)
		}
		if ag.GradMaxRelAt.Impl != "" {
			t.Errorf("two implementations: the worst point names %q", ag.GradMaxRelAt.Impl)
		}
	}
}
