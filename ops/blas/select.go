package blas

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// EnvVar is the environment variable that chooses the backend: "auto"
// (the default), "gonum" or "openblas".
const EnvVar = "OUTGRAD_BLAS"

// The choices accepted by [Select] and in [EnvVar].
const (
	// Auto runs on OpenBLAS if it loads, else on gonum.
	Auto = "auto"
	// Gonum runs on gonum's pure Go BLAS.
	Gonum = "gonum"
	// OpenBLAS runs on OpenBLAS, loaded at run time, or fails.
	OpenBLAS = "openblas"
)

// ErrChoice is returned for a choice other than [Auto], [Gonum] or [OpenBLAS].
var ErrChoice = errors.New("unknown choice")

// ErrUnavailable is returned when OpenBLAS was asked for and cannot be loaded.
var ErrUnavailable = errors.New("openblas unavailable")

// current is the backend in use; nil until the first choice.
var current atomic.Pointer[backend]

// lazy makes the first choice, from [EnvVar], for a program that did not.
var lazy sync.Once

// Select chooses the backend: [Auto], [Gonum] or [OpenBLAS] (case is
// ignored; the empty string means Auto). A forced OpenBLAS that cannot load
// returns an error wrapping [ErrUnavailable] and leaves the backend as it
// was; an unknown choice returns an error wrapping [ErrChoice]. The choice
// may change between calls; calls already running finish on the old backend.
func Select(choice string) error {
	be, err := choose(choice)
	if err != nil {
		return fmt.Errorf("blas: %w", err)
	}
	current.Store(be)
	return nil
}

// Init chooses the backend from [EnvVar], as [Select] does; a command calls
// it at start to report a bad value or an OpenBLAS that was asked for and
// cannot load. Without it, the first call that needs a backend chooses from
// EnvVar too, but falls back to gonum on any error.
func Init() error {
	be, err := choose(os.Getenv(EnvVar))
	if err != nil {
		return fmt.Errorf("blas: %s: %w", EnvVar, err)
	}
	current.Store(be)
	return nil
}

// Name describes the backend in use, for example
// "openblas 0.3.21 (SkylakeX kernels, 2 threads, loaded at run time)" or
// "gonum (pure Go; openblas unavailable: ...)". It chooses one first if
// none has been chosen.
func Name() string { return active().name }

// active returns the backend in use, choosing it from EnvVar on first use.
func active() *backend {
	if be := current.Load(); be != nil {
		return be
	}
	lazy.Do(func() {
		be, err := choose(os.Getenv(EnvVar))
		if err != nil {
			be = &backend{name: fmt.Sprintf("gonum (pure Go; %s: %v)", EnvVar, err)}
		}
		current.CompareAndSwap(nil, be)
	})
	return current.Load()
}

// choose builds the backend for choice.
func choose(choice string) (*backend, error) {
	switch strings.ToLower(strings.TrimSpace(choice)) {
	case "", Auto:
		lib, err := library()
		if err != nil {
			return &backend{name: fmt.Sprintf("gonum (pure Go; %v)", err)}, nil
		}
		return &backend{name: lib.describe(), lib: lib}, nil
	case Gonum:
		return &backend{name: "gonum (pure Go)"}, nil
	case OpenBLAS:
		lib, err := library()
		if err != nil {
			return nil, err
		}
		return &backend{name: lib.describe(), lib: lib}, nil
	}
	return nil, fmt.Errorf("%w %q, want auto, gonum or openblas", ErrChoice, choice)
}

// libOnce loads OpenBLAS at most once per process.
var (
	libOnce sync.Once
	lib     *openBLAS
	libErr  error
)

// library returns OpenBLAS, loading it on the first call.
func library() (*openBLAS, error) {
	libOnce.Do(func() { lib, libErr = loadOpenBLAS() })
	return lib, libErr
}
