package pebblestore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// ReleaseUnique deletes the uniqueness entry u if it names owner; otherwise
// it fails with directory.ErrVersion.
func (s *Store) ReleaseUnique(ctx context.Context, u directory.Unique, owner string) (err error) {
	defer wrapf(&err, "release %s %s", noun(u.Kind), u.Key)
	return s.writeKind(ctx, u.Kind, func(b *pebble.Batch, kt kindTables) error {
		e := kt.uniqueEntry(u.Key, u.Value)
		holder, err := s.direct().get(e)
		if err != nil {
			return err
		}
		if string(holder) != owner {
			return fmt.Errorf("no longer names %q: %w", owner, directory.ErrVersion)
		}
		return b.Delete(e, nil)
	})
}

// ClaimUnique writes the uniqueness entry u naming record id, if the record
// is at version and holds u's value (else directory.ErrVersion, or
// directory.ErrNotFound if it is gone) and no other record's entry is
// there (else a *directory.ConflictError).
func (s *Store) ClaimUnique(ctx context.Context, u directory.Unique, id string, version int64) (err error) {
	defer wrapf(&err, "claim %s %s for %q", noun(u.Kind), u.Key, id)
	return s.writeKind(ctx, u.Kind, func(b *pebble.Batch, kt kindTables) error {
		if err := kt.holds(s.direct(), id, u.Key, u.Value, version); err != nil {
			return err
		}
		e := kt.uniqueEntry(u.Key, u.Value)
		switch holder, err := s.direct().get(e); {
		case err != nil:
			return err
		case holder == nil:
			return b.Set(e, []byte(id), nil)
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
	return s.writeKind(ctx, e.Kind, func(b *pebble.Batch, kt kindTables) error {
		if err := kt.holds(s.direct(), e.ID, e.Key, e.Value, version); err != nil {
			return err
		}
		return b.Set(kt.indexEntry(e.Key, e.Value, e.ID), nil, nil)
	})
}

// DropEntry deletes the index entry e, if its record is gone or no longer
// holds e's value; otherwise it fails with directory.ErrVersion.
func (s *Store) DropEntry(ctx context.Context, e directory.Entry) (err error) {
	defer wrapf(&err, "drop %s %s entry of %q", noun(e.Kind), e.Key, e.ID)
	return s.writeKind(ctx, e.Kind, func(b *pebble.Batch, kt kindTables) error {
		rec, err := kt.load(s.direct(), e.ID)
		if err == nil && rec.Keys.Get(e.Key) == e.Value {
			return fmt.Errorf("record holds the value: %w", directory.ErrVersion)
		}
		if err != nil && !errors.Is(err, directory.ErrNotFound) {
			return err
		}
		return b.Delete(kt.indexEntry(e.Key, e.Value, e.ID), nil)
	})
}

// SetCounter sets kind's total to n if it is expect, else fails with
// directory.ErrVersion.
func (s *Store) SetCounter(ctx context.Context, kind directory.Kind, n, expect int64) (err error) {
	defer wrapf(&err, "set the %s counter", noun(kind))
	return s.writeKind(ctx, kind, func(b *pebble.Batch, _ kindTables) error {
		got, err := count(s.direct(), kind)
		if err != nil {
			return err
		}
		if got != expect {
			return fmt.Errorf("counter is %d, not %d: %w", got, expect, directory.ErrVersion)
		}
		return setUint(b, tableCounts.key(string(kind)), uint64(n))
	})
}

// holds checks that record id is at version and holds k = value, before
// a repair writes an item of that value for it. It fails with
// directory.ErrNotFound if the record is gone and directory.ErrVersion
// otherwise.
func (kt kindTables) holds(r reader, id string, k directory.Key, value string, version int64) error {
	rec, err := kt.load(r, id)
	if err != nil {
		return err
	}
	if rec.Version != version || rec.Keys.Get(k) != value {
		return fmt.Errorf("record changed: %w", directory.ErrVersion)
	}
	return nil
}
