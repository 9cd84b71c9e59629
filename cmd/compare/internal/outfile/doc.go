// Package outfile writes the output files of a command so that no file is
// lost or replaced that must not be, and reads the command's interrupts and
// its standard output's write errors.
//
// The steps, in the order a command takes them:
//
//  1. Before any long work, Check each output path (a Target) and pass all
//     labelled paths, inputs included, to Distinct, so that a path that
//     cannot be written or two flags naming one file are refused at once,
//     not after training.
//  2. First thing, before the flags are read, NotifyInterrupt with a Guard:
//     on SIGINT, SIGTERM or SIGHUP the returned context is cancelled and the
//     Guard removes the temporary files being written; SIGPIPE is caught so
//     that a write to a closed standard output fails with EPIPE instead of
//     killing the process.
//  3. Target.Write each file: the content goes to a temporary file in the
//     target's directory, which is synced, given the mode the target has (or
//     0666 less the umask for a new file) and renamed over the target. A
//     failure of any kind, an interrupt included, removes the temporary file
//     and leaves the target as it was.
//  4. Wrap standard output in a CheckedWriter and, at the end, report its
//     Err ("write stdout: no space left on device") and exit non-zero.
//
// A command stopped by a signal exits with ExitCode(sig): 129 for SIGHUP, 130
// for SIGINT and 143 for SIGTERM, the 128+n the shells report for a process killed by
// signal n, after printing one line saying so. It exits rather than
// re-raising the signal so that its deferred cleanup and message always run.
//
// Writing by rename means a target's other hard links keep the old content,
// and a replaced file belongs to the user who wrote it (its permission bits
// are kept, its owner is not). A symbolic link is written through: the link
// stays and the file it finally names is replaced.
//
// The package starts no goroutine of its own and holds no mutable
// package-level state: the Guard and the CheckedWriter are values the
// command creates, and the one goroutine NotifyInterrupt starts ends with
// the stop function it returns.
package outfile
