//go:build !unix

package outfile

import "os"

// accessWrite reports whether path may be written; where access(2) does not
// exist the opening of the temporary file in Check and Write is the test.
func accessWrite(path string) error { return nil }

// umask returns the usual mask, 022, where the system has none.
func umask() os.FileMode { return 0o022 }
