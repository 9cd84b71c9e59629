package mnist

import (
	"errors"
	"math"
	"strings"
	"testing"

	"outgrad/ops"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"zero images", func(c *Config) { c.TrainImages = 0 }, "training images 0"},
		{"no hidden", func(c *Config) { c.Hidden = nil }, "no hidden layer"},
		{"zero hidden", func(c *Config) { c.Hidden = []int{0} }, "hidden layer 1 has 0 units"},
		{"huge hidden", func(c *Config) { c.Hidden = []int{10000000} }, "hidden layer 1 has 10000000 units"},
		{"acts for layers", func(c *Config) { c.Hidden, c.HiddenAct = []int{3, 4, 5}, []ops.Activation{ops.Tanh, ops.ReLU} }, "2 hidden activations for 3 hidden layers"},
		{"cross-entropy without softmax", func(c *Config) { c.Output = ops.Output{Name: "ce", Act: ops.Sigmoid, CrossEntropy: true} }, "needs a softmax"},
		{"negative batch", func(c *Config) { c.Batch = -1 }, "batch -1"},
		{"batch too big", func(c *Config) { c.Batch = 2000 }, "batch 2000 is larger than the 1000"},
		{"zero iterations", func(c *Config) { c.Iterations = 0 }, "iterations 0"},
		{"zero eval", func(c *Config) { c.EvalEvery = 0 }, "eval-every 0"},
		{"NaN alpha", func(c *Config) { c.Alpha = math.NaN() }, "alpha NaN"},
		{"Inf alpha", func(c *Config) { c.Alpha = math.Inf(1) }, "alpha +Inf"},
		{"negative alpha", func(c *Config) { c.Alpha = -1 }, "alpha -1"},
		{"nil activation", func(c *Config) { c.HiddenAct = []ops.Activation{nil} }, "hidden activation 1 is nil"},
		{"no output", func(c *Config) { c.Output = ops.Output{Name: "x"} }, `output "x"`},
		{"zero w01 range", func(c *Config) { c.W01Range = 0 }, "w01 range 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestTrainerRejectsTooFewImages(t *testing.T) {
	train, test := loadData(t, 500)
	_, _, err := NewTrainer(DefaultConfig(), train, test)
	if err == nil || !strings.Contains(err.Error(), "1000 training images asked for, the data holds 500") {
		t.Fatalf("NewTrainer = %v", err)
	}
}

func TestDivergenceIsReported(t *testing.T) {
	train, test := loadData(t, 1000)
	c := DefaultConfig()
	// A linear network with a huge step grows geometrically until it overflows.
	c.Alpha, c.Iterations, c.HiddenAct, c.Output = 1e6, 20, []ops.Activation{ops.Identity}, ops.IdentitySquared
	for _, build := range []func([][]float64) (Net[float64], error){
		func(ws [][]float64) (Net[float64], error) { return NewHandRolled(c, ws) },
		func(ws [][]float64) (Net[float64], error) { return NewGraph(c, ws) },
	} {
		tr, ws, err := NewTrainer(c, train, test)
		if err != nil {
			t.Fatal(err)
		}
		n, err := build(ws)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Run([]Net[float64]{n}, Hooks[float64]{})
		if err == nil || !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), n.Name()+" diverged") || !strings.Contains(err.Error(), "iteration ") {
			t.Errorf("%s: Run = %v, want a divergence error naming the iteration and the matrix", n.Name(), err)
		} else {
			t.Log(err)
		}
	}
}
