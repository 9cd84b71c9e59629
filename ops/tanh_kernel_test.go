package ops

import (
	"math"
	"os"
	"outgrad/ops/internal/kerneltest"
	"regexp"
	"strconv"
	"testing"
)

// TestTanhKernelBits checks that every vector kernel of this architecture
// that the CPU runs gives the bits of the scalar tanh for every input
// (random and edge values, NaNs kept as they are), computes the elements it
// says and writes no other; a kernel the CPU cannot run is skipped and
// named (GODEBUG=cpu.avx512f=off, or an emulator, makes one machine run the
// narrower ones).
func TestTanhKernelBits(t *testing.T) {
	if len(tanhImpls) == 0 {
		t.Skip("no vector kernels in this build: the scalar tanh computes every element")
	}
	xs := tanhTestInputs(1 << 18)
	xs = xs[:len(xs)&^7-1] // 7 more than a multiple of 8: a tail at every width
	for _, impl := range tanhImpls {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.ok {
				kerneltest.SkipUnrun(t, impl.name)
			}
			const sentinel = -12345.5
			ys := make([]float64, len(xs))
			for i := range ys {
				ys[i] = sentinel
			}
			n := impl.fn(ys, xs)
			if want := len(xs) &^ (impl.width - 1); n != want {
				t.Fatalf("the kernel computed %d of %d elements, want %d", n, len(xs), want)
			}
			for i := n; i < len(ys); i++ {
				if ys[i] != sentinel {
					t.Fatalf("the kernel wrote element %d, past the %d it computed", i, n)
				}
			}
			bad := 0
			for i, x := range xs[:n] {
				want := tanh(x)
				if math.Float64bits(ys[i]) != math.Float64bits(want) {
					if bad++; bad <= 10 {
						t.Errorf("kernel tanh(%v = %#x) = %v (%#x), scalar %v (%#x)",
							x, math.Float64bits(x), ys[i], math.Float64bits(ys[i]), want, math.Float64bits(want))
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d inputs differ", bad, n)
			}
		})
	}
}

// TestTanhKernelConstants checks the constant table of each assembly file
// against the constants of tanh, in table order, whatever the architecture
// the test runs on: a change of a coefficient's last bit may not show in
// any result.
func TestTanhKernelConstants(t *testing.T) {
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
	size := regexp.MustCompile(`(?m)^GLOBL tanhc<>\(SB\), RODATA\|NOPTR, \$(\d+)$`)
	for _, file := range []string{"tanh_amd64.s", "tanh_arm64.s"} {
		t.Run(file, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
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
			if g := size.FindStringSubmatch(string(src)); g == nil || g[1] != strconv.Itoa(8*len(want)) {
				t.Errorf("the table is not declared as %d bytes: %q", 8*len(want), g)
			}
		})
	}
}
