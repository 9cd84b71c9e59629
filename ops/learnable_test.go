package ops_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"outgrad/ops"
)

// TestLearnableGradients checks both gradients of every registered
// Learnable, dx and dθ, against central differences of Σ dy·f(x; θ), at
// parameters away from their initial values (where the Activation methods,
// which the conformance test checks, do not look).
func TestLearnableGradients(t *testing.T) {
	for _, act := range ops.Activations() {
		l := ops.LearnableOf(act)
		if l == nil {
			continue
		}
		t.Run(l.Name(), func(t *testing.T) { testLearnable(t, l) })
	}
}

func testLearnable(t *testing.T, l ops.Learnable) {
	rng := rand.New(rand.NewPCG(3, 4))
	const rows, cols = 7, 5
	p := l.Params()
	theta := make([]float64, p.Count(cols))
	for i := range theta {
		theta[i] = 2*rng.Float64() - 0.5 // [−0.5, 1.5): both signs of a PReLU α
	}
	x, dy := make([]float64, rows*cols), make([]float64, rows*cols)
	for i := range x {
		x[i] = 8*rng.Float64() - 4
		if math.Abs(x[i]) < 0.01 {
			x[i] = 0.5 // away from a kink at 0
		}
		dy[i] = rng.Float64() - 0.5
	}
	y, dx, dth := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(theta))
	l.ParamsForward64(y, x, theta, cols)
	l.ParamsBackward64(dx, dth, dy, x, y, theta, cols)

	// obj is Σ dy·f(x; θ).
	obj := func(x, theta []float64) float64 {
		out := make([]float64, len(x))
		l.ParamsForward64(out, x, theta, cols)
		var s float64
		for i, v := range out {
			s += dy[i] * v
		}
		return s
	}
	const h = 1e-6
	for j := range theta {
		th := append([]float64(nil), theta...)
		th[j] = theta[j] + h
		up := obj(x, th)
		th[j] = theta[j] - h
		fd := (up - obj(x, th)) / (2 * h)
		if math.Abs(fd-dth[j]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("dθ[%d] = %.10g, central difference %.10g", j, dth[j], fd)
		}
	}
	for i := range x {
		xs := append([]float64(nil), x...)
		xs[i] = x[i] + h
		up := obj(xs, theta)
		xs[i] = x[i] - h
		fd := (up - obj(xs, theta)) / (2 * h)
		if math.Abs(fd-dx[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("dx[%d] = %.10g at x=%g, central difference %.10g", i, dx[i], x[i], fd)
		}
	}

	// float32: the same computation rounded, dθ summed in float64.
	x32, dy32, th32 := f32(x), f32(dy), f32(theta)
	y32, dx32, dth32 := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(theta))
	l.ParamsForward32(y32, x32, th32, cols)
	l.ParamsBackward32(dx32, dth32, dy32, x32, y32, th32, cols)
	for j := range dth32 {
		if d := math.Abs(float64(dth32[j]) - dth[j]); d > 1e-4*math.Max(1, math.Abs(dth[j])) {
			t.Errorf("float32 dθ[%d] = %g, float64 %g", j, dth32[j], dth[j])
		}
	}
	// The Activation methods are the function at the initial parameters.
	yi, yp := make([]float64, len(x)), make([]float64, len(x))
	l.Forward64(yi, x, cols)
	l.ParamsForward64(yp, x, p.Initial(cols), cols)
	for i := range yi {
		if yi[i] != yp[i] {
			t.Fatalf("Forward64 at %g = %g, ParamsForward64 at the initial θ %g", x[i], yi[i], yp[i])
		}
	}
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// TestParamsLayout checks that a per-unit parameter is unit u's at entry
// u of every row, and that a shared one sums over every unit.
func TestParamsLayout(t *testing.T) {
	// x·θ: dθ = Σ dy·x, per unit or shared.
	fn := ops.ParamFuncs{
		F:      func(x float64, th []float64) float64 { return x * th[0] },
		DX:     func(_, _ float64, th []float64) float64 { return th[0] },
		DTheta: func(x, _ float64, _, d []float64) { d[0] = x },
	}
	for _, perUnit := range []bool{true, false} {
		l, err := ops.NewLearnable("scale", ops.FromInput, ops.Params{Names: []string{"a"}, Init: []float64{1}, PerUnit: perUnit}, fn)
		if err != nil {
			t.Fatal(err)
		}
		x := []float64{1, 2, 3, 4, 5, 6} // 2 rows of 3
		theta := []float64{10}
		if perUnit {
			theta = []float64{10, 20, 30}
		}
		y, dx, dth := make([]float64, 6), make([]float64, 6), make([]float64, len(theta))
		l.ParamsForward64(y, x, theta, 3)
		l.ParamsBackward64(dx, dth, []float64{1, 1, 1, 1, 1, 1}, x, y, theta, 3)
		wantY, wantD := []float64{10, 20, 30, 40, 50, 60}, []float64{21}
		if perUnit {
			wantY, wantD = []float64{10, 40, 90, 40, 100, 180}, []float64{5, 7, 9}
		}
		for i := range y {
			if y[i] != wantY[i] {
				t.Errorf("per unit %v: y = %v, want %v", perUnit, y, wantY)
				break
			}
		}
		for i := range dth {
			if dth[i] != wantD[i] {
				t.Errorf("per unit %v: dθ = %v, want %v", perUnit, dth, wantD)
				break
			}
		}
	}
}

func TestNewLearnableRefuses(t *testing.T) {
	ok := ops.ParamFuncs{
		F:      func(x float64, _ []float64) float64 { return x },
		DX:     func(_, _ float64, _ []float64) float64 { return 1 },
		DTheta: func(_, _ float64, _, d []float64) { d[0] = 0 },
	}
	for _, c := range []struct {
		p    ops.Params
		fn   ops.ParamFuncs
		want string
	}{
		{ops.Params{}, ok, "without a parameter"},
		{ops.Params{Names: []string{"a"}}, ok, "1 parameter names and 0 initial values"},
		{ops.Params{Names: []string{"a"}, Init: []float64{math.NaN()}}, ok, "starts at NaN"},
		{ops.Params{Names: []string{"a"}, Init: []float64{1}}, ops.ParamFuncs{F: ok.F, DX: ok.DX}, "F, DX and DTheta"},
	} {
		_, err := ops.NewLearnable("x", ops.FromInput, c.p, c.fn)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewLearnable(%+v): %v, want an error containing %q", c.p, err, c.want)
		}
	}
}

// TestParamsLayoutTwoPerUnit: with two parameters per unit, parameter j
// of unit u is θ[j·units + u] (Params' layout): f = a·x + b with θ = (a
// of every unit, then b of every unit).
func TestParamsLayoutTwoPerUnit(t *testing.T) {
	l, err := ops.NewLearnable("affine", ops.FromInput,
		ops.Params{Names: []string{"a", "b"}, Init: []float64{1, 0}, PerUnit: true},
		ops.ParamFuncs{
			F:  func(x float64, th []float64) float64 { return th[0]*x + th[1] },
			DX: func(_, _ float64, th []float64) float64 { return th[0] },
			DTheta: func(x, _ float64, _, d []float64) {
				d[0], d[1] = x, 1
			},
		})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1, 2, 3, 4} // 2 rows of 2 units
	theta := []float64{10, 20, 100, 200}
	y, dx, dth := make([]float64, 4), make([]float64, 4), make([]float64, 4)
	l.ParamsForward64(y, x, theta, 2)
	l.ParamsBackward64(dx, dth, []float64{1, 1, 1, 1}, x, y, theta, 2)
	wantY, wantDX, wantD := []float64{110, 240, 130, 280}, []float64{10, 20, 10, 20}, []float64{4, 6, 2, 2}
	for i := range y {
		if y[i] != wantY[i] || dx[i] != wantDX[i] || dth[i] != wantD[i] {
			t.Fatalf("y %v, dx %v, dθ %v; want %v, %v, %v", y, dx, dth, wantY, wantDX, wantD)
		}
	}
}
