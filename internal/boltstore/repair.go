package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// The reconciler's repairs run in their own transactions rather than in
// shared batches: they are rare, and a failed condition would make a batch
// run every other writer's function again.

// ReleaseUnique deletes the uniqueness entry u if it names owner; otherwise
// it fails with directory.ErrVersion.
func (s *Store) ReleaseUnique(ctx context.Context, u directory.Unique, owner string) (err error) {
	defer wrapf(&err, "release %s %s", noun(u.Kind), u.Key)
	return s.update(ctx, u.Kind, func(_ *bolt.Tx, kb kindBuckets) error {
		e := uniqueEntry(u.Key, u.Value)
		if string(kb.unique.Get(e)) != owner {
			return fmt.Errorf("no longer names %q: %w", owner, directory.ErrVersion)
		}
		return kb.unique.Delete(e)
	})
}

// ClaimUnique writes the uniqueness entry u naming record id, if the record
// is at version and holds u's value (else directory.ErrVersion, or
// directory.ErrNotFound if it is gone) and no other record's entry is
// there (else a *directory.ConflictError).
func (s *Store) ClaimUnique(ctx context.Context, u directory.Unique, id string, version int64) (err error) {
	defer wrapf(&err, "claim %s %s for %q", noun(u.Kind), u.Key, id)
	return s.update(ctx, u.Kind, func(_ *bolt.Tx, kb kindBuckets) error {
		rec, err := kb.load(id)
		if err != nil {
			return err
		}
		if rec.Version != version || rec.Keys.Get(u.Key) != u.Value {
			return fmt.Errorf("record changed: %w", directory.ErrVersion)
		}
		e := uniqueEntry(u.Key, u.Value)
		switch holder := kb.unique.Get(e); {
		case holder == nil:
			return kb.unique.Put(e, []byte(id))
		case string(holder) != id:
			return &directory.ConflictError{Kind: u.Kind, Key: u.Key, Value: u.Value}
		}
		return nil
	})
}

// AddEntry writes the index entry e, if its record is at version and holds
// e's value (else directory.ErrVersion, or directory.ErrNotFound if it is
// gone).
func (s *Store) AddEntry(ctx context.Context, e directory.Entry, version int64) (err error) {
	defer wrapf(&err, "add %s %s entry of %q", noun(e.Kind), e.Key, e.ID)
	return s.update(ctx, e.Kind, func(_ *bolt.Tx, kb kindBuckets) error {
		rec, err := kb.load(e.ID)
		if err != nil {
			return err
		}
		if rec.Version != version || rec.Keys.Get(e.Key) != e.Value {
			return fmt.Errorf("record changed: %w", directory.ErrVersion)
		}
		return kb.entries.Put(indexEntry(e.Key, e.Value, e.ID), nil)
	})
}

// DropEntry deletes the index entry e, if its record is gone or no longer
// holds e's value; otherwise it fails with directory.ErrVersion.
func (s *Store) DropEntry(ctx context.Context, e directory.Entry) (err error) {
	defer wrapf(&err, "drop %s %s entry of %q", noun(e.Kind), e.Key, e.ID)
	return s.update(ctx, e.Kind, func(_ *bolt.Tx, kb kindBuckets) error {
		rec, err := kb.load(e.ID)
		if err == nil && rec.Keys.Get(e.Key) == e.Value {
			return fmt.Errorf("record holds the value: %w", directory.ErrVersion)
		}
		if err != nil && !errors.Is(err, directory.ErrNotFound) {
			return err
		}
		return kb.entries.Delete(indexEntry(e.Key, e.Value, e.ID))
	})
}

// SetCounter sets kind's total to n if it is expect, else fails with
// directory.ErrVersion.
func (s *Store) SetCounter(ctx context.Context, kind directory.Kind, n, expect int64) (err error) {
	defer wrapf(&err, "set the %s counter", noun(kind))
	return s.update(ctx, kind, func(tx *bolt.Tx, _ kindBuckets) error {
		if got := int64(count(tx, kind)); got != expect {
			return fmt.Errorf("counter is %d, not %d: %w", got, expect, directory.ErrVersion)
		}
		return tx.Bucket(bucketCounts).Put([]byte(kind), binary.BigEndian.AppendUint64(nil, uint64(n)))
	})
}

// update runs fn in a write transaction of its own, with kind's buckets.
func (s *Store) update(ctx context.Context, kind directory.Kind, fn func(*bolt.Tx, kindBuckets) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, kind)
		if err != nil {
			return err
		}
		return fn(tx, kb)
	})
}
