//go:build openblas

package graph

/*
#cgo LDFLAGS: -Wl,--as-needed -lopenblas -Wl,--no-as-needed -ldl
#include <dlfcn.h>
#include <stdlib.h>

enum { rowMajor = 101, noTrans = 111, trans = 112 };

typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int,
	const double *, int, double, double *, int);
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
	const float *, int, float, float *, int);
typedef void (*daxpy_fn)(int, double, const double *, int, double *, int);
typedef void (*saxpy_fn)(int, float, const float *, int, float *, int);
typedef char *(*corename_fn)(void);
typedef int (*threads_fn)(void);

static dgemm_fn ob_dgemm;
static sgemm_fn ob_sgemm;
static daxpy_fn ob_daxpy;
static saxpy_fn ob_saxpy;
static corename_fn ob_corename;
static threads_fn ob_threads;

// ob_kernels names the OpenBLAS kernels for this CPU's vector units, or NULL
// to leave the choice to OpenBLAS. libgcc's checks include the OS's support.
static const char *ob_kernels(void) {
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		__builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
		__builtin_cpu_supports("avx512cd"))
		return "SkylakeX";
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		return "Haswell";
	return NULL;
}

// ob_load loads OpenBLAS, with OPENBLAS_CORETYPE set to kernels for the
// duration of the load unless the user has set it. It returns NULL or an
// error message.
static const char *ob_load(const char *kernels) {
	int set = kernels != NULL && getenv("OPENBLAS_CORETYPE") == NULL;
	if (set)
		setenv("OPENBLAS_CORETYPE", kernels, 1);
	void *h = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
	if (set)
		unsetenv("OPENBLAS_CORETYPE");
	if (h == NULL)
		return dlerror();
	ob_dgemm = (dgemm_fn)dlsym(h, "cblas_dgemm");
	ob_sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
	ob_daxpy = (daxpy_fn)dlsym(h, "cblas_daxpy");
	ob_saxpy = (saxpy_fn)dlsym(h, "cblas_saxpy");
	ob_corename = (corename_fn)dlsym(h, "openblas_get_corename");
	ob_threads = (threads_fn)dlsym(h, "openblas_get_num_threads");
	if (ob_dgemm == NULL || ob_sgemm == NULL || ob_daxpy == NULL || ob_saxpy == NULL)
		return "libopenblas.so.0 lacks one of cblas_dgemm, cblas_sgemm, cblas_daxpy, cblas_saxpy";
	return NULL;
}

static const char *ob_core(void) { return ob_corename ? ob_corename() : "unknown"; }
static int ob_nthreads(void) { return ob_threads ? ob_threads() : 0; }

static void ob_daxpy_call(int n, double a, const double *x, int incx, double *y, int incy) {
	ob_daxpy(n, a, x, incx, y, incy);
}

static void ob_saxpy_call(int n, float a, const float *x, int incx, float *y, int incy) {
	ob_saxpy(n, a, x, incx, y, incy);
}

static void ob_dgemm_call(int tA, int tB, int m, int n, int k, double alpha, const double *a, int lda,
	const double *b, int ldb, double beta, double *c, int ldc) {
	ob_dgemm(rowMajor, tA ? trans : noTrans, tB ? trans : noTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void ob_sgemm_call(int tA, int tB, int m, int n, int k, float alpha, const float *a, int lda,
	const float *b, int ldb, float beta, float *c, int ldc) {
	ob_sgemm(rowMajor, tA ? trans : noTrans, tB ? trans : noTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// Backend names the BLAS that Gemm calls.
const Backend = "openblas"

// transposeFirst says whether Gemm copies a transposed operand first.
const transposeFirst = false

// BLAS describes the BLAS in use: OpenBLAS's kernel set and thread count.
func BLAS() string {
	return fmt.Sprintf("openblas (%s kernels, %d threads)", C.GoString(C.ob_core()), int(C.ob_nthreads()))
}

func cbool(t bool) C.int {
	if t {
		return 1
	}
	return 0
}

func gemm64(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	C.ob_dgemm_call(cbool(tA), cbool(tB), C.int(m), C.int(n), C.int(k),
		1, (*C.double)(&a[0]), C.int(lda), (*C.double)(&b[0]), C.int(ldb), 0, (*C.double)(&c[0]), C.int(n))
}

func gemm32(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(c[:m*n])
		return
	}
	C.ob_sgemm_call(cbool(tA), cbool(tB), C.int(m), C.int(n), C.int(k),
		1, (*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb), 0, (*C.float)(&c[0]), C.int(n))
}

// openBLAS is gonum's BLAS with the two GEMMs replaced by OpenBLAS's, the
// products that dominate every network here. Installed for gonum (blas64,
// blas32), and for Gorgonia and tensor (gorgonia.Use), so that Gorgonia's own
// matrix products (gorgonia.Mul, used by graphs built from its built-in ops)
// run on the same BLAS as Gemm.
type openBLAS struct{ gonum.Implementation }

func (openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.ob_dgemm_call(cbool(tA == blas.Trans), cbool(tB == blas.Trans), C.int(m), C.int(n), C.int(k),
		C.double(alpha), (*C.double)(&a[0]), C.int(lda), (*C.double)(&b[0]), C.int(ldb), C.double(beta), (*C.double)(&c[0]), C.int(ldc))
}

func (openBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.ob_sgemm_call(cbool(tA == blas.Trans), cbool(tB == blas.Trans), C.int(m), C.int(n), C.int(k),
		C.float(alpha), (*C.float)(&a[0]), C.int(lda), (*C.float)(&b[0]), C.int(ldb), C.float(beta), (*C.float)(&c[0]), C.int(ldc))
}

// Daxpy is OpenBLAS's y ← y + α·x, for the weight updates. Its kernels may fuse
// the multiply and the add, so it can differ from gonum's in the last bit, as
// OpenBLAS's GEMM differs from gonum's in its order of summation.
func (openBLAS) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if n <= 0 || alpha == 0 || incX <= 0 || incY <= 0 || len(x) <= (n-1)*incX || len(y) <= (n-1)*incY {
		gonum.Implementation{}.Daxpy(n, alpha, x, incX, y, incY) // its checks and panics
		return
	}
	C.ob_daxpy_call(C.int(n), C.double(alpha), (*C.double)(&x[0]), C.int(incX), (*C.double)(&y[0]), C.int(incY))
}

// Saxpy is Daxpy in float32.
func (openBLAS) Saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	if n <= 0 || alpha == 0 || incX <= 0 || incY <= 0 || len(x) <= (n-1)*incX || len(y) <= (n-1)*incY {
		gonum.Implementation{}.Saxpy(n, alpha, x, incX, y, incY)
		return
	}
	C.ob_saxpy_call(C.int(n), C.float(alpha), (*C.float)(&x[0]), C.int(incX), (*C.float)(&y[0]), C.int(incY))
}

// The openblas build loads OpenBLAS and switches every BLAS user in the
// process to it at start-up: a build tag is a process-wide choice, so this is
// the one place for it.
//
// OpenBLAS picks its kernels when it is loaded, from the CPU model it knows.
// Debian's 0.3.21 does not know recent Xeons and falls back to its Prescott
// (SSE3) kernels, at a third of the speed. So OpenBLAS is loaded here, after
// the program starts, with OPENBLAS_CORETYPE chosen from the CPU's features
// (SkylakeX for AVX-512, Haswell for AVX2 with FMA) unless the user set it.
// The link with -lopenblas only checks at build time that the library is
// there. If it cannot be loaded at run time the program cannot run as built,
// as with a missing shared library, and init panics saying so.
func init() {
	if msg := C.ob_load(C.ob_kernels()); msg != nil {
		panic(fmt.Sprintf("graph: built with -tags openblas, but cannot load OpenBLAS: %s (install libopenblas-dev, or build without the tag)", C.GoString(msg)))
	}
	blas64.Use(openBLAS{})
	blas32.Use(openBLAS{})
	gorgonia.Use(openBLAS{})
}
