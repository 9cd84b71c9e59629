//go:build unix

package outfile

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// accessWrite reports whether the real user may write path (access(2) W_OK).
// The real and effective users are the same for a command that is not
// set-user-ID. Unlike opening the file, it does not wake programs watching
// the file for writes.
func accessWrite(path string) error {
	return syscall.Access(path, 2) // W_OK
}

// umask returns the process's file mode creation mask. It reads the
// "Umask:" line of /proc/self/status (Linux 4.7 and later), which leaves the
// mask untouched. Elsewhere it falls back to setting the mask to 0 and back:
// a file another goroutine creates in that instant gets mode 0666, so the
// fallback is only taken where /proc does not tell.
func umask() os.FileMode {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for line := range bytes.Lines(b) {
			if v, ok := bytes.CutPrefix(line, []byte("Umask:")); ok {
				if m, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 32); err == nil {
					return os.FileMode(m) & os.ModePerm
				}
			}
		}
	}
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m) & os.ModePerm
}
