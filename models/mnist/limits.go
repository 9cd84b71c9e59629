package mnist

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"outgrad/graph"
	"runtime/debug"
	"strconv"
	"strings"
)

// ErrTooLarge is wrapped by the error of a run whose memory need exceeds what
// the machine has available.
var ErrTooLarge = errors.New("needs more memory than is available")

// ErrPanic is wrapped by the error of a call during which an implementation
// or an activation panicked: the panic is turned into an error of the call
// that ran it. It is graph.ErrPanic, which the graph's ops return for a
// panic on the Gorgonia machine's own goroutine.
var ErrPanic = graph.ErrPanic

// MemoryBytes estimates the memory a run of c needs with impls
// implementations trained at once, elem bytes per value (8 for float64, 4
// for float32) and test images evaluated: per implementation, its weights,
// gradients and a copy for the update or the graph (×3), the activations and
// deltas of one batch (×4), one batch of inputs in size (Gorgonia's built-in
// matrix product also computes the gradient of its input), and the
// evaluation of one block of EvalBlock test images; and, once, the training
// and test images and labels as the bytes Data holds, as floats one batch
// with its targets and one block of test images (the conversions the
// trainer keeps), and the float64 copy of one batch of inputs that the
// gradient checks take. It counts what the run holds at once, erring on
// the side of more; the garbage the collector has yet to reclaim comes on
// top.
func (c Config) MemoryBytes(elem, impls, test int) int64 {
	sizes := c.Sizes()
	var weights, units int64
	for i := 0; i+1 < len(sizes); i++ {
		weights += int64(sizes[i]) * int64(sizes[i+1])
	}
	for _, s := range sizes[1:] {
		units += int64(s)
	}
	block := int64(min(max(test, 1), EvalBlock))
	per := 3*weights + int64(c.Batch)*(4*units+Pixels) + 2*block*units
	floats := int64(c.Batch)*(Pixels+Classes) + block*Pixels
	data := (int64(c.TrainImages) + int64(test)) * (Pixels + 1)
	checks := 8 * int64(c.Batch) * Pixels
	return int64(elem)*(int64(max(impls, 1))*per+floats) + data + checks
}

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

// guard runs f and turns a panic in it into an error wrapping ErrPanic.
func guard(what string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %w: %v", what, ErrPanic, r)
		}
	}()
	return f()
}
