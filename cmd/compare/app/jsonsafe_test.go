package app

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/compare"
	"outgrad/models/mnist/reference"
)

// TestJSONNonFinite: a report holding NaN and ±Inf is still written, with
// null in their place, their paths listed, and every finite value and the
// field order as encoding/json gives them.
func TestJSONNonFinite(t *testing.T) {
	rep := &compare.Report{
		Config: compare.ConfigReport{Dtype: "float64", Hidden: []int{100}, Alpha: 2},
		Impls:  []string{"graph"},
		Runs: map[string]*compare.RunReport{"graph": {
			Trajectory: []mnist.Point{{Iteration: 0, TestAcc: 0.5}},
			Weights:    map[string]compare.WeightsStat{"w01": {Sum: 1e308, SumSq: math.Inf(1)}},
		}},
		Checks:      &reference.Checks{NetworkFD: []reference.FDCheck{{Impl: "graph", WorstRelErr: math.NaN()}}},
		WallSeconds: 1.5,
	}
	if _, err := json.Marshal(rep); err == nil {
		t.Fatal("encoding/json encoded NaN: the test no longer tests anything")
	}
	var b bytes.Buffer
	if err := writeJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	want := []any{"runs.graph.weights.w01.sumsq", "checks.network_fd[0].worst_rel_err"}
	if !reflect.DeepEqual(got["non_finite"], want) {
		t.Errorf("non_finite = %v, want %v", got["non_finite"], want)
	}
	w01 := got["runs"].(map[string]any)["graph"].(map[string]any)["weights"].(map[string]any)["w01"].(map[string]any)
	if w01["sumsq"] != nil || w01["sum"] != 1e308 {
		t.Errorf("w01 = %v", w01)
	}
	// The finite report encodes exactly as encoding/json encodes it.
	rep.Runs["graph"].Weights["w01"] = compare.WeightsStat{Sum: 1, SumSq: 2}
	rep.Checks.NetworkFD[0].WorstRelErr = 0.5
	var again bytes.Buffer
	if err := writeJSON(&again, rep); err != nil {
		t.Fatal(err)
	}
	direct, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(again.String()) != string(direct) {
		t.Errorf("writeJSON differs from encoding/json:\n%s\n%s", again.String(), direct)
	}
}
