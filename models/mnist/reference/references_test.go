package reference

import (
	"errors"
	"testing"
)

// TestFDZeroGradient: a gradient that is wrongly all zero fails the
// directional check (the loss does change along the random direction);
// one that is rightly zero passes.
func TestFDZeroGradient(t *testing.T) {
	w := [][]float64{{0.1, -0.2, 0.3}}
	g := []float64{0, 0, 0}
	d := []float64{0.5, -1, 0.25}
	sum := func() (float64, error) { return w[0][0] + w[0][1] + w[0][2], nil }
	r, err := fdDirection(w, 0, g, d, 0.2, FDTol64, sum)
	if err != nil || !(r.rel > FDTol64) {
		t.Errorf("zero gradient of a changing loss: rel %v, err %v, want a failure", r.rel, err)
	}
	flat := func() (float64, error) { return 0.7, nil }
	if r, err := fdDirection(w, 0, g, d, 0.7, FDTol64, flat); err != nil || r.rel != 0 {
		t.Errorf("zero gradient of a flat loss: rel %v, err %v, want 0", r.rel, err)
	}
	if _, err := fdDirection(w, 0, g, []float64{0, 0, 0}, 0.7, FDTol64, flat); !errors.Is(err, errNoDirection) {
		t.Errorf("zero direction: %v, want errNoDirection", err)
	}
	if w[0][0] != 0.1 || w[0][1] != -0.2 || w[0][2] != 0.3 {
		t.Errorf("weights not restored: %v", w)
	}
}
