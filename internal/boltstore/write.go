package boltstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// The writes run in db.Batch, which may run a function more than once (when
// another function of its batch fails, the batch is rolled back and run
// again). So they read their arguments into locals first and change nothing
// outside the transaction but their own results.

// write runs fn in a write transaction. A writer alone commits at once;
// writers that arrive while another is writing share one transaction and
// one fsync (bolt's Batch), which waits batchDelay for them to gather. A
// lone writer thus pays neither the delay nor the batch's hand-off between
// goroutines: a third less CPU per commit (docs/performance.md).
func (s *Store) write(fn func(*bolt.Tx) error) error {
	defer s.writers.Add(-1)
	if s.writers.Add(1) == 1 {
		return s.db.Update(fn)
	}
	return s.db.Batch(fn)
}

// Create stores a new record with its unique keys and email. It fails with
// a *directory.ConflictError (wrapping directory.ErrConflict) if another
// record of the kind holds one of its unique keys, and with an error
// wrapping directory.ErrConflict if its id is taken; it stores nothing then.
// rec.Groups is ignored.
func (s *Store) Create(ctx context.Context, rec *directory.Record) (err error) {
	kind, id, keys := rec.Kind, rec.ID, rec.Keys
	defer wrapf(&err, "create %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return err
	}
	if id == "" {
		return errors.New("empty id")
	}
	v := encode(rec)
	return s.batch(kind, func(tx *bolt.Tx, kb kindBuckets) error {
		if kb.records.Get([]byte(id)) != nil {
			return fmt.Errorf("id is taken: %w", directory.ErrConflict)
		}
		if err := kb.index(id, keys); err != nil {
			return err
		}
		if err := kb.records.Put([]byte(id), v); err != nil {
			return err
		}
		return addCount(tx, kind, 1)
	})
}

// Update replaces the record stored with version prev by rec, moving the
// keys that changed. It fails with directory.ErrNotFound if there is no
// such record, directory.ErrVersion if its version is not prev, and a
// *directory.ConflictError if another record holds one of rec's unique
// keys; the stored record is unchanged then. Memberships are kept.
func (s *Store) Update(ctx context.Context, rec *directory.Record, prev int64) (err error) {
	kind, id, keys := rec.Kind, rec.ID, rec.Keys
	defer wrapf(&err, "update %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return err
	}
	v := encode(rec)
	return s.batch(kind, func(tx *bolt.Tx, kb kindBuckets) error {
		old, err := kb.load(id)
		if err != nil {
			return err
		}
		if old.Version != prev {
			return fmt.Errorf("stored version is %d, not %d: %w", old.Version, prev, directory.ErrVersion)
		}
		// Unindexing first lets a record keep its own keys; a collision
		// rolls both steps back.
		if err := kb.unindex(id, old.Keys); err != nil {
			return err
		}
		if err := kb.index(id, keys); err != nil {
			return err
		}
		return kb.records.Put([]byte(id), v)
	})
}

// Touch adds one to a record's version and sets its lastModified to at,
// whatever its version, and returns the new version. It fails with
// directory.ErrNotFound if there is no such record. The member change is
// not kept: this store publishes no change events yet.
func (s *Store) Touch(ctx context.Context, kind directory.Kind, id string, at time.Time, _ directory.MemberChange) (version int64, err error) {
	defer wrapf(&err, "touch %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	err = s.batch(kind, func(tx *bolt.Tx, kb kindBuckets) error {
		rec, err := kb.load(id)
		if err != nil {
			return err
		}
		rec.Version++
		rec.LastModified = at
		version = rec.Version
		return kb.records.Put([]byte(id), encode(rec))
	})
	return version, err
}

// Delete removes a record, its keys and all its memberships: a deleted
// user leaves every group, a deleted group loses every member. It fails
// with directory.ErrNotFound if there is no such record.
func (s *Store) Delete(ctx context.Context, kind directory.Kind, id string) (err error) {
	defer wrapf(&err, "delete %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.batch(kind, func(tx *bolt.Tx, kb kindBuckets) error {
		rec, err := kb.load(id)
		if err != nil {
			return err
		}
		if err := kb.unindex(id, rec.Keys); err != nil {
			return err
		}
		if err := kb.records.Delete([]byte(id)); err != nil {
			return err
		}
		if err := addCount(tx, kind, -1); err != nil {
			return err
		}
		members, groups := tx.Bucket(bucketMembers), tx.Bucket(bucketGroups)
		if kind == directory.KindGroup {
			return unlink(members, groups, id)
		}
		return unlink(groups, members, id)
	})
}

// batch runs fn in a write transaction (see write), with kind's buckets.
func (s *Store) batch(kind directory.Kind, fn func(*bolt.Tx, kindBuckets) error) error {
	return s.write(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, kind)
		if err != nil {
			return err
		}
		return fn(tx, kb)
	})
}
