package idx

import "errors"

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound reports a data directory or idx file that does not exist.
	ErrNotFound = errors.New("idx: not found")
	// ErrBadFile reports a file whose content is not a valid idx file: a
	// wrong magic number or shape, a header count out of range, a truncated
	// or corrupt file, trailing data, a label outside 0..9, or image and
	// label files that disagree on their count; also a path that is not a
	// regular file (a directory, a device, a FIFO).
	ErrBadFile = errors.New("idx: bad idx file")
	// ErrTooFew reports a valid file that declares fewer images or labels
	// than the caller asked for.
	ErrTooFew = errors.New("idx: fewer images than asked for")
)

// kindError is an error whose message is msg, which matches kind with
// errors.Is, and which wraps err (may be nil).
type kindError struct {
	kind error
	msg  string
	err  error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Unwrap() error        { return e.err }
func (e *kindError) Is(target error) bool { return target == e.kind }
