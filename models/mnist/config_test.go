package mnist_test

import (
	"math"
	"strings"
	"testing"

	"outgrad/models/mnist"
	"outgrad/models/mnist/internal/mnisttest"
	"outgrad/ops"
	"outgrad/ops/optim"
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
		{"unknown optimizer", func(c *mnist.Config) { c.Optimizer.Name = "rmsprop" }, `unknown optimizer "rmsprop"`},
		{"momentum 1", func(c *mnist.Config) { c.Optimizer.Name, c.Optimizer.Beta = optim.Momentum, 1 }, "momentum β 1"},
		{"adam β1", func(c *mnist.Config) { c.Optimizer.Name, c.Optimizer.Beta1 = optim.Adam, -0.5 }, "adam β1 -0.5"},
		{"adam β2", func(c *mnist.Config) { c.Optimizer.Name, c.Optimizer.Beta2 = optim.Adam, 1.5 }, "adam β2 1.5"},
		{"adam ε", func(c *mnist.Config) { c.Optimizer.Name, c.Optimizer.Eps = optim.Adam, 0 }, "adam ε 0"},
		{"step schedule N", func(c *mnist.Config) { c.Schedule = optim.Schedule{Kind: optim.Step, Gamma: 0.5} }, "every 0 iterations"},
		{"step schedule γ", func(c *mnist.Config) { c.Schedule = optim.Schedule{Kind: optim.Step, Every: 3, Gamma: 2} }, "γ 2"},
		{"unknown schedule", func(c *mnist.Config) { c.Schedule.Kind = "linear" }, `unknown schedule "linear"`},
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

// TestMemoryBytesSaturates checks that sizes whose product overflows an
// int64 give the largest estimate, so the run is refused, never a negative
// or wrapped one.
func TestMemoryBytesSaturates(t *testing.T) {
	c := mnist.DefaultConfig()
	c.TrainImages, c.Batch = math.MaxInt, math.MaxInt/2
	if got := c.MemoryBytes(8, 4, math.MaxInt); got != math.MaxInt64 {
		t.Errorf("absurd sizes: %d, want math.MaxInt64", got)
	}
	if got := mnist.DefaultConfig().MemoryBytes(8, 2, 10000); got <= 0 || got > 1<<30 {
		t.Errorf("the book's run: %d bytes", got)
	}
}

// TestInitWeightsRefusesBadConfig checks that InitWeights returns an error
// for sizes it cannot draw, instead of panicking in make.
func TestInitWeightsRefusesBadConfig(t *testing.T) {
	c := mnist.DefaultConfig()
	c.Hidden = []int{-5}
	if _, err := mnist.InitWeights[float64](c, 1); err == nil {
		t.Error("hidden -5: no error")
	}
	ws, err := mnist.InitWeights[float32](mnist.DefaultConfig(), 1)
	if err != nil || len(ws) != 2 || len(ws[0]) != 784*100 || len(ws[1]) != 100*10 {
		t.Errorf("the book's weights: %d matrices, %v", len(ws), err)
	}
}
