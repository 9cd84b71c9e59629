package mnist

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"outgrad/ops"
)

// ErrTooLarge is wrapped by the error of a run whose memory need exceeds what
// the machine has available.
var ErrTooLarge = errors.New("needs more memory than is available")

// availableMemory returns the memory this process may still use: the
// smaller of the machine's available memory (MemAvailable in /proc/meminfo)
// and a Go memory limit set with GOMEMLIMIT, or −1 when neither is known.
func availableMemory() int64 {
	avail := int64(-1)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) >= 2 && fields[0] == "MemAvailable:" {
				if kb, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
					avail = kb * 1024
				}
			}
		}
	}
	if lim := debug.SetMemoryLimit(-1); lim > 0 && lim < 1<<62 && (avail < 0 || lim < avail) {
		avail = lim
	}
	return avail
}

// CheckMemory refuses, with an error wrapping ErrTooLarge that gives the
// estimate, a run whose MemoryBytes exceeds the memory available to the
// process. Compare and SweepSeeds call it before allocating; a command can
// call it before loading the data.
func CheckMemory(c Config, elem, impls, test int) error {
	need := c.MemoryBytes(elem, impls, test)
	if avail := availableMemory(); avail >= 0 && need > avail {
		return fmt.Errorf("mnist: hidden %v, batch %d, %d training and %d test images %w: about %s, %s available",
			c.Hidden, c.Batch, c.TrainImages, test, ErrTooLarge, bytesString(need), bytesString(avail))
	}
	return nil
}

// bytesString prints a size in MB or GB.
func bytesString(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

// guard runs f and turns a panic in it into an error wrapping
// ops.ErrPanic: the sentinel the graph's ops wrap for a panic on the
// Gorgonia machine's own goroutine, so that one errors.Is finds a panic of
// any implementation or activation.
func guard(what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %w: %v", what, ops.ErrPanic, r)
		}
	}()
	return f()
}
