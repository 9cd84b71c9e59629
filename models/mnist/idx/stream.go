package idx

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Markers the gzip layer returns; decoder.fail turns them into messages.
var (
	errGzipTruncated = errors.New("gzip data truncated")
	errGzipTrailing  = errors.New("trailing data after the gzip stream")
)

// source records the first error other than io.EOF of the file it reads, so
// that a failing disk is reported as an I/O error and not as a bad file.
type source struct {
	r   io.Reader
	err error
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// decoder reads the content of one idx file, gunzipped if it starts with the
// gzip magic bytes 0x1f 0x8b.
type decoder struct {
	name string  // the file named in errors
	src  *source // the file's bytes
	r    io.Reader
	// rawSize is the size of a raw (not gzipped) regular file, −1 when
	// unknown. The content can hold no more, so it bounds the payload.
	rawSize int64
}

func newDecoder(r io.Reader, name string) (*decoder, error) {
	d := &decoder{name: name, src: &source{r: r}, rawSize: -1}
	br := bufio.NewReader(d.src)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		// Not gzip, or too short for gzip: the header read reports a short file.
		d.r = br
		if f, ok := r.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				d.rawSize = fi.Size()
			}
		}
		return d, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, d.fail("gzip header", err)
	}
	zr.Multistream(false)
	d.r = &gzipReader{zr: zr, br: br}
	return d, nil
}

// fail describes err, returned while reading what (e.g. "header"). An error
// of the underlying file is wrapped as is; anything else — corrupt or
// truncated gzip data, trailing data — is an ErrBadFile. A clean end of the
// content (io.EOF, io.ErrUnexpectedEOF from a raw file) is the caller's to
// describe and must not reach fail.
func (d *decoder) fail(what string, err error) error {
	if d.src.err != nil {
		return fmt.Errorf("idx: read %s: %s: %w", d.name, what, d.src.err)
	}
	return &kindError{ErrBadFile, fmt.Sprintf("idx: read %s: %s: %v", d.name, what, err), err}
}

// bad returns an ErrBadFile error naming the file.
func (d *decoder) bad(format string, a ...any) error {
	return &kindError{ErrBadFile, fmt.Sprintf("idx: read %s: ", d.name) + fmt.Sprintf(format, a...), nil}
}

// clean reports whether err is the content ending early rather than a
// failure of the file or the decompressor.
func (d *decoder) clean(err error) bool {
	return d.src.err == nil && (err == io.EOF || err == io.ErrUnexpectedEOF)
}

// atEnd checks that the content holds no byte beyond what has been read
// (for gzip this also verifies the stream's checksum and that nothing follows
// it); what names the part just read.
func (d *decoder) atEnd(what string) error {
	var one [1]byte
	n, err := io.ReadFull(d.r, one[:])
	switch {
	case n == 1:
		return d.bad("trailing data after the %s the header declares", what)
	case err == io.EOF:
		return nil
	default:
		return d.fail("end of file", err)
	}
}

// gzipReader reads a gzip file member by member. A member that ends early
// is errGzipTruncated (gzip says only "unexpected EOF"); bytes after the last
// member that do not start another member are errGzipTrailing (gzip would
// call them truncated or an invalid header).
type gzipReader struct {
	zr *gzip.Reader
	br *bufio.Reader
}

func (g *gzipReader) Read(p []byte) (int, error) {
	for {
		n, err := g.zr.Read(p)
		switch err {
		case nil:
			return n, nil
		case io.ErrUnexpectedEOF:
			return n, errGzipTruncated
		case io.EOF: // end of a member, checksum verified
		default:
			return n, err
		}
		next, perr := g.br.Peek(2)
		switch {
		case len(next) == 0 && perr == io.EOF:
			return n, io.EOF
		case len(next) == 2 && next[0] == 0x1f && next[1] == 0x8b:
			if err := g.zr.Reset(g.br); err != nil {
				if err == io.EOF || err == io.ErrUnexpectedEOF {
					err = errGzipTruncated
				}
				return n, err
			}
			g.zr.Multistream(false)
		case perr != nil && perr != io.EOF:
			return n, perr
		default:
			return n, errGzipTrailing
		}
		if n > 0 {
			return n, nil
		}
	}
}
