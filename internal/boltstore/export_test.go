package boltstore

import (
	"encoding/binary"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile/reconciletest"
)

// Breaker returns a reconciletest.Breaker that writes straight into s's
// buckets, as a bug or a damaged file could leave them.
func (s *Store) Breaker() reconciletest.Breaker { return breaker{s} }

type breaker struct{ s *Store }

func (b breaker) write(t *testing.T, fn func(tx *bolt.Tx) error) {
	t.Helper()
	if err := b.s.db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func (b breaker) PutRecord(t *testing.T, rec *directory.Record) {
	b.write(t, func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, rec.Kind)
		if err != nil {
			return err
		}
		return kb.records.Put([]byte(rec.ID), encode(rec))
	})
}

func (b breaker) PutUnique(t *testing.T, u directory.Unique, id string) {
	b.write(t, func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, u.Kind)
		if err != nil {
			return err
		}
		return kb.unique.Put(uniqueEntry(u.Key, u.Value), []byte(id))
	})
}

func (b breaker) DeleteUnique(t *testing.T, u directory.Unique) {
	b.write(t, func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, u.Kind)
		if err != nil {
			return err
		}
		return kb.unique.Delete(uniqueEntry(u.Key, u.Value))
	})
}

func (b breaker) PutEntry(t *testing.T, e directory.Entry) {
	b.write(t, func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, e.Kind)
		if err != nil {
			return err
		}
		return kb.entries.Put(indexEntry(e.Key, e.Value, e.ID), nil)
	})
}

func (b breaker) DeleteEntry(t *testing.T, e directory.Entry) {
	b.write(t, func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, e.Kind)
		if err != nil {
			return err
		}
		return kb.entries.Delete(indexEntry(e.Key, e.Value, e.ID))
	})
}

func (b breaker) PutMember(t *testing.T, gid, uid string) {
	b.write(t, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMembers).Put(pair(gid, uid), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketGroups).Put(pair(uid, gid), nil)
	})
}

func (b breaker) SetCounter(t *testing.T, kind directory.Kind, n int64) {
	b.write(t, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCounts).Put([]byte(kind), binary.BigEndian.AppendUint64(nil, uint64(n)))
	})
}

// MarkDeleting returns false: a delete is one transaction here.
func (b breaker) MarkDeleting(*testing.T, directory.Kind, string) bool { return false }
