package graph

import "outgrad/ops"

// Option configures the ops that Apply, Dense and Loss build.
type Option func(*options)

// options are the settings an Option changes.
type options struct {
	pool *ops.Pool
}

// WithPool runs the activations' forward and backward ops on p: a large batch
// is split by whole rows over p's workers (see ops.Pool). Without it, or with a
// nil pool, they run serially on the machine's goroutine. The results are the
// same bit for bit either way. p must stay open while any machine that runs
// the graph does.
func WithPool(p *ops.Pool) Option { return func(o *options) { o.pool = p } }

// apply returns the options that opts set.
func apply(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}
