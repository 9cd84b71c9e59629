package mnist_test

import (
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
)

func TestConfigValidate(t *testing.T) {
	if err := mnist.DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cases := []struct {
		name string
		edit func(*mnist.Config)
		want string
	}{
		{"zero images", func(c *mnist.Config) { c.TrainImages = 0 }, "training images 0"},
		{"no hidden", func(c *mnist.Config) { c.Hidden = nil }, "no hidden layer"},
		{"zero hidden", func(c *mnist.Config) { c.Hidden = []int{0} }, "hidden layer 1 has 0 units"},
		{"huge hidden", func(c *mnist.Config) { c.Hidden = []int{10000000} }, "hidden layer 1 has 10000000 units"},
		{"acts for layers", func(c *mnist.Config) { c.Hidden, c.HiddenAct = []int{3, 4, 5}, []ops.Activation{ops.Tanh, ops.ReLU} }, "2 hidden activations for 3 hidden layers"},
		{"cross-entropy without softmax", func(c *mnist.Config) { c.Output = ops.Output{Name: "ce", Act: ops.Sigmoid, CrossEntropy: true} }, "needs a softmax"},
		{"negative batch", func(c *mnist.Config) { c.Batch = -1 }, "batch -1"},
		{"batch too big", func(c *mnist.Config) { c.Batch = 2000 }, "batch 2000 is larger than the 1000"},
		{"zero iterations", func(c *mnist.Config) { c.Iterations = 0 }, "iterations 0"},
		{"zero eval", func(c *mnist.Config) { c.EvalEvery = 0 }, "eval-every 0"},
		{"NaN alpha", func(c *mnist.Config) { c.Alpha = math.NaN() }, "alpha NaN"},
		{"Inf alpha", func(c *mnist.Config) { c.Alpha = math.Inf(1) }, "alpha +Inf"},
		{"negative alpha", func(c *mnist.Config) { c.Alpha = -1 }, "alpha -1"},
		{"nil activation", func(c *mnist.Config) { c.HiddenAct = []ops.Activation{nil} }, "hidden activation 1 is nil"},
		{"no output", func(c *mnist.Config) { c.Output = ops.Output{Name: "x"} }, `output "x"`},
		{"zero w01 range", func(c *mnist.Config) { c.W01Range = 0 }, "w01 range 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mnist.DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestTrainerRejectsTooFewImages(t *testing.T) {
	train, test := mnisttest.LoadData(t, 500)
	_, _, err := mnist.NewTrainer(mnist.DefaultConfig(), train, test)
	if err == nil || !strings.Contains(err.Error(), "1000 training images asked for, the data holds 500") {
		t.Fatalf("NewTrainer = %v", err)
	}
}
