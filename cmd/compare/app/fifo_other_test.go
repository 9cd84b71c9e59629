//go:build !unix

package app

import "errors"

// mkfifo fails: named pipes are a unix file type.
func mkfifo(string) error { return errors.ErrUnsupported }
