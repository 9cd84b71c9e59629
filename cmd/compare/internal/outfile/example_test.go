package outfile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"outgrad/cmd/compare/internal/outfile"
)

// Example shows the order a command takes: check and compare the paths
// before the work, catch interrupts, write by rename, check stdout.
func Example() {
	dir, _ := os.MkdirTemp("", "outfile-example")
	defer os.RemoveAll(dir)
	jsonPath, savePath := filepath.Join(dir, "report.json"), filepath.Join(dir, "./report.json")

	// Before any long work.
	if err := outfile.Distinct(map[string]string{"-json": jsonPath, "-save": savePath}); err != nil {
		fmt.Println("refused: -json and -save name one file")
	}
	target, err := outfile.Check(jsonPath)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := outfile.Check("/dev/null"); err != nil {
		fmt.Println(err)
	}

	var guard outfile.Guard
	ctx, stop, sig := outfile.NotifyInterrupt(context.Background(), &guard)
	defer stop()
	stdout := outfile.NewCheckedWriter(os.Stdout, "stdout")

	_ = ctx // the long work stops when ctx is cancelled
	err = target.Write(&guard, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(map[string]float64{"accuracy": 0.9})
	})
	if s := sig(); s != nil {
		fmt.Fprintf(os.Stderr, "compare: %v: stopped\n", s)
		os.Exit(outfile.ExitCode(s))
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(jsonPath)
	fmt.Fprint(stdout, string(b))
	if err := stdout.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
	// Output:
	// refused: -json and -save name one file
	// outfile: /dev/null is a character device, not a regular file
	// {"accuracy":0.9}
}
