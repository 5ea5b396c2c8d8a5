package httpapi_test

import (
	"fmt"
	"os"
	"testing"
)

// perfScales returns the directory sizes BenchmarkScale runs at: 1,000 and
// 10,000, and 100,000 with BENCH_SCALE=full, whose seeding takes minutes.
func perfScales() []int {
	if os.Getenv("BENCH_SCALE") == "full" {
		return []int{1_000, 10_000, 100_000}
	}
	return []int{1_000, 10_000}
}

// BenchmarkScale runs BenchmarkEntra's requests on the embedded store
// holding n users, all members of one group of n members: what any one
// request costs must not grow with the directory (docs/performance.md
// compares each size with BenchmarkEntra's 100). `make bench` reports it.
func BenchmarkScale(b *testing.B) {
	for _, n := range perfScales() {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			f := newPerfFixture(b, newEmbeddedStore(b), n)
			for _, op := range perfOps {
				b.Run(op.name, func(b *testing.B) { f.run(b, op) })
			}
		})
	}
}
