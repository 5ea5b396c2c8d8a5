package main

import (
	"path/filepath"

	"github.com/scim-bridge/scim-bridge/internal/boltstore"
)

// embeddedStore is the embedded store's file in the data directory.
const embeddedStore = "directory.db"

// openEmbedded opens the embedded store in the data directory data.
func openEmbedded(data string) (*boltstore.Store, error) {
	return boltstore.Open(filepath.Join(data, embeddedStore))
}
