package bench_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/bench"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// TestLoadRunPlaysTheWorkloadWithoutErrors runs a small Entra cycle
// against a real `scimbridge serve` and the peer, and checks what the
// report relies on: every request succeeds and the server's CPU time and
// memory are read.
func TestLoadRunPlaysTheWorkloadWithoutErrors(t *testing.T) {
	root, err := lambdatest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := bench.BuildServer(t.Context(), root, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	peer, err := bench.BuildPeer(t.Context(), root, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	small := bench.Workload{Users: 30, Groups: 2, GroupSize: 20, MemberBatch: 10, RemovesPerGroup: 3}
	for _, tc := range []struct {
		target bench.Target
		conc   int
	}{{bench.Bridge(bin), 1}, {bench.Bridge(bin), 4}, {bench.Peer(peer), 4}} {
		conc := tc.conc
		run, err := bench.RunLoad(t.Context(), tc.target, t.TempDir(), small, conc, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range run.Phases {
			if p.Errors > 0 {
				t.Errorf("%s, concurrency %d: %d errors, the first: %s", run.Target, conc, p.Errors, p.FirstError)
			}
			if p.Latency.N != p.Requests {
				t.Errorf("concurrency %d, %s: %d latencies for %d requests", conc, p.Name, p.Latency.N, p.Requests)
			}
		}
		if want := 30 + 30 + 15 + 30 + 30 + 2 + 2 + 4 + 6 + 30 + 30 + 2; run.Requests != want {
			t.Errorf("concurrency %d: %d requests, want %d", conc, run.Requests, want)
		}
		if run.ServerPeakRSS <= 0 {
			t.Errorf("concurrency %d: peak RSS %d, want the server's", conc, run.ServerPeakRSS)
		}
	}
}
