package blas

import "os"

// setForLoad sets the environment variable name to value unless it is set
// or value is empty, and returns the function that unsets it again.
func setForLoad(name, value string) (restore func()) {
	if _, set := os.LookupEnv(name); set || value == "" {
		return func() {}
	}
	if err := os.Setenv(name, value); err != nil {
		return func() {}
	}
	return func() { os.Unsetenv(name) }
}

// anySet reports whether any of the environment variables is set.
func anySet(names ...string) bool {
	for _, n := range names {
		if _, set := os.LookupEnv(n); set {
			return true
		}
	}
	return false
}
