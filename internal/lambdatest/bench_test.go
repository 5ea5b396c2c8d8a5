package lambdatest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// coldStartEvents are the events a cold start of each function answers:
// the first request of an Entra cycle.
var coldStartEvents = map[string]string{
	"Users":     "users-test-connection.json",
	"Groups":    "groups-lookup.json",
	"Discovery": "discovery-service-provider-config.json",
}

// BenchmarkColdStart starts each function under the emulator b.N times and
// invokes it once each time. It reports the median init duration the
// emulator measured (INIT REPORT: from the bootstrap's start to its first
// request for an invocation, what Lambda reports as Init Duration) as
// init-ms, and as ns/op the wall time of a start, first invocation and stop.
func BenchmarkColdStart(b *testing.B) {
	rie := emulator(b)
	backend := newBackend(b)
	bootstraps := build(b)
	for _, fn := range lambdatest.Functions {
		b.Run(fn.Name, func(b *testing.B) {
			raw, _ := readEvent(b, coldStartEvents[fn.Name])
			var inits []time.Duration
			for b.Loop() {
				e := start(b, rie, bootstraps[fn.Name], fn, backend)
				invoke(b, e, raw)
				d, err := e.InitDuration()
				if err != nil {
					b.Fatal(err)
				}
				inits = append(inits, d)
				e.Stop()
			}
			slices.Sort(inits)
			b.ReportMetric(float64(inits[len(inits)/2].Microseconds())/1000, "init-ms")
		})
	}
}
