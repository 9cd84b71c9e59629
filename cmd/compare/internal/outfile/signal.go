package outfile

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// NotifyInterrupt returns a copy of parent that is cancelled when the process
// receives SIGINT, SIGTERM or SIGHUP (the terminal or the ssh session that
// ran it closed). On the first such signal it records it (sig returns it;
// nil before), calls g.Cleanup (if g is not nil) so that no temporary file
// stays and no target is replaced from then on, stops catching those
// signals, so that a second signal kills the process as usual, and cancels
// the context. The command then stops its work, prints one line and exits
// with ExitCode(sig()); it may call g.Cleanup again to learn whether every
// temporary file was removed. stop releases the signals and the one
// goroutine NotifyInterrupt starts; call it when the work is over, after the
// last write to standard output or error.
//
// Until stop, SIGPIPE is caught too and ignored: a write to a standard
// output or error whose reader has gone then fails with EPIPE, an error the
// command reports (see CheckedWriter), instead of killing the process
// silently before it has written its files (see os/signal, "SIGPIPE").
// Call NotifyInterrupt first thing, before the flags are read, so that no
// moment of the run is left to the signals' default action.
func NotifyInterrupt(parent context.Context, g *Guard) (ctx context.Context, stop func(), sig func() os.Signal) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	pipe := make(chan os.Signal, 1) // never read: a full channel drops the signal
	var got atomic.Value            // os.Signal
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	signal.Notify(pipe, syscall.SIGPIPE)
	go func() {
		select {
		case s := <-ch:
			got.Store(s)
			signal.Stop(ch)
			if g != nil {
				g.Cleanup()
			}
			cancel()
		case <-ctx.Done():
			signal.Stop(ch)
		}
	}()
	stop = func() {
		signal.Stop(ch)
		signal.Stop(pipe)
		cancel()
	}
	sig = func() os.Signal {
		s, _ := got.Load().(os.Signal)
		return s
	}
	return ctx, stop, sig
}

// ExitCode returns the exit status of a command stopped by sig: 128 plus the
// signal's number, as shells report a process killed by it, so 129 for
// SIGHUP, 130 for SIGINT and 143 for SIGTERM; 1 for a signal without a
// number (or nil).
func ExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
