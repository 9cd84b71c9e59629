package ops

import "math"

// Tanh is f(x) = tanh(x); its slope from the output is 1 − y².
var Tanh = NewPointwise("tanh", math.Tanh,
	func(y float64) float64 { return 1 - y*y })
