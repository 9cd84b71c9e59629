package app

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"outgrad/cmd/compare/internal/weightsfile"
	"outgrad/models/mnist/idx"
)

// fixture is a directory of files a hostile case starts from.
type fixture struct {
	dir  string
	data string // an MNIST directory: links to the real files, some replaced
}

// path returns name inside the fixture directory.
func (f fixture) path(name string) string { return filepath.Join(f.dir, name) }

// newFixture makes a directory with a regular file keep.txt, a symlink
// link.bin → target.bin (absent), a FIFO, a 784×100/100×10 weights file, the
// same with a NaN (and a valid checksum), a truncated one (all three trained
// with tanh and softmax, the defaults), and an MNIST directory whose files
// link to the real ones.
func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{dir: t.TempDir()}
	write := func(name string, b []byte) {
		if err := os.WriteFile(f.path(name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("keep.txt", []byte("keep me\n"))
	if err := os.Symlink("target.bin", f.path("link.bin")); err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(f.path("fifo")); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("the fixture needs a named pipe (unix)")
	} else if err != nil {
		t.Fatal(err)
	}
	w := weightsfile.Weights{Dtype: "float64", HiddenActs: []string{"tanh"}, Output: "softmax", Layers: []weightsfile.Matrix{
		{Rows: 784, Cols: 100, Data: make([]float64, 78400)},
		{Rows: 100, Cols: 10, Data: make([]float64, 1000)},
	}}
	for i := range w.Layers[0].Data {
		w.Layers[0].Data[i] = 0.001 * float64(i%7)
	}
	w.Layers[0].Data[0] = 0.123456789
	good, err := weightsfile.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	write("good.bin", good)
	write("short.bin", good[:len(good)/2])
	bad := append([]byte(nil), good...)
	var sentinel [8]byte
	binary.LittleEndian.PutUint64(sentinel[:], math.Float64bits(0.123456789))
	at := bytes.Index(bad, sentinel[:])
	if at < 0 {
		t.Fatal("sentinel weight not found")
	}
	binary.LittleEndian.PutUint64(bad[at:], math.Float64bits(math.NaN()))
	binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.ChecksumIEEE(bad[:len(bad)-4]))
	write("nan.bin", bad)

	real, err := idx.DataDir("")
	if err != nil {
		t.Skipf("no MNIST data: %v", err)
	}
	f.data = f.path("mnist")
	if err := os.Mkdir(f.data, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(real)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if err := os.Symlink(filepath.Join(real, e.Name()), filepath.Join(f.data, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// replaceData replaces the MNIST file whose name starts with base by b,
// gzipped as name+".gz".
func (f fixture) replaceData(t *testing.T, base string, b []byte, junk []byte) {
	t.Helper()
	ents, _ := os.ReadDir(f.data)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), base) {
			os.Remove(filepath.Join(f.data, e.Name()))
		}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	buf.Write(junk)
	if err := os.WriteFile(filepath.Join(f.data, base+".gz"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// idxImages returns an idx3 header declaring n 28×28 images followed by
// have images of zeros.
func idxImages(n, have int) []byte {
	b := make([]byte, 16+have*784)
	binary.BigEndian.PutUint32(b[0:], 0x803)
	binary.BigEndian.PutUint32(b[4:], uint32(n))
	binary.BigEndian.PutUint32(b[8:], 28)
	binary.BigEndian.PutUint32(b[12:], 28)
	return b
}

// snapshot lists every entry of dir (recursively, links not followed) with
// its type and content, to tell what a run changed.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link→" + target
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			out[rel] = fi.Mode().String() + " " + string(b)
		default:
			out[rel] = fi.Mode().String()
		}
		return nil
	})
	return out
}

// TestHostile runs the command on hostile inputs and outputs. Each case has
// its exit status and a piece of its one-line message; afterwards nothing
// may have been lost, replaced or left behind but what the case expects.
func TestHostile(t *testing.T) {
	short := []string{"-iterations", "1", "-train-images", "200", "-quiet"}
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, f fixture)
		args    func(f fixture) []string
		code    int
		msg     string                                                  // in stderr
		changed func(f fixture, before, after map[string]string) string // "" when the change is the expected one
	}{
		{name: "save to a device", args: func(f fixture) []string { return []string{"-save", "/dev/null"} }, code: 2, msg: "/dev/null is a character device"},
		{name: "save to a FIFO", args: func(f fixture) []string { return []string{"-save", f.path("fifo")} }, code: 2, msg: "named pipe"},
		{name: "json to a directory", args: func(f fixture) []string { return []string{"-json", f.dir} }, code: 2, msg: "directory"},
		{name: "json and save one file", args: func(f fixture) []string { return []string{"-json", f.path("keep.txt"), "-save", f.path("./keep.txt")} }, code: 2, msg: "name the same file"},
		{name: "load and json one file", args: func(f fixture) []string { return []string{"-load", f.path("good.bin"), "-json", f.path("good.bin")} }, code: 2, msg: "name the same file"},
		{name: "plot with a wrong extension", args: func(f fixture) []string { return []string{"-plot", f.path("keep.txt")} }, code: 2, msg: "want a .png file"},
		{name: "output in a missing directory", args: func(f fixture) []string { return []string{"-csv", f.path("no/such/x.csv")} }, code: 2, msg: "no/such"},
		{name: "load from /dev/zero", args: func(f fixture) []string { return []string{"-load", "/dev/zero"} }, code: 2, msg: "not a regular file"},
		{name: "load from a FIFO", args: func(f fixture) []string { return []string{"-load", f.path("fifo")} }, code: 2, msg: "not a regular file"},
		{name: "load NaN weights", args: func(f fixture) []string { return []string{"-load", f.path("nan.bin")} }, code: 2, msg: "NaN"},
		{name: "load a truncated file", args: func(f fixture) []string { return []string{"-load", f.path("short.bin")} }, code: 2, msg: "truncated"},
		{name: "load weights of another size", args: func(f fixture) []string { return []string{"-load", f.path("good.bin"), "-hidden", "50"} }, code: 2, msg: "784×100 in the file"},
		{name: "absurd hidden size", args: func(f fixture) []string { return []string{"-hidden", "10000000"} }, code: 2, msg: "10000000 units"},
		{name: "network too large for the memory", args: func(f fixture) []string { return []string{"-hidden", "65536,65536,65536"} }, code: 2, msg: "more memory than is available"},
		{name: "test file declaring a million images", setup: func(t *testing.T, f fixture) {
			f.replaceData(t, idx.TestImages, idxImages(1000000, 972), nil)
		}, args: func(f fixture) []string { return []string{"-data", f.data} }, code: 2, msg: "truncated"},
		{name: "empty test set", setup: func(t *testing.T, f fixture) {
			f.replaceData(t, idx.TestImages, idxImages(0, 0), nil)
		}, args: func(f fixture) []string { return []string{"-data", f.data} }, code: 2, msg: "t10k"},
		{name: "junk after the gzip stream", setup: func(t *testing.T, f fixture) {
			f.replaceData(t, idx.TestImages, idxImages(10000, 10000), []byte("junk"))
		}, args: func(f fixture) []string { return []string{"-data", f.data} }, code: 2, msg: "trailing data"},
		{name: "json replacing a data file", setup: copyLabels,
			args: func(f fixture) []string {
				return []string{"-data", f.data, "-json", filepath.Join(f.data, idx.TestLabels+".gz")}
			}, code: 2, msg: "the MNIST test labels"},
		{name: "csv through a symlink to a data file", setup: func(t *testing.T, f fixture) {
			copyLabels(t, f)
			if err := os.Symlink(filepath.Join(f.data, idx.TestLabels+".gz"), f.path("labels.csv")); err != nil {
				t.Fatal(err)
			}
		}, args: func(f fixture) []string { return []string{"-data", f.data, "-csv", f.path("labels.csv")} }, code: 2, msg: "name the same file"},
		{name: "save over a hard link to a data file", setup: func(t *testing.T, f fixture) {
			copyLabels(t, f)
			if err := os.Link(filepath.Join(f.data, idx.TestLabels+".gz"), f.path("hard.bin")); err != nil {
				t.Fatal(err)
			}
		}, args: func(f fixture) []string { return []string{"-data", f.data, "-save", f.path("hard.bin")} }, code: 2, msg: "name the same file"},
		{name: "json replacing a data file found by the environment", setup: copyLabels,
			args: func(f fixture) []string {
				os.Setenv(idx.EnvDir, f.data) // restored by the test's t.Setenv
				return []string{"-json", filepath.Join(f.data, "..", "mnist", idx.TestLabels+".gz")}
			}, code: 2, msg: "name the same file"},
		{name: "save through a symlink", args: func(f fixture) []string { return []string{"-save", f.path("link.bin")} }, code: 0,
			changed: func(f fixture, before, after map[string]string) string {
				if after["link.bin"] != "link→target.bin" || !strings.Contains(after["target.bin"], "OUTGRADW") {
					return "want the link kept and its target written"
				}
				delete(after, "target.bin")
				return ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(idx.EnvDir, os.Getenv(idx.EnvDir))
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			before := snapshot(t, f.dir)
			var out, errb bytes.Buffer
			start := time.Now()
			code := New().Main(append(tc.args(f), short...), &out, &errb)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errb.String())
			}
			if tc.code != 0 && (strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), tc.msg)) {
				t.Errorf("stderr %q, want one line with %q", errb.String(), tc.msg)
			}
			after := snapshot(t, f.dir)
			if tc.changed != nil {
				if why := tc.changed(f, before, after); why != "" {
					t.Errorf("%s: %v", why, after)
				}
			}
			var diffs []string
			for k, v := range before {
				if after[k] != v {
					diffs = append(diffs, "changed or lost: "+k)
				}
			}
			for k := range after {
				if _, ok := before[k]; !ok {
					diffs = append(diffs, "left behind: "+k)
				}
			}
			sort.Strings(diffs)
			if len(diffs) > 0 {
				t.Errorf("files: %v", diffs)
			}
			if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
				t.Fatalf("/dev/null is no longer a character device: %v", fi.Mode())
			}
		})
	}
}

// copyLabels replaces the fixture's link to the test labels by a writable
// copy, as a user's own data directory holds them: only the refusal keeps
// an output from replacing it.
func copyLabels(t *testing.T, f fixture) {
	t.Helper()
	p := filepath.Join(f.data, idx.TestLabels+".gz")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
