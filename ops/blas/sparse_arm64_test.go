//go:build !noasm && !gccgo

package blas

import (
	"math"
	"outgrad/ops/internal/kerneltest"
	"testing"
)

// TestASIMDDispatch checks the dispatch of the arm64 kernels: with ASIMD,
// block4Vector computes every column the 12-, 8- and 4-column kernels
// fill (all but n mod 4) and Kernels names ASIMD; without it (as under
// GODEBUG=cpu.asimd=off), block4Vector computes no column and writes
// nothing, and Kernels says why there is no sparse kernel.
func TestASIMDDispatch(t *testing.T) {
	if !haveASIMD {
		kerneltest.SkipUnrun(t, "asimd")
	}
	const k = 9
	l := view{offs: make([]int, k), vals: make([]float64, 4*k), ps: 1, es: 4, t: k}
	for q := range k {
		for r := range 4 {
			l.vals[4*q+r] = float64(q + r + 1)
		}
	}
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			defer func(v bool) { haveASIMD = v }(haveASIMD)
			haveASIMD = on
			want := "no sparse kernels (the CPU has no ASIMD)"
			if on {
				want = "sparse float64 kernels (ASIMD)"
			}
			if got := Kernels(); got != want {
				t.Errorf("Kernels() = %q, want %q", got, want)
			}
			for n := 1; n <= 40; n++ {
				for q := range k {
					l.offs[q] = 8 * q * n
				}
				b := fill[float64](k*n, 0.4)
				c := make([]float64, 4*n)
				for i := range c {
					c[i] = math.NaN()
				}
				j := block4Vector(c, n, b, l)
				wantJ := 0
				if on {
					wantJ = n - n%4
				}
				if j != wantJ {
					t.Errorf("n=%d: block4Vector computed %d columns, want %d", n, j, wantJ)
					continue
				}
				for i, v := range c {
					if computed := i%n < j; computed == math.IsNaN(v) {
						t.Errorf("n=%d: element (%d, %d) = %v after %d columns computed", n, i/n, i%n, v, j)
						break
					}
				}
			}
		})
	}
}
