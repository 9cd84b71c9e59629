//go:build unix

package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDistinct(t *testing.T) {
	for _, c := range []struct {
		name string
		// setup makes the files in dir and returns the labelled paths, given
		// relative to dir (Distinct runs in dir), and the names dir must
		// hold afterwards.
		setup func(t *testing.T, dir string) (map[string]string, []string)
		msg   string // wanted substring of the error; "" for no error
	}{
		{
			name: "distinct new and existing files",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				writeFile(t, dir, "w", "w", 0o644)
				return map[string]string{"-json": "a.json", "-save": "w2", "-load": "w", "-plot": ""}, []string{"w"}
			},
		},
		{
			name: "unset flags",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				return map[string]string{"-json": "", "-save": ""}, nil
			},
		},
		{
			name: "new file by two spellings",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				return map[string]string{"-json": "x", "-save": "./x"}, nil
			},
			msg: "-json x and -save ./x name the same file /",
		},
		{
			name: "input is an output",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				writeFile(t, dir, "x", "w", 0o644)
				return map[string]string{"-load": "x", "-json": "x"}, []string{"x"}
			},
			msg: "-json x and -load x name the same file",
		},
		{
			name: "hard link",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				writeFile(t, dir, "x", "w", 0o644)
				if err := os.Link(filepath.Join(dir, "x"), filepath.Join(dir, "y")); err != nil {
					t.Fatal(err)
				}
				return map[string]string{"-save": "x", "-weights": "y"}, []string{"x", "y"}
			},
			msg: "-save x and -weights y name the same file",
		},
		{
			name: "symlink to an existing file",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				writeFile(t, dir, "x", "w", 0o644)
				os.Symlink("x", filepath.Join(dir, "l"))
				return map[string]string{"-load": "l", "-save": "x"}, []string{"l", "x"}
			},
			msg: "-load l and -save x name the same file",
		},
		{
			name: "dangling symlink to a new file",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				os.Symlink("x", filepath.Join(dir, "l"))
				return map[string]string{"-csv": "l", "-json": "sub/../x"}, []string{"l"}
			},
			msg: "-csv l and -json sub/../x name the same file",
		},
		{
			name: "same name in two directories",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				os.Mkdir(filepath.Join(dir, "d"), 0o755)
				return map[string]string{"-json": "x", "-save": "d/x"}, []string{"d"}
			},
		},
		{
			name: "missing directory, same path",
			setup: func(t *testing.T, dir string) (map[string]string, []string) {
				return map[string]string{"-json": "no/x", "-save": "no/./x"}, nil
			},
			msg: "-json no/x and -save no/./x name the same file",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			paths, names := c.setup(t, dir)
			err := Distinct(paths)
			if c.msg == "" {
				if err != nil {
					t.Errorf("Distinct = %v, want nil", err)
				}
			} else if !errors.Is(err, ErrSameFile) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("Distinct = %v, want ErrSameFile and %q", err, c.msg)
			}
			wantDir(t, dir, names...)
		})
	}
}
