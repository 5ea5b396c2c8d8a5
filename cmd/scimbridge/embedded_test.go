package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A data directory of a version that kept the bbolt store is migrated by
// serve on its first start, never ignored. The file is the migration
// tests' own (internal/pebblestore/testdata/README.md).
func TestServeMigratesTheBoltStoreOnFirstStart(t *testing.T) {
	data := t.TempDir()
	old, err := os.ReadFile(filepath.Join("..", "..", "internal", "pebblestore", "testdata", "directory.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, boltFile), old, 0o600); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	defer stop()
	if _, body := get(t, url+"/Users/u1", "t0k3n"); !strings.Contains(body, `"userName":"alice"`) {
		t.Errorf("GET of the migrated user: %s", body)
	}
	if _, err := os.Stat(filepath.Join(data, boltFile+".migrated")); err != nil {
		t.Errorf("the bbolt file was not set aside: %v", err)
	}
}
