package httpapi_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/bench/memstore"
	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// perfStores are the stores the Entra benchmarks run on: the embedded
// store, durable as `scimbridge serve` runs it, and the in-memory store,
// which leaves the handler's and the service's own cost.
var perfStores = []struct {
	name string
	open func(b *testing.B) directory.Store
}{
	{"embedded", func(b *testing.B) directory.Store { return newEmbeddedStore(b) }},
	{"memory", func(*testing.B) directory.Store { return memstore.New() }},
}

// BenchmarkEntra measures each request of an Entra provisioning cycle
// through the full handler (auth, routing, decoding, the service, the
// store, rendering, the access log) on a directory of 100 users who are
// all members of one group, on each store. `make bench` reports it.
func BenchmarkEntra(b *testing.B) {
	for _, st := range perfStores {
		b.Run(st.name, func(b *testing.B) {
			f := newPerfFixture(b, st.open(b), 100)
			for _, op := range perfOps {
				b.Run(op.name, func(b *testing.B) { f.run(b, op) })
			}
		})
	}
}
