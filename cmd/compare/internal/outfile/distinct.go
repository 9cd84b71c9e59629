package outfile

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// ErrSameFile is wrapped by the error of Distinct when two labelled paths
// name one file.
var ErrSameFile = errors.New("name the same file")

// Distinct refuses labelled paths of which two name the same file, such as
// {"-json": "x", "-save": "./x"} or an input "-load" that is also an output.
// Paths are compared by what they finally name: two existing files by
// identity (os.SameFile: hard links, "./x" and "x", and symbolic links to x
// are caught), files that do not exist yet by their absolute path with every
// symbolic link followed (a case-insensitive file system's two spellings of
// a new file are not caught). Empty paths, flags not given, are skipped. The
// error names both labels, both paths and the file, wraps ErrSameFile, and is
// the first pair in label order, so it does not depend on map order.
func Distinct(paths map[string]string) error {
	type named struct {
		label, path, resolved string
		info                  os.FileInfo
	}
	var ns []named
	for _, label := range slices.Sorted(maps.Keys(paths)) {
		p := paths[label]
		if p == "" {
			continue
		}
		r, info, err := resolve(p)
		if err != nil {
			// A path that does not resolve (its directory is missing) is
			// compared by its absolute path; Check or the read reports it.
			if r, err = filepath.Abs(p); err != nil {
				r = filepath.Clean(p)
			}
			info = nil
		}
		ns = append(ns, named{label, p, r, info})
	}
	for i, a := range ns {
		for _, b := range ns[i+1:] {
			same := a.resolved == b.resolved
			if a.info != nil && b.info != nil {
				same = os.SameFile(a.info, b.info)
			}
			if same {
				return fmt.Errorf("outfile: %s %s and %s %s %w %s", a.label, a.path, b.label, b.path, ErrSameFile, a.resolved)
			}
		}
	}
	return nil
}
