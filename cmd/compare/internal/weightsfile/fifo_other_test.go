//go:build !unix

package weightsfile

import "errors"

// mkfifo fails: named pipes are a unix file type.
func mkfifo(string) error { return errors.ErrUnsupported }
