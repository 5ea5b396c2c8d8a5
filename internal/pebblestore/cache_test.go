package pebblestore

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// TestTablesAreReadThroughTheBlockCache guards the cache's size against
// the memtables' reservation in it: with a cache no larger than a
// memtable, Pebble kept no block, and every read of a table went to the
// disk (docs/decisions.md, "The embedded store").
func TestTablesAreReadThroughTheBlockCache(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "directory"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Pebble's memtables start small and double with each flush up to
	// memTableSize: writing several times that grows them to full size,
	// as a directory's first provisioning cycle does.
	filler := make([]byte, 64<<10)
	for i := range 4 * memTableSize / (1 << 20) {
		err := s.write(func(b *pebble.Batch) error {
			for j := range 16 {
				if err := b.Set(tableCounts.key(fmt.Sprintf("filler %d %d", i, j)), filler, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	key := tableCounts.key("probe")
	if err := s.write(func(b *pebble.Batch) error { return b.Set(key, []byte("value"), nil) }); err != nil {
		t.Fatal(err)
	}
	// Flush the memtable, so that the key is read from a table.
	if err := s.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if v, err := s.direct().get(key); err != nil || string(v) != "value" {
			t.Fatalf("get = %q, %v", v, err)
		}
	}
	m := s.db.Metrics().BlockCache
	if m.Count == 0 || m.Hits == 0 {
		t.Errorf("block cache after reading one key three times: %d blocks, %d hits, %d misses; want blocks kept and hits", m.Count, m.Hits, m.Misses)
	}
}
