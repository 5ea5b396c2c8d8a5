package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/boltstore"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// A data directory of a version that kept the bbolt store is migrated by
// serve on its first start, never ignored.
func TestServeMigratesTheBoltStoreOnFirstStart(t *testing.T) {
	data := t.TempDir()
	old, err := boltstore.Open(filepath.Join(data, boltFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Create(t.Context(), storetest.NewUser("u1", "kept@contoso.com")); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	url, _, stop := startServe(t, "--data", data, "--token", "t0k3n")
	defer stop()
	if _, body := get(t, url+"/Users/u1", "t0k3n"); !strings.Contains(body, `"userName":"kept@contoso.com"`) {
		t.Errorf("GET of the migrated user: %s", body)
	}
	if _, err := os.Stat(filepath.Join(data, boltFile+".migrated")); err != nil {
		t.Errorf("the bbolt file was not set aside: %v", err)
	}
}
