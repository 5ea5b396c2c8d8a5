package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/events"
)

// Create stores a new record with its unique keys, index entries and
// email. It fails with a *directory.ConflictError (wrapping
// directory.ErrConflict) if another record of the kind holds one of its
// unique keys, and with an error wrapping directory.ErrConflict if its id
// is taken; it stores nothing then. rec.Groups is ignored.
func (s *Store) Create(ctx context.Context, rec *directory.Record) (err error) {
	kind, id := rec.Kind, rec.ID
	defer wrapf(&err, "create %s %q", noun(kind), id)
	if id == "" {
		return errors.New("empty id")
	}
	v := encode(rec)
	return s.writeKind(ctx, kind, func(b *pebble.Batch, kt kindTables) error {
		switch old, err := s.direct().get(kt.records.key(id)); {
		case err != nil:
			return err
		case old != nil:
			return fmt.Errorf("id is taken: %w", directory.ErrConflict)
		}
		if err := kt.index(s.direct(), b, rec); err != nil {
			return err
		}
		if err := b.Set(kt.records.key(id), v, nil); err != nil {
			return err
		}
		if err := s.emit(b, events.Change{After: rec}); err != nil {
			return err
		}
		return addCount(s.direct(), b, kind, 1)
	})
}

// Update replaces the record stored with version prev by rec, moving the
// keys that changed. It fails with directory.ErrNotFound if there is no
// such record, directory.ErrVersion if its version is not prev, and a
// *directory.ConflictError if another record holds one of rec's unique
// keys; the stored record is unchanged then. Memberships are kept.
func (s *Store) Update(ctx context.Context, rec *directory.Record, prev int64) (err error) {
	kind, id := rec.Kind, rec.ID
	defer wrapf(&err, "update %s %q", noun(kind), id)
	v := encode(rec)
	return s.writeKind(ctx, kind, func(b *pebble.Batch, kt kindTables) error {
		old, err := kt.load(s.direct(), id)
		if err != nil {
			return err
		}
		if old.Version != prev {
			return fmt.Errorf("stored version is %d, not %d: %w", old.Version, prev, directory.ErrVersion)
		}
		// The old keys go first, so that a record keeps its own: index
		// reads the database, where they still name this record.
		if err := kt.unindex(b, old); err != nil {
			return err
		}
		if err := kt.index(s.direct(), b, rec); err != nil {
			return err
		}
		if err := s.emit(b, events.Change{Before: old, After: rec}); err != nil {
			return err
		}
		return b.Set(kt.records.key(id), v, nil)
	})
}

// Touch adds one to a record's version and sets its lastModified to at,
// whatever its version, and returns the new version. It fails with
// directory.ErrNotFound if there is no such record.
func (s *Store) Touch(ctx context.Context, kind directory.Kind, id string, at time.Time, mc directory.MemberChange) (version int64, err error) {
	defer wrapf(&err, "touch %s %q", noun(kind), id)
	err = s.writeKind(ctx, kind, func(b *pebble.Batch, kt kindTables) error {
		old, err := kt.load(s.direct(), id)
		if err != nil {
			return err
		}
		rec := *old
		rec.Version++
		rec.LastModified = at
		version = rec.Version
		if err := s.emit(b, events.Change{Before: old, After: &rec, Members: mc}); err != nil {
			return err
		}
		return b.Set(kt.records.key(id), encode(&rec), nil)
	})
	return version, err
}

// Delete removes a record, its keys and all its memberships: a deleted
// user leaves every group, a deleted group loses every member. It fails
// with directory.ErrNotFound if there is no such record.
func (s *Store) Delete(ctx context.Context, kind directory.Kind, id string) (err error) {
	defer wrapf(&err, "delete %s %q", noun(kind), id)
	return s.writeKind(ctx, kind, func(b *pebble.Batch, kt kindTables) error {
		rec, err := kt.load(s.direct(), id)
		if err != nil {
			return err
		}
		if err := kt.unindex(b, rec); err != nil {
			return err
		}
		if err := b.Delete(kt.records.key(id), nil); err != nil {
			return err
		}
		if err := addCount(s.direct(), b, kind, -1); err != nil {
			return err
		}
		if err := s.emit(b, events.Change{Before: rec, At: time.Now()}); err != nil {
			return err
		}
		if kind == directory.KindGroup {
			return unlink(s.direct(), b, tableMembers, tableGroups, id)
		}
		return unlink(s.direct(), b, tableGroups, tableMembers, id)
	})
}
