//go:build !noasm

package ops

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestTanhKernelBits checks that the AVX-512 kernel gives the bits of the
// scalar tanh for every input: random and edge values, NaNs kept as they are.
func TestTanhKernelBits(t *testing.T) {
	if !haveTanhAVX512 {
		t.Skip("no AVX-512 here")
	}
	xs := tanhTestInputs(1 << 18)
	xs = xs[:len(xs)&^7]
	ys := make([]float64, len(xs))
	tanhAVX512(&ys[0], &xs[0], len(xs))
	bad := 0
	for i, x := range xs {
		want := tanh(x)
		if math.Float64bits(ys[i]) != math.Float64bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("kernel tanh(%v = %#x) = %v (%#x), scalar %v (%#x)",
					x, math.Float64bits(x), ys[i], math.Float64bits(ys[i]), want, math.Float64bits(want))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d inputs differ", bad, len(xs))
	}
}

// TestTanhKernelConstants checks the kernel's constant table in
// tanh_amd64.s against the constants of tanh, in table order: a change of a
// coefficient's last bit may not show in any result.
func TestTanhKernelConstants(t *testing.T) {
	src, err := os.ReadFile("tanh_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	want := []uint64{
		1<<63 - 1,
		math.Float64bits(tanhP0), math.Float64bits(tanhP1), math.Float64bits(tanhP2),
		math.Float64bits(tanhQ0), math.Float64bits(tanhQ1), math.Float64bits(tanhQ2),
		math.Float64bits(tanhSmall), math.Float64bits(tanhBig),
		math.Float64bits(tanhLog2e), math.Float64bits(tanhShifter),
		math.Float64bits(tanhLn2Hi), math.Float64bits(tanhLn2Lo),
		math.Float64bits(1), math.Float64bits(2), 1023,
		math.Float64bits(tanhE13), math.Float64bits(tanhE12), math.Float64bits(tanhE11),
		math.Float64bits(tanhE10), math.Float64bits(tanhE9), math.Float64bits(tanhE8),
		math.Float64bits(tanhE7), math.Float64bits(tanhE6), math.Float64bits(tanhE5),
		math.Float64bits(tanhE4), math.Float64bits(tanhE3), math.Float64bits(tanhE2),
	}
	re := regexp.MustCompile(`(?m)^DATA tanhc<>\+(\d+)\(SB\)/8, \$0x([0-9a-f]{16})`)
	m := re.FindAllStringSubmatch(string(src), -1)
	if len(m) != len(want) {
		t.Fatalf("%d constants in the table, want %d", len(m), len(want))
	}
	for i, d := range m {
		off, _ := strconv.Atoi(d[1])
		v, _ := strconv.ParseUint(d[2], 16, 64)
		if off != 8*i || v != want[i] {
			t.Errorf("table entry %d: offset %d value %#x, want offset %d value %#x", i, off, v, 8*i, want[i])
		}
	}
}
