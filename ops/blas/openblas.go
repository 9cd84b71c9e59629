//go:build (linux || darwin) && (amd64 || arm64)

package blas

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
	"golang.org/x/sys/cpu"
)

// libraryNames are the names under which OpenBLAS is looked for, in order.
var libraryNames = map[string][]string{
	"linux": {"libopenblas.so.0", "libopenblas.so"},
	"darwin": {
		"libopenblas.dylib",
		"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
		"/usr/local/opt/openblas/lib/libopenblas.dylib",
	},
}[runtime.GOOS]

// openBLAS is a loaded OpenBLAS: the addresses of its Fortran routines,
// which take every argument by address and so are called with
// purego.SyscallN without cgo, and what it said about itself when loaded.
type openBLAS struct {
	dgemmFn, sgemmFn, daxpyFn, saxpyFn uintptr
	version, kernels                   string
	threads                            int
	// setThreads is openblas_set_num_threads, or 0; big is the thread count
	// for large products (see bigProduct), 0 to leave the count alone.
	setThreads uintptr
	big        int
	// threadsMu keeps products apart while the thread count is raised for a
	// large one: the count is OpenBLAS's, for the whole process, and a small
	// product run on two threads would sum in another order, so results
	// would depend on what ran at the same time. Large products hold it
	// exclusively, every other call shares it.
	threadsMu sync.RWMutex
	// args holds the argument blocks of the calls, reused so that a call
	// allocates nothing (a block must live on the heap while C reads it).
	args sync.Pool
}

// block returns an argument block for one call; put it back with l.args.Put.
func (l *openBLAS) block() *fortranArgs {
	if p, ok := l.args.Get().(*fortranArgs); ok {
		return p
	}
	return new(fortranArgs)
}

// loadOpenBLAS loads OpenBLAS, with two settings made for the load unless
// the user has made them:
//
//   - OPENBLAS_CORETYPE, the kernels that suit this CPU (see kernels);
//   - OPENBLAS_NUM_THREADS=1 (unless OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS
//     or OMP_NUM_THREADS is set). A training step's products are small (at
//     most 100×784·784×100) and share the cores with Go's own workers: on
//     two cores a second OpenBLAS thread made them slower and far more
//     variable when the machine was busy, its threads spinning. Large
//     products gain from it (the 10000-image evaluation), so a product of
//     at least 2²⁶ multiply-adds runs on two threads
//     (openblas_set_num_threads around the call; bigProduct): a thread
//     count the user set is kept for every product. bench/README.md has the
//     figures behind both choices. A product's last bits
//     can depend on OpenBLAS's thread count, so the count is a function of
//     the product's size alone, and no product runs while another has it
//     raised (threadsMu): concurrent trainings give the results of one
//     alone (TestDeterministicAndConcurrent in package mnist).
//
// OpenBLAS reads both with libc's getenv when it is loaded. os.Setenv
// reaches libc's environment both with cgo and without it (purego installs
// the same setenv hook as runtime/cgo); TestKernels checks it.
//
// A user's OPENBLAS_CORETYPE that names kernels this CPU cannot run is
// refused (checkCoreType): OpenBLAS would load them and die of SIGILL.
func loadOpenBLAS() (*openBLAS, error) {
	if v, set := os.LookupEnv("OPENBLAS_CORETYPE"); set {
		if err := checkCoreType(v, hostFeatures()); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	defer setForLoad("OPENBLAS_CORETYPE", kernels())()
	userThreads := anySet("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
	if !userThreads {
		defer setForLoad("OPENBLAS_NUM_THREADS", "1")()
	}
	var (
		h    uintptr
		errs []string
	)
	for _, name := range libraryNames {
		var err error
		if h, err = purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL); err == nil {
			break
		}
		errs = append(errs, err.Error())
	}
	if h == 0 {
		return nil, fmt.Errorf("%w: %s", ErrUnavailable, strings.Join(errs, "; "))
	}
	l := &openBLAS{}
	for _, f := range []struct {
		p    *uintptr
		name string
	}{{&l.dgemmFn, "dgemm_"}, {&l.sgemmFn, "sgemm_"}, {&l.daxpyFn, "daxpy_"}, {&l.saxpyFn, "saxpy_"}} {
		var err error
		if *f.p, err = purego.Dlsym(h, f.name); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	if sym, err := purego.Dlsym(h, "openblas_get_config"); err == nil {
		var config func() string
		purego.RegisterFunc(&config, sym)
		// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64"
		if f := strings.Fields(config()); len(f) > 1 {
			l.version = f[1]
		}
	}
	if sym, err := purego.Dlsym(h, "openblas_get_corename"); err == nil {
		var corename func() string
		purego.RegisterFunc(&corename, sym)
		l.kernels = corename()
	}
	if sym, err := purego.Dlsym(h, "openblas_get_num_threads"); err == nil {
		var threads func() int32
		purego.RegisterFunc(&threads, sym)
		l.threads = int(threads())
	}
	if sym, err := purego.Dlsym(h, "openblas_set_num_threads"); err == nil && bigThreads > 1 && !userThreads {
		l.setThreads, l.big = sym, bigThreads
	}
	return l, nil
}

// kernels names the OpenBLAS kernels for this CPU's vector units, or "" to
// leave the choice to OpenBLAS. The cpu package's checks include the OS's
// support for the registers.
func kernels() string {
	x := cpu.X86
	switch {
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL && x.HasAVX512CD:
		return "SkylakeX"
	case x.HasAVX2 && x.HasFMA:
		return "Haswell"
	}
	return ""
}

// describe says which OpenBLAS runs, with which kernels and threads.
func (l *openBLAS) describe() string {
	version, kernels := l.version, l.kernels
	if version == "" {
		version = "(version unknown)"
	}
	if kernels == "" {
		kernels = "unknown"
	}
	threads := fmt.Sprintf("%d threads", l.threads)
	if l.threads == 1 {
		threads = "1 thread"
		if l.big > 1 {
			threads = fmt.Sprintf("1 thread, %d for large products", l.big)
		}
	}
	return fmt.Sprintf("openblas %s (%s kernels, %s, loaded at run time)", version, kernels, threads)
}

// fortranArgs holds the scalars of one Fortran BLAS call, which takes them
// by address.
type fortranArgs struct {
	tA, tB                 byte
	m, n, k, lda, ldb, ldc int32
	inc                    [2]int32
	alpha, beta            float64
	salpha, sbeta          float32
	// call holds the arguments of SyscallN, so that passing them allocates
	// no slice.
	call [15]uintptr
}

// call15 calls fn with 15 arguments through p's argument array. Like
// purego.SyscallN it is go:uintptrescapes: the objects its callers convert
// to uintptr in the call stay on the heap and alive until it returns.
//
//go:uintptrescapes
//go:noinline
func call15(fn uintptr, p *fortranArgs, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15 uintptr) {
	p.call = [15]uintptr{a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15}
	purego.SyscallN(fn, p.call[:]...)
}

// call6 is call15 with 6 arguments.
//
//go:uintptrescapes
//go:noinline
func call6(fn uintptr, p *fortranArgs, a1, a2, a3, a4, a5, a6 uintptr) {
	p.call = [15]uintptr{a1, a2, a3, a4, a5, a6}
	purego.SyscallN(fn, p.call[:6]...)
}

func transChar(t bool) byte {
	if t {
		return 'T'
	}
	return 'N'
}

// dgemm computes the row-major C = α·op(A)·op(B) + β·C as the column-major
// Cᵀ = α·op(B)ᵀ·op(A)ᵀ + β·Cᵀ: the same memory, read by Fortran. Its
// arguments have been checked by gemmOK. The two trailing 1s are the lengths
// of the two character arguments in the Fortran calling convention.
func (l *openBLAS) dgemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := l.block()
	defer l.args.Put(p)
	defer l.leave(l.enter(m, n, k))
	*p = fortranArgs{tA: transChar(tB), tB: transChar(tA), m: int32(n), n: int32(m), k: int32(k),
		lda: int32(ldb), ldb: int32(lda), ldc: int32(ldc), alpha: alpha, beta: beta}
	call15(l.dgemmFn, p, uintptr(unsafe.Pointer(&p.tA)), uintptr(unsafe.Pointer(&p.tB)),
		uintptr(unsafe.Pointer(&p.m)), uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.k)),
		uintptr(unsafe.Pointer(&p.alpha)), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&p.lda)),
		uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&p.ldb)),
		uintptr(unsafe.Pointer(&p.beta)), uintptr(unsafe.Pointer(&c[0])), uintptr(unsafe.Pointer(&p.ldc)), 1, 1)
}

// bigProduct reports whether an m×n×k product is large enough for several
// threads: the 10000-image evaluation (10000×100×784) is, a training step's
// products (at most 100×100×784) are not.
func (l *openBLAS) bigProduct(m, n, k int) bool {
	return l.big > 1 && l.threads == 1 && int64(m)*int64(n)*int64(k) >= bigWork
}

// threadsFor sets OpenBLAS's thread count.
func (l *openBLAS) threadsFor(n int) { purego.SyscallN(l.setThreads, uintptr(n)) }

// enter prepares an m×n×k product and reports whether it is a large one:
// a large product takes threadsMu alone and runs on l.big threads, any other
// shares threadsMu, so that no product ever runs on a thread count raised
// for another. leave undoes it.
func (l *openBLAS) enter(m, n, k int) (big bool) {
	if l.bigProduct(m, n, k) {
		l.threadsMu.Lock()
		l.threadsFor(l.big)
		return true
	}
	l.threadsMu.RLock()
	return false
}

// leave ends what enter began: one thread again after a large product.
func (l *openBLAS) leave(big bool) {
	if big {
		l.threadsFor(1)
		l.threadsMu.Unlock()
		return
	}
	l.threadsMu.RUnlock()
}

// sgemm is dgemm in float32.
func (l *openBLAS) sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := l.block()
	defer l.args.Put(p)
	defer l.leave(l.enter(m, n, k))
	*p = fortranArgs{tA: transChar(tB), tB: transChar(tA), m: int32(n), n: int32(m), k: int32(k),
		lda: int32(ldb), ldb: int32(lda), ldc: int32(ldc), salpha: alpha, sbeta: beta}
	call15(l.sgemmFn, p, uintptr(unsafe.Pointer(&p.tA)), uintptr(unsafe.Pointer(&p.tB)),
		uintptr(unsafe.Pointer(&p.m)), uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.k)),
		uintptr(unsafe.Pointer(&p.salpha)), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(&p.lda)),
		uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&p.ldb)),
		uintptr(unsafe.Pointer(&p.sbeta)), uintptr(unsafe.Pointer(&c[0])), uintptr(unsafe.Pointer(&p.ldc)), 1, 1)
}

// daxpy computes y ← y + α·x; its arguments have been checked by axpyOK.
func (l *openBLAS) daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	p := l.block()
	defer l.args.Put(p)
	*p = fortranArgs{n: int32(n), inc: [2]int32{int32(incX), int32(incY)}, alpha: alpha}
	call6(l.daxpyFn, p, uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.alpha)),
		uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&p.inc[0])),
		uintptr(unsafe.Pointer(&y[0])), uintptr(unsafe.Pointer(&p.inc[1])))
}

// saxpy is daxpy in float32.
func (l *openBLAS) saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	p := l.block()
	defer l.args.Put(p)
	*p = fortranArgs{n: int32(n), inc: [2]int32{int32(incX), int32(incY)}, salpha: alpha}
	call6(l.saxpyFn, p, uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.salpha)),
		uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&p.inc[0])),
		uintptr(unsafe.Pointer(&y[0])), uintptr(unsafe.Pointer(&p.inc[1])))
}
