package bench

import (
	"slices"
	"time"
)

// Summary describes a sample of durations.
type Summary struct {
	N                     int
	Median, P95, P99, Max time.Duration
}

// Summarize returns the summary of d, which it sorts. Percentiles are the
// nearest rank.
func Summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(d))+0.5) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return Summary{N: len(d), Median: rank(0.50), P95: rank(0.95), P99: rank(0.99), Max: d[len(d)-1]}
}
