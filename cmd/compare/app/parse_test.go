package app

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseDecimalOnly checks that whole-number flags are read in decimal:
// a leading zero is not octal, and a 0x prefix is refused.
func TestParseDecimalOnly(t *testing.T) {
	o, err := New().parse([]string{"-iterations", "010", "-batch", "050", "-train-images", "0200", "-eval-every", "07", "-seed", "010"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c := o.cfg; c.Iterations != 10 || c.Batch != 50 || c.TrainImages != 200 || c.EvalEvery != 7 || c.Seed != 10 {
		t.Errorf("iterations %d, batch %d, train-images %d, eval-every %d, seed %d; want 10, 50, 200, 7, 10",
			c.Iterations, c.Batch, c.TrainImages, c.EvalEvery, c.Seed)
	}
}

// TestParseRefusesSlips checks that the usage slips refused before any
// training exit 2 with one line naming the flag: numbers in another base,
// an empty list item, an output path naming a directory.
func TestParseRefusesSlips(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-iterations", "0x10"}, `invalid value "0x10" for flag -iterations: want a whole number in decimal`},
		{[]string{"-batch", "1e2"}, "flag -batch"},
		{[]string{"-seed", "-1"}, "flag -seed"},
		{[]string{"-hidden", "100,,100"}, "-hidden 100,,100: item 2 of the list is empty"},
		{[]string{"-hidden", "100,"}, "-hidden 100,: item 2 of the list is empty"},
		{[]string{"-hidden-act", ",tanh"}, "-hidden-act ,tanh: item 1 of the list is empty"},
		{[]string{"-seeds", "1,,2"}, "-seeds 1,,2: item 2"},
		{[]string{"-sweep", "-hidden-acts", "tanh,,relu"}, "-hidden-acts tanh,,relu: item 2"},
		{[]string{"-sweep", "-outputs", "softmax, "}, "-outputs softmax, : item 2"},
		{[]string{"-sweep", "-softmax-bases", "2,,e"}, "-softmax-bases 2,,e: item 2"},
		{[]string{"-json", dir + "/"}, "names a directory"},
		{[]string{"-csv", filepath.Join(dir, "sub") + "/"}, "names a directory"},
	} {
		var out, errb bytes.Buffer
		code := New().Main(c.args, &out, &errb)
		if code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", c.args, code, errb.String(), c.want)
		}
	}
}
