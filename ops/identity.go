package ops

// Identity is the linear activation f(x) = x, slope 1.
var Identity = NewPointwise("identity",
	func(x float64) float64 { return x },
	func(float64) float64 { return 1 })
