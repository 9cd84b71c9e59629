package numpyrng

// MT19937 parameters (Matsumoto & Nishimura, 1998).
const (
	mtN         = 624
	mtM         = 397
	mtMatrixA   = 0x9908b0df
	mtUpperMask = 0x80000000
	mtLowerMask = 0x7fffffff
)

// RNG is the Mersenne Twister MT19937 seeded like numpy's legacy
// np.random.seed(s) (init_genrand(s)), so that its draws equal numpy's
// RandomState draws for the same seed. The zero value is not usable: create one
// with New. An RNG is not safe for concurrent use.
type RNG struct {
	mt  [mtN]uint32
	mti int
}

// New returns an RNG seeded with init_genrand(seed), the state numpy's legacy
// np.random.seed(seed) produces for a 32-bit integer seed.
func New(seed uint32) *RNG {
	r := &RNG{}
	r.mt[0] = seed
	for i := 1; i < mtN; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.mti = mtN
	return r
}

// twist refills the 624-word state (the "twist").
func (r *RNG) twist() {
	mag := func(y uint32) uint32 { return (y & 1) * mtMatrixA }
	var i int
	for ; i < mtN-mtM; i++ {
		y := r.mt[i]&mtUpperMask | r.mt[i+1]&mtLowerMask
		r.mt[i] = r.mt[i+mtM] ^ (y >> 1) ^ mag(y)
	}
	for ; i < mtN-1; i++ {
		y := r.mt[i]&mtUpperMask | r.mt[i+1]&mtLowerMask
		r.mt[i] = r.mt[i+mtM-mtN] ^ (y >> 1) ^ mag(y)
	}
	y := r.mt[mtN-1]&mtUpperMask | r.mt[0]&mtLowerMask
	r.mt[mtN-1] = r.mt[mtM-1] ^ (y >> 1) ^ mag(y)
	r.mti = 0
}

// Uint32 returns the next 32-bit output of MT19937 (genrand_int32).
func (r *RNG) Uint32() uint32 {
	if r.mti >= mtN {
		r.twist()
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Float64 returns numpy's random(): a uniform float64 in [0, 1) with 53 random
// bits, ((a>>5)*67108864 + (b>>6)) / 9007199254740992 from two draws a, b.
func (r *RNG) Float64() float64 {
	a := r.Uint32() >> 5
	b := r.Uint32() >> 6
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}

// Bit returns numpy's legacy randint(2): one 32-bit draw masked with 1, so 0 or 1.
func (r *RNG) Bit() int {
	return int(r.Uint32() & 1)
}

// Uniform fills dst in order with dst[i] = scale*Float64() + shift, which is
// numpy's scale*random(shape) + shift for a row-major shape of len(dst) elements
// (the book's w = 0.02*random((784,100)) - 0.01 is Uniform(w, 0.02, -0.01)).
func (r *RNG) Uniform(dst []float64, scale, shift float64) {
	for i := range dst {
		dst[i] = scale*r.Float64() + shift
	}
}

// Uniform32 is Uniform for float32: dst[i] = float32(scale*Float64() + shift),
// computed in float64 and then rounded, so the same stream gives the float64
// weights rounded to float32.
func (r *RNG) Uniform32(dst []float32, scale, shift float64) {
	for i := range dst {
		dst[i] = float32(scale*r.Float64() + shift)
	}
}

// Mask fills dst in order with dst[i] = Bit(), numpy's randint(2, size=shape)
// for a row-major shape of len(dst) elements.
func (r *RNG) Mask(dst []float64) {
	for i := range dst {
		dst[i] = float64(r.Uint32() & 1)
	}
}

// Mask32 is Mask for float32: dst[i] = Bit() as 0 or 1.
func (r *RNG) Mask32(dst []float32) {
	for i := range dst {
		dst[i] = float32(r.Uint32() & 1)
	}
}
