//go:build race

package handrolled

// raceEnabled: the race detector makes sync.Pool drop values on purpose, so
// allocation counts mean nothing under it.
const raceEnabled = true
