package blas

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// cpuFeatures are the CPU features that OpenBLAS's kernels for a core
// type use, as this process sees them: golang.org/x/sys/cpu's, which
// honour GODEBUG=cpu.avx512f=off and the like, so a feature switched off
// for the process is off for OpenBLAS's choice too.
type cpuFeatures struct {
	arch                 string
	avx, avx2, fma, fma4 bool
	avx512, avx512bf16   bool // avx512: F, BW, DQ, VL and CD, SkylakeX's set
	sve                  bool
}

// hostFeatures returns this CPU's features.
func hostFeatures() cpuFeatures {
	x := cpu.X86
	return cpuFeatures{
		arch: runtime.GOARCH,
		avx:  x.HasAVX, avx2: x.HasAVX2, fma: x.HasFMA, fma4: hasFMA4(),
		avx512:     x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL && x.HasAVX512CD,
		avx512bf16: x.HasAVX512BF16,
		sve:        cpu.ARM64.HasSVE,
	}
}

// hasFMA4 reports whether the CPU has AMD's FMA4, which the cpu package
// does not say: Linux lists it among the flags of /proc/cpuinfo.
func hasFMA4() bool {
	if runtime.GOARCH != "amd64" || runtime.GOOS != "linux" {
		return false
	}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, flags, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			return strings.Contains(" "+flags+" ", " fma4 ")
		}
	}
	return false
}

// coreNeed is what the kernels of a group of OpenBLAS core types need.
type coreNeed struct {
	arch  string
	names []string // OPENBLAS_CORETYPE values, lower case
	what  string   // the features, as a person reads them
	have  func(cpuFeatures) bool
}

// coreNeeds lists the OpenBLAS core types whose kernels use instructions
// that not every CPU of their architecture has. The older x86 cores
// (Prescott … Nehalem) need at most SSE4.2, which every CPU Go runs on
// with these packages has, and plain ARMv8 cores need only ASIMD.
var coreNeeds = []coreNeed{
	{"amd64", []string{"sandybridge"}, "AVX",
		func(f cpuFeatures) bool { return f.avx }},
	{"amd64", []string{"haswell", "zen"}, "AVX2 and FMA",
		func(f cpuFeatures) bool { return f.avx2 && f.fma }},
	{"amd64", []string{"skylakex"}, "AVX-512 (F, BW, DQ, VL, CD)",
		func(f cpuFeatures) bool { return f.avx512 }},
	{"amd64", []string{"cooperlake", "sapphirerapids"}, "AVX-512 (F, BW, DQ, VL, CD) and AVX-512 BF16",
		func(f cpuFeatures) bool { return f.avx512 && f.avx512bf16 }},
	{"amd64", []string{"bulldozer", "piledriver", "steamroller", "excavator"}, "AVX and AMD's FMA4",
		func(f cpuFeatures) bool { return f.avx && f.fma4 }},
	{"arm64", []string{"neoversev1", "neoversen2", "neoversev2", "a64fx", "armv8sve", "cortexa510", "cortexa710", "cortexx2"}, "SVE",
		func(f cpuFeatures) bool { return f.sve }},
}

// checkCoreType returns an error when OPENBLAS_CORETYPE's value names
// kernels that use instructions the CPU lacks: OpenBLAS would load them
// and die of SIGILL at the first product. A name it does not know is left
// to OpenBLAS, which ignores it.
func checkCoreType(value string, f cpuFeatures) error {
	name := strings.ToLower(strings.TrimSpace(value))
	for _, n := range coreNeeds {
		if n.arch != f.arch {
			continue
		}
		for _, c := range n.names {
			if c == name && !n.have(f) {
				return fmt.Errorf("OPENBLAS_CORETYPE=%s names kernels that need %s, which this CPU does not have (or GODEBUG switched off)", value, n.what)
			}
		}
	}
	return nil
}
