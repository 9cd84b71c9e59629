package main

import (
	"go/build"
	"io/fs"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The layers of the module, lowest first, and what each package may import
// of the module and of Gorgonia: one table for every package, as the
// standard library's go/build deps_test.go holds its own. A package not in
// the table fails the test, so a new package says where it stands; an
// import not allowed here fails it too, naming both. Only the packages'
// own files count (not their tests), and only direct imports.
//
// The rules the table keeps:
//   - the BLAS (ops/blas) and the data reader import nothing of the
//     module, and ops only the BLAS (for its Float constraint);
//   - Gorgonia is imported by the graph package, the checks of a Gorgonia
//     graph (ops/check) and the Gorgonia networks of MNIST (graphnet) alone:
//     the hand-rolled network and the mnist core never see it;
//   - what is internal/ is reached only from beneath its parent;
//   - nothing below the command imports the command.
var allowedImports = map[string][]string{
	"ops/blas":  {},
	"ops":       {"ops/blas"},
	"ops/check": {"ops", "gorgonia"},
	"ops/optim": {"ops/blas"},
	"graph":     {"ops/blas", "ops", "gorgonia"},

	// The kernels' shared test helper, imported by tests of ops and ops/blas.
	"ops/internal/kerneltest": {},

	"models/mnist/idx":                 {},
	"models/mnist/internal/numpyrng":   {},
	"models/mnist/internal/floats":     {"ops"},
	"models/mnist/internal/handrolled": {"ops/blas", "ops", "ops/optim"},
	"models/mnist": {"ops/blas", "ops", "ops/optim", "models/mnist/idx",
		"models/mnist/internal/handrolled", "models/mnist/internal/numpyrng"},
	"models/mnist/internal/mnisttest": {"ops", "models/mnist", "models/mnist/idx", "models/mnist/internal/numpyrng"},
	"models/mnist/graphnet":           {"graph", "ops", "ops/optim", "models/mnist", "models/mnist/idx", "gorgonia"},
	"models/mnist/reference": {"ops/blas", "ops", "ops/check", "models/mnist", "models/mnist/graphnet",
		"models/mnist/internal/floats", "models/mnist/internal/handrolled"},
	"models/mnist/compare": {"ops/blas", "ops", "models/mnist", "models/mnist/graphnet",
		"models/mnist/reference", "models/mnist/internal/floats"},
	"models/mnist/sweep": {"ops", "models/mnist", "models/mnist/compare", "models/mnist/reference",
		"models/mnist/internal/floats"},

	"cmd/compare/internal/outfile":     {},
	"cmd/compare/internal/weightsfile": {},
	"cmd/compare/app": {"graph", "ops/blas", "ops", "ops/optim", "models/mnist", "models/mnist/idx",
		"models/mnist/compare", "models/mnist/sweep",
		"cmd/compare/internal/outfile", "cmd/compare/internal/weightsfile"},
	"cmd/compare": {"cmd/compare/app"},
	"bench":       {}, // benchmarks only: its test files import what they time
}

// moduleImports returns, for every package of the module under root, its
// direct imports within the module (without the module's name) and
// "gorgonia" for any gorgonia.org package.
func moduleImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	ctx := build.Default
	ctx.CgoEnabled = true
	pkgs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := ctx.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		var imps []string
		for _, imp := range p.Imports {
			switch {
			case strings.HasPrefix(imp, "outgrad/"):
				imps = append(imps, strings.TrimPrefix(imp, "outgrad/"))
			case strings.HasPrefix(imp, "gorgonia.org/"):
				if !slices.Contains(imps, "gorgonia") {
					imps = append(imps, "gorgonia")
				}
			}
		}
		pkgs[filepath.ToSlash(rel)] = imps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// moduleRoot returns the directory of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Skipf("no go tool to find the module with: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// TestDependencies holds every package of the module to its row of
// allowedImports.
func TestDependencies(t *testing.T) {
	root := moduleRoot(t)
	pkgs := moduleImports(t, root)
	if len(pkgs) < len(allowedImports)/2 {
		t.Fatalf("found %d packages under %s: the walk is broken", len(pkgs), root)
	}
	for _, pkg := range slices.Sorted(maps.Keys(pkgs)) {
		allowed, ok := allowedImports[pkg]
		if !ok {
			t.Errorf("package %s is not in allowedImports: add it with the imports it may have", pkg)
			continue
		}
		for _, imp := range pkgs[pkg] {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, which its layer may not (allowedImports)", pkg, imp)
			}
		}
	}
	for pkg := range allowedImports {
		if _, ok := pkgs[pkg]; !ok {
			t.Errorf("allowedImports lists %s, which is no package of the module", pkg)
		}
	}
}
