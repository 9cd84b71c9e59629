// Package numpyrng is numpy's legacy random stream (RandomState: MT19937
// seeded by np.random.seed), reproduced bit for bit: random() as Float64,
// randint(2) as Bit, and scale·random(shape) + shift as Uniform.
//
// It is not a general-purpose generator, and not safe for concurrent use:
// it exists so that the initial weights and the dropout masks of package
// mnist equal the book's.
package numpyrng
