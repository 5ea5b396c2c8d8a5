package main

import (
	"path/filepath"

	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
)

// The embedded store's files in the data directory: the Pebble store, and
// the bbolt file that versions before it kept (docs/decisions.md).
const (
	embeddedDir = "directory"
	boltFile    = "directory.db"
)

// openEmbedded opens the embedded store in data, first moving a directory
// the bbolt store left there into it (pebblestore.MigrateBolt).
func openEmbedded(data string) (*pebblestore.Store, error) {
	path := filepath.Join(data, embeddedDir)
	if _, err := pebblestore.MigrateBolt(filepath.Join(data, boltFile), path); err != nil {
		return nil, err
	}
	return pebblestore.Open(path)
}
