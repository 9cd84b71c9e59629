//go:build unix

package outfile

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestLongName writes targets whose names are as long as the file system
// allows: the temporary file beside each must fit too, so the name the user
// gave is accepted, written and left alone by nothing but the rename.
func TestLongName(t *testing.T) {
	for _, n := range []int{245, 250, nameMax} {
		for _, unit := range []string{"x", "é"} { // one byte, two bytes a character
			dir := t.TempDir()
			name := strings.Repeat(unit, n/len(unit))
			target := filepath.Join(dir, name)
			tg, err := Check(target)
			if err != nil {
				t.Errorf("%d-byte name: Check: %v", len(name), err)
				continue
			}
			if err := tg.Write(nil, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
				t.Errorf("%d-byte name: Write: %v", len(name), err)
				continue
			}
			wantDir(t, dir, name)
			wantContent(t, target, "new")
		}
	}
}

// TestTempPatternLong checks that two long names that share their first 240
// bytes get temporary names that fit and differ, and that a short name keeps
// the readable pattern.
func TestTempPatternLong(t *testing.T) {
	a := strings.Repeat("a", 240) + "-first.json"
	b := strings.Repeat("a", 240) + "-second.json"
	pa, pb := tempPattern(a), tempPattern(b)
	for _, p := range []string{pa, pb} {
		if n := len(strings.Replace(p, "*", "4294967295", 1)); n > nameMax {
			t.Errorf("pattern %q makes names of %d bytes, more than %d", p, n, nameMax)
		}
	}
	if pa == pb {
		t.Errorf("two long names share the pattern %q", pa)
	}
	if got, want := tempPattern("/d/report.json"), ".report.json.tmp*"; got != want {
		t.Errorf("tempPattern = %q, want %q", got, want)
	}
}
