package optim

import (
	"math"
	"strings"
	"testing"
)

// near reports |a − b| ≤ tol·max(1, |b|).
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// adam returns a State for one 2×2 matrix with Adam's defaults, α and batch.
func adam(t *testing.T, alpha float64, batch int) *State[float64] {
	t.Helper()
	o := Default()
	o.Name = Adam
	st, err := New[float64](Spec{Optimizer: o, Alpha: alpha, Batch: batch}, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAdamTwoStepsByHand checks two Adam steps on a 2×2 matrix against the
// formulas written out here, in the order a reader would compute them.
func TestAdamTwoStepsByHand(t *testing.T) {
	const alpha, batch, b1, b2, eps = 0.1, 10, 0.9, 0.999, 1e-8
	w := []float64{0.5, -0.25, 1, 0}
	g1 := []float64{0.01, -0.02, 0, 0.004}
	g2 := []float64{0.02, 0.01, 0.03, -0.004}
	st := adam(t, alpha, batch)

	// Step 1: m̂ = ĝ, v̂ = ĝ², so every weight moves by α·ĝ/(|ĝ| + ε), ĝ = 10·g.
	want1 := []float64{
		0.5 - alpha*0.1/(0.1+eps),
		-0.25 + alpha*0.2/(0.2+eps),
		1, // a zero gradient moves nothing: 0/(0 + ε)
		0 - alpha*0.04/(0.04+eps),
	}
	if err := st.Update([][]float64{w}, [][]float64{g1}); err != nil {
		t.Fatal(err)
	}
	for j := range w {
		if !near(w[j], want1[j], 1e-15) {
			t.Errorf("step 1: w[%d] = %.17g, want %.17g", j, w[j], want1[j])
		}
	}
	// Step 2, the moments carried over and corrected by 1 − β^2.
	for j := range w {
		gh1, gh2 := batch*g1[j], batch*g2[j]
		m := b1*(1-b1)*gh1 + (1-b1)*gh2
		v := b2*(1-b2)*gh1*gh1 + (1-b2)*gh2*gh2
		mh, vh := m/(1-b1*b1), v/(1-b2*b2)
		want1[j] -= alpha * mh / (math.Sqrt(vh) + eps)
	}
	if err := st.Update([][]float64{w}, [][]float64{g2}); err != nil {
		t.Fatal(err)
	}
	for j := range w {
		if !near(w[j], want1[j], 1e-14) {
			t.Errorf("step 2: w[%d] = %.17g, want %.17g", j, w[j], want1[j])
		}
	}
	// Element 0 of step 2 worked out on paper: m = 0.029, m̂ = 0.029/0.19,
	// v = 4.999e-5, v̂ = 4.999e-5/0.001999.
	paper := 0.5 - alpha*0.1/(0.1+eps) - alpha*(0.029/0.19)/(math.Sqrt(4.999e-5/0.001999)+eps)
	if !near(w[0], paper, 1e-14) {
		t.Errorf("step 2: w[0] = %.17g, want %.17g (on paper)", w[0], paper)
	}
}

// TestAdamSeesMeanLossGradient checks where ε acts: on the gradient of the
// mean loss, batch·g. With batch 100 and g = 1e-9, ĝ = 1e-7 and the first
// step is α·1e-7/(1e-7 + 1e-8) = α/1.1; on g itself it would be α/11.
func TestAdamSeesMeanLossGradient(t *testing.T) {
	st := adam(t, 1, 100)
	w := []float64{0, 0, 0, 0}
	if err := st.Update([][]float64{w}, [][]float64{{1e-9, 1e-9, 1e-9, 1e-9}}); err != nil {
		t.Fatal(err)
	}
	if want := -1 / 1.1; !near(w[0], want, 1e-9) {
		t.Fatalf("w = %v after one step on g = 1e-9, batch 100: want %v (ε against batch·g)", w[0], want)
	}
}

// TestMomentumByHand checks two momentum steps, and that β = 0 is SGD bit
// for bit.
func TestMomentumByHand(t *testing.T) {
	o := Default()
	o.Name, o.Beta = Momentum, 0.5
	st, err := New[float64](Spec{Optimizer: o, Alpha: 2, Batch: 3}, []int{2})
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1, -1}
	g1, g2 := []float64{0.25, -0.5}, []float64{0.125, 1}
	for _, g := range [][]float64{g1, g2} {
		if err := st.Update([][]float64{w}, [][]float64{g}); err != nil {
			t.Fatal(err)
		}
	}
	// v1 = g1, v2 = 0.5·g1 + g2; w2 = w0 − 2·g1 − 2·(0.5·g1 + g2).
	want := []float64{1 - 2*0.25 - 2*(0.125+0.125), -1 + 2*0.5 - 2*(-0.25+1)}
	for j := range w {
		if w[j] != want[j] {
			t.Errorf("w[%d] = %v, want %v", j, w[j], want[j])
		}
	}

	o.Beta = 0
	mom, _ := New[float64](Spec{Optimizer: o, Alpha: 0.3, Batch: 7}, []int{3})
	sgd, _ := New[float64](Spec{Optimizer: Default(), Alpha: 0.3, Batch: 7}, []int{3})
	wm, ws := []float64{0.1, 0.2, 0.3}, []float64{0.1, 0.2, 0.3}
	for _, g := range [][]float64{{0.7, -0.11, 1e-3}, {0.013, 0.5, -0.9}} {
		if err := mom.Update([][]float64{wm}, [][]float64{g}); err != nil {
			t.Fatal(err)
		}
		if err := sgd.Update([][]float64{ws}, [][]float64{g}); err != nil {
			t.Fatal(err)
		}
	}
	for j := range wm {
		if math.Float64bits(wm[j]) != math.Float64bits(ws[j]) {
			t.Errorf("momentum β = 0: w[%d] = %v, sgd %v", j, wm[j], ws[j])
		}
	}
}

// TestScheduleRates checks every schedule's rate, and that a State uses
// iteration ⌊(t−1)/Steps⌋'s rate for update t.
func TestScheduleRates(t *testing.T) {
	step, err := ParseSchedule("step:2:0.5")
	if err != nil {
		t.Fatal(err)
	}
	cos := Schedule{Kind: Cosine}
	for i, want := range []float64{8, 8, 4, 4, 2} {
		if got := step.Rate(8, i, 5); got != want {
			t.Errorf("step:2:0.5 at iteration %d: %v, want %v", i, got, want)
		}
		if got := (Schedule{}).Rate(8, i, 5); got != 8 {
			t.Errorf("constant at iteration %d: %v, want 8", i, got)
		}
	}
	for i, want := range []float64{8, 4 + 4*math.Sqrt(0.5), 4, 4 - 4*math.Sqrt(0.5)} {
		if got := cos.Rate(8, i, 4); !near(got, want, 1e-15) {
			t.Errorf("cosine at iteration %d of 4: %v, want %v", i, got, want)
		}
	}
	// SGD with a step schedule, 3 steps an iteration: the 4th update is
	// iteration 1's, the 7th iteration 2's.
	st, err := New[float64](Spec{Optimizer: Default(), Schedule: Schedule{Kind: Step, Every: 1, Gamma: 0.5}, Alpha: 1, Batch: 1, Steps: 3, Iterations: 3}, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{0}
	var moves []float64
	for range 7 {
		before := w[0]
		if err := st.Update([][]float64{w}, [][]float64{{-1}}); err != nil {
			t.Fatal(err)
		}
		moves = append(moves, w[0]-before)
	}
	for k, want := range []float64{1, 1, 1, 0.5, 0.5, 0.5, 0.25} {
		if moves[k] != want {
			t.Errorf("update %d moved w by %v, want %v (all: %v)", k+1, moves[k], want, moves)
		}
	}
}

// TestValidate checks that every bad value is refused with its name, and
// that the defaults and round trips are accepted.
func TestValidate(t *testing.T) {
	bad := map[string]Optimizer{
		"unknown optimizer": {Name: "rmsprop"},
		"momentum β":        {Name: Momentum, Beta: 1},
		"momentum β -0.1":   {Name: Momentum, Beta: -0.1},
		"adam β1":           {Name: Adam, Beta1: math.NaN(), Beta2: 0.9, Eps: 1},
		"adam β2":           {Name: Adam, Beta1: 0.9, Beta2: 1, Eps: 1},
		"adam ε":            {Name: Adam, Beta1: 0.9, Beta2: 0.9, Eps: 0},
		"adam ε (infinite)": {Name: Adam, Beta1: 0.9, Beta2: 0.9, Eps: math.Inf(1)},
	}
	for what, o := range bad {
		err := o.Validate()
		key := strings.Fields(strings.TrimSuffix(strings.Split(what, " (")[0], " -0.1"))
		if err == nil || !strings.Contains(err.Error(), key[len(key)-1]) {
			t.Errorf("%s: %+v: error %v", what, o, err)
		}
	}
	for _, o := range []Optimizer{{}, Default(), {Name: Momentum, Beta: 0}, {Name: Adam, Beta1: 0, Beta2: 0, Eps: 1e-300}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	for _, text := range []string{"", "linear", "step", "step:0:0.5", "step:10:0", "step:10:1.5", "step:10:NaN", "step:x:0.5", "step:+5:0.5", "cosine:3", "step:10:0.5:1"} {
		if s, err := ParseSchedule(text); err == nil {
			t.Errorf("ParseSchedule(%q) = %+v, want an error", text, s)
		}
	}
	for _, text := range []string{"const", "cosine", "step:100:0.5", "step:1:1"} {
		s, err := ParseSchedule(text)
		if err != nil || s.String() != text {
			t.Errorf("ParseSchedule(%q) = %v, %v; String %q", text, s, err, s.String())
		}
	}
	if _, err := New[float32](Spec{Schedule: Schedule{Kind: Cosine}, Alpha: 1, Batch: 1}, []int{1}); err == nil {
		t.Error("a cosine schedule over a run of no iterations was accepted")
	}
}
