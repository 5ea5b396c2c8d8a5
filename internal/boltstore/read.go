package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Get returns a record by id, a user with its groups. It fails with
// directory.ErrNotFound if the kind has no record with that id.
func (s *Store) Get(ctx context.Context, kind directory.Kind, id string) (rec *directory.Record, err error) {
	defer wrapf(&err, "get %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, kind)
		if err != nil {
			return err
		}
		if rec, err = kb.load(id); err != nil {
			return err
		}
		fillGroups(tx, rec)
		return nil
	})
	return rec, err
}

// Lookup returns the records of kind whose key equals value, users with
// their groups: at most one for a unique key, every holder in id order for
// an entry key or the email, none for an empty value. It reads the key's
// index and the records it names, and never scans.
func (s *Store) Lookup(ctx context.Context, kind directory.Kind, key directory.Key, value string) (recs []*directory.Record, err error) {
	defer wrapf(&err, "lookup %s %s %q", noun(kind), key, value)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if value == "" {
		return nil, nil // empty keys are not indexed
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, kind)
		if err != nil {
			return err
		}
		var ids []string
		switch {
		case directory.IsUnique(kind, key):
			if id := kb.unique.Get(uniqueEntry(key, value)); id != nil {
				ids = []string{string(id)}
			}
		case slices.Contains(directory.EntryKeys(kind), key):
			ids = kb.holders(key, value)
		case key == directory.KeyEmail:
			ids = partners(kb.email, value)
		case key == directory.KeyUserName, key == directory.KeyDisplayName:
			// Not a key of this kind: no record holds it.
		default:
			return fmt.Errorf("unknown key %q", key)
		}
		for _, id := range ids {
			rec, err := kb.load(id)
			if errors.Is(err, directory.ErrNotFound) && !directory.IsUnique(kind, key) {
				continue // a legacy item of a record since deleted
			}
			if err != nil {
				return fmt.Errorf("index entry for %q: %w", id, err)
			}
			if rec.Keys.Get(key) != value {
				continue // a legacy item of a record whose value changed
			}
			fillGroups(tx, rec)
			recs = append(recs, rec)
		}
		return nil
	})
	return recs, err
}

// List returns a page of the kind's records in id order, which is creation
// order for the service's time-ordered ids, and the kind's total. A
// StartIndex below 1 counts as 1 (RFC 7644 §3.4.2.4); a page past the end is
// empty.
//
// bbolt cannot seek to a position, so a page costs a cursor step for every
// record before it: cheap next to decoding, and it spares an index of
// positions that every create and delete would have to shift.
func (s *Store) List(ctx context.Context, kind directory.Kind, opts directory.ListOptions) (recs []*directory.Record, total int, err error) {
	defer wrapf(&err, "list %ss", noun(kind))
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	start := max(opts.StartIndex, 1)
	err = s.db.View(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, kind)
		if err != nil {
			return err
		}
		total = count(tx, kind)
		if opts.Count <= 0 || start > total {
			return nil
		}
		c := kb.records.Cursor()
		k, v := c.First()
		for i := 1; i < start && k != nil; i++ {
			k, v = c.Next()
		}
		for ; k != nil && len(recs) < opts.Count; k, v = c.Next() {
			rec, err := decode(kind, string(k), v)
			if err != nil {
				return fmt.Errorf("decode %q: %w", k, err)
			}
			if opts.WithGroups {
				fillGroups(tx, rec)
			}
			recs = append(recs, rec)
		}
		return nil
	})
	return recs, total, err
}

// MissingUsers returns those of ids that are not stored users, in the order
// given.
func (s *Store) MissingUsers(ctx context.Context, ids []string) (missing []string, err error) {
	defer wrapf(&err, "find missing users")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		kb, err := bucketsOf(tx, directory.KindUser)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if kb.records.Get([]byte(id)) == nil {
				missing = append(missing, id)
			}
		}
		return nil
	})
	return missing, err
}

// holders returns the ids of the records with entries of key = value, in
// id order, and that of a legacy uniqueness item of the key (a file written
// before issue 11), which may no longer hold the value.
func (kb kindBuckets) holders(key directory.Key, value string) []string {
	var ids []string
	prefix := indexPrefix(key, value)
	c := kb.entries.Cursor()
	for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	if id := kb.unique.Get(uniqueEntry(key, value)); id != nil && !slices.Contains(ids, string(id)) {
		ids = append(ids, string(id))
		slices.Sort(ids)
	}
	return ids
}

// load returns the kind's record with id, without its groups. It fails
// with directory.ErrNotFound if there is none.
func (kb kindBuckets) load(id string) (*directory.Record, error) {
	v := kb.records.Get([]byte(id))
	if v == nil {
		return nil, directory.ErrNotFound
	}
	rec, err := decode(kb.kind, id, v)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return rec, nil
}

// fillGroups sets a user's Groups from its memberships; other kinds have
// none.
func fillGroups(tx *bolt.Tx, rec *directory.Record) {
	if rec.Kind == directory.KindUser {
		rec.Groups = partners(tx.Bucket(bucketGroups), rec.ID)
	}
}
