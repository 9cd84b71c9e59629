package compare

import (
	"math"
	"time"
)

// durations keeps the count, total and a histogram of durations in constant
// memory: buckets 1% wide on a log scale from 1 µs to about 5 min, so the
// median is known to 1%.
type durations struct {
	n      int
	total  time.Duration
	counts [histBuckets]int32
}

const (
	histBuckets = 1900
	histBase    = 1.01
	histMin     = float64(time.Microsecond)
)

func (d *durations) add(v time.Duration) {
	d.n++
	d.total += v
	d.counts[bucket(v)]++
}

// bucket is the histogram bucket of v.
func bucket(v time.Duration) int {
	if float64(v) <= histMin {
		return 0
	}
	return min(histBuckets-1, int(math.Log(float64(v)/histMin)/math.Log(histBase))+1)
}

// median returns the middle of the bucket holding the median (the lower
// middle for even counts), or 0 when empty.
func (d *durations) median() time.Duration {
	if d.n == 0 {
		return 0
	}
	want, seen := (d.n-1)/2, 0
	for b, c := range d.counts {
		seen += int(c)
		if seen > want {
			if b == 0 {
				return time.Duration(histMin)
			}
			return time.Duration(histMin * math.Pow(histBase, float64(b)-0.5))
		}
	}
	return d.total / time.Duration(d.n)
}
