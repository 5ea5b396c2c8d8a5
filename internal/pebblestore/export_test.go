package pebblestore

import (
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile/reconciletest"
)

// Breaker returns a reconciletest.Breaker that writes straight into s's
// tables, as a bug or a damaged directory could leave them.
func (s *Store) Breaker() reconciletest.Breaker { return breaker{s} }

type breaker struct{ s *Store }

func (b breaker) write(t *testing.T, fn func(b *pebble.Batch) error) {
	t.Helper()
	if err := b.s.write(fn); err != nil {
		t.Fatal(err)
	}
}

func (b breaker) PutRecord(t *testing.T, rec *directory.Record) {
	b.write(t, func(batch *pebble.Batch) error {
		return batch.Set(tablesOfKind[rec.Kind].records.key(rec.ID), encode(rec), nil)
	})
}

func (b breaker) PutUnique(t *testing.T, u directory.Unique, id string) {
	b.write(t, func(batch *pebble.Batch) error {
		return batch.Set(tablesOfKind[u.Kind].uniqueEntry(u.Key, u.Value), []byte(id), nil)
	})
}

func (b breaker) DeleteUnique(t *testing.T, u directory.Unique) {
	b.write(t, func(batch *pebble.Batch) error {
		return batch.Delete(tablesOfKind[u.Kind].uniqueEntry(u.Key, u.Value), nil)
	})
}

func (b breaker) PutEntry(t *testing.T, e directory.Entry) {
	b.write(t, func(batch *pebble.Batch) error {
		return batch.Set(tablesOfKind[e.Kind].indexEntry(e.Key, e.Value, e.ID), nil, nil)
	})
}

func (b breaker) DeleteEntry(t *testing.T, e directory.Entry) {
	b.write(t, func(batch *pebble.Batch) error {
		return batch.Delete(tablesOfKind[e.Kind].indexEntry(e.Key, e.Value, e.ID), nil)
	})
}

func (b breaker) PutMember(t *testing.T, gid, uid string) {
	b.write(t, func(batch *pebble.Batch) error {
		if err := batch.Set(tableMembers.key(pair(gid, uid)), nil, nil); err != nil {
			return err
		}
		return batch.Set(tableGroups.key(pair(uid, gid)), nil, nil)
	})
}

func (b breaker) SetCounter(t *testing.T, kind directory.Kind, n int64) {
	b.write(t, func(batch *pebble.Batch) error {
		return setUint(batch, tableCounts.key(string(kind)), uint64(n))
	})
}

// MarkDeleting returns false: a delete is one batch here.
func (b breaker) MarkDeleting(*testing.T, directory.Kind, string) bool { return false }
