package boltstore_test

import (
	"path/filepath"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/boltstore"
)

func TestPingFailsOnceClosed(t *testing.T) {
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "directory.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("open store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(t.Context()); err == nil {
		t.Error("a closed store answered the ping")
	}
}
