package blas

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
)

// TestContract calls every exported function of the package with bad
// arguments. Gemm, Axpy and the Implementation's routines document a panic
// for slices too short, as gonum's BLAS does: the panic must carry a
// message, never be an index out of range (nor reach OpenBLAS, which would
// read past the slice). Select refuses an unknown backend with an error.
func TestContract(t *testing.T) {
	short, four := make([]float64, 2), make([]float64, 4)
	var impl Implementation
	for _, c := range []struct {
		name   string
		panics bool
		call   func() error
	}{
		{"Select unknown", false, func() error { return Select("nosuch") }},
		{"Gemm short a", true, func() error { Gemm(false, false, 2, 2, 2, short, four, four, nil); return nil }},
		{"Gemm short c", true, func() error { Gemm(false, false, 2, 2, 2, four, four, short, nil); return nil }},
		{"Gemm negative m", true, func() error { Gemm(false, false, -1, 2, 2, four, four, four, nil); return nil }},
		{"Gemm negative k", true, func() error { Gemm(true, true, 2, 2, -2, four, four, four, nil); return nil }},
		{"Gemm nil", true, func() error { Gemm[float32](false, false, 2, 2, 2, nil, nil, nil, nil); return nil }},
		{"Gemm huge", true, func() error { Gemm(false, false, math.MaxInt/2, 3, 1, four, four, four, nil); return nil }},
		{"Axpy short y", true, func() error { Axpy(1, four, short); return nil }},
		{"Axpy NaN", false, func() error { Axpy(math.NaN(), four, four); return errReturned }},
		{"FirstNonFinite nil", false, func() error { FirstNonFinite[float32](nil); return errReturned }},
		{"Dgemm short", true, func() error {
			impl.Dgemm(gblas.NoTrans, gblas.NoTrans, 2, 2, 2, 1, short, 2, four, 2, 0, four, 2)
			return nil
		}},
		{"Sgemm bad lda", true, func() error {
			f := make([]float32, 4)
			impl.Sgemm(gblas.NoTrans, gblas.NoTrans, 2, 2, 2, 1, f, 1, f, 2, 0, f, 2)
			return nil
		}},
		{"Daxpy short", true, func() error { impl.Daxpy(4, 1, four, 1, short, 1); return nil }},
		{"Saxpy zero inc", true, func() error { f := make([]float32, 4); impl.Saxpy(4, 1, f, 0, f, 1); return nil }},
	} {
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
				if msg := fmt.Sprint(r); msg == "" || strings.Contains(msg, "index out of range") {
					t.Fatalf("panic %q, want a message", msg)
				}
			case c.panics:
				t.Fatalf("no panic (error %v), want a panic with a message", err)
			case err == nil:
				t.Fatalf("no error")
			}
		})
	}
}

// errReturned is what a case returns for a call with nothing to report.
var errReturned = fmt.Errorf("returned")
