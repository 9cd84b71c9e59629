package blas

import (
	"strings"
	"testing"
)

// TestCheckCoreType checks which OPENBLAS_CORETYPE values are refused on
// which CPUs: each core type needing a feature is refused without it and
// accepted with it, names are matched without regard to case, and names
// of the other architecture or unknown to the table are left to OpenBLAS.
func TestCheckCoreType(t *testing.T) {
	avx2 := cpuFeatures{arch: "amd64", avx: true, avx2: true, fma: true}
	avx512 := avx2
	avx512.avx512 = true
	bf16 := avx512
	bf16.avx512bf16 = true
	bulldozer := cpuFeatures{arch: "amd64", avx: true, fma4: true}
	old := cpuFeatures{arch: "amd64"}
	neon := cpuFeatures{arch: "arm64"}
	sve := cpuFeatures{arch: "arm64", sve: true}
	for _, c := range []struct {
		core string
		f    cpuFeatures
		want string // "" to accept, else a part of the error
	}{
		{"SkylakeX", avx2, "AVX-512"},
		{"skylakex", avx2, "AVX-512"},
		{" SKYLAKEX ", avx2, "AVX-512"},
		{"SkylakeX", avx512, ""},
		{"Cooperlake", avx512, "BF16"},
		{"SapphireRapids", avx512, "BF16"},
		{"Cooperlake", bf16, ""},
		{"Haswell", avx2, ""},
		{"Zen", avx2, ""},
		{"Haswell", old, "AVX2 and FMA"},
		{"Zen", bulldozer, "AVX2 and FMA"},
		{"Sandybridge", old, "AVX"},
		{"Sandybridge", avx2, ""},
		{"Piledriver", avx2, "FMA4"},
		{"Excavator", bulldozer, ""},
		{"Prescott", old, ""},
		{"Nehalem", old, ""},
		{"NoSuchCore", old, ""},
		{"", old, ""},
		{"NeoverseV1", neon, "SVE"},
		{"A64FX", neon, "SVE"},
		{"NeoverseV1", sve, ""},
		{"NeoverseN1", neon, ""},
		{"ARMV8", neon, ""},
		{"SkylakeX", neon, ""}, // not an arm64 core: OpenBLAS there does not know it
		{"NeoverseV1", old, ""},
	} {
		err := checkCoreType(c.core, c.f)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q on %+v: %v, want accepted", c.core, c.f, err)
		case c.want != "" && err == nil:
			t.Errorf("%q on %+v: accepted, want refused for %s", c.core, c.f, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("%q on %+v: %v, want it to name %s", c.core, c.f, err, c.want)
		}
	}
}

// TestCoreTypeRefused checks a process whose OPENBLAS_CORETYPE names
// kernels its CPU cannot run: AVX-512's, with AVX-512 switched off by
// GODEBUG. A forced OpenBLAS fails Init with the reason, and the automatic
// choice falls back to gonum, saying why; neither loads the kernels (which
// on a CPU without AVX-512 would die of SIGILL).
func TestCoreTypeRefused(t *testing.T) {
	if _, err := library(); err != nil {
		t.Skipf("no OpenBLAS here (install libopenblas0): %v", err)
	}
	env := []string{"OPENBLAS_CORETYPE=SkylakeX", "GODEBUG=cpu.avx512f=off"}
	got := child(t, append(env, EnvVar+"=openblas", "OUTGRAD_BLAS_TEST_INIT=1")...)
	if !strings.HasPrefix(got, "error: blas: OUTGRAD_BLAS: openblas unavailable: OPENBLAS_CORETYPE=SkylakeX names kernels that need AVX-512") {
		t.Errorf("forced OpenBLAS: %q", got)
	}
	got = child(t, append(env, EnvVar+"=auto")...)
	if !strings.HasPrefix(got, "gonum (pure Go; openblas unavailable: OPENBLAS_CORETYPE=SkylakeX") {
		t.Errorf("auto: %q", got)
	}
}
