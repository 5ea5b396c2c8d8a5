package memstore_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/bench/memstore"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// TestStore runs the contract of every directory.Store, so that handler
// benchmarks over this store exercise the same paths as over a real one.
func TestStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) directory.Store { return memstore.New() })
}
