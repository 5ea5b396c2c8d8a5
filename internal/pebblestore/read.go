package pebblestore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Reads that look at more than one key read them through one iterator, so
// that they see the directory as it was at one moment, as one bbolt read
// transaction did. An iterator is a lighter view than a snapshot: it is
// one read of the engine's state, where a snapshot is registered with the
// database and its release checks for compactions to run.

// view calls fn with a reader of the database as it is when view begins.
func (s *Store) view(fn func(r reader) error) (err error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return err
	}
	defer func() { err = joinClose(err, it.Close()) }()
	return fn(iterReader{it})
}

// Get returns a record by id, a user with its groups. It fails with
// directory.ErrNotFound if the kind has no record with that id.
func (s *Store) Get(ctx context.Context, kind directory.Kind, id string) (rec *directory.Record, err error) {
	defer wrapf(&err, "get %s %q", noun(kind), id)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kt, err := tablesOf(kind)
	if err != nil {
		return nil, err
	}
	err = s.view(func(r reader) error {
		if rec, err = kt.load(r, id); err != nil {
			return err
		}
		return fillGroups(r, rec)
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
	kt, err := tablesOf(kind)
	if err != nil {
		return nil, err
	}
	err = s.view(func(r reader) error {
		var ids []string
		switch {
		case directory.IsUnique(kind, key):
			id, err := r.get(kt.uniqueEntry(key, value))
			if err != nil {
				return err
			}
			if id != nil {
				ids = []string{string(id)}
			}
		case slices.Contains(directory.EntryKeys(kind), key):
			if ids, err = kt.holders(r, key, value); err != nil {
				return err
			}
		case key == directory.KeyEmail:
			if ids, err = partners(r, kt.email, value); err != nil {
				return err
			}
		case key == directory.KeyUserName, key == directory.KeyDisplayName:
			// Not a key of this kind: no record holds it.
		default:
			return fmt.Errorf("unknown key %q", key)
		}
		for _, id := range ids {
			rec, err := kt.load(r, id)
			if errors.Is(err, directory.ErrNotFound) && !directory.IsUnique(kind, key) {
				continue // a legacy item of a record since deleted
			}
			if err != nil {
				return fmt.Errorf("index entry for %q: %w", id, err)
			}
			if rec.Keys.Get(key) != value {
				continue // a legacy item of a record whose value changed
			}
			if err := fillGroups(r, rec); err != nil {
				return err
			}
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
// A page costs an iterator step for every record before it: cheap next to
// decoding, and it spares an index of positions that every create and
// delete would have to shift.
func (s *Store) List(ctx context.Context, kind directory.Kind, opts directory.ListOptions) (recs []*directory.Record, total int, err error) {
	defer wrapf(&err, "list %ss", noun(kind))
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	kt, err := tablesOf(kind)
	if err != nil {
		return nil, 0, err
	}
	start := max(opts.StartIndex, 1)
	err = s.view(func(r reader) error {
		n, err := count(r, kind)
		if err != nil {
			return err
		}
		total = int(n)
		if opts.Count <= 0 || start > total {
			return nil
		}
		skip := start - 1
		err = scanPrefix(r, kt.records, func(k, v []byte) error {
			if skip > 0 {
				skip--
				return nil
			}
			if len(recs) == opts.Count {
				return errStop
			}
			rec, err := decode(kind, string(k[len(kt.records):]), v)
			if err != nil {
				return fmt.Errorf("decode %q: %w", k[len(kt.records):], err)
			}
			recs = append(recs, rec)
			return nil
		})
		if err != nil {
			return err
		}
		if opts.WithGroups {
			for _, rec := range recs {
				if err := fillGroups(r, rec); err != nil {
					return err
				}
			}
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
	kt, _ := tablesOf(directory.KindUser)
	err = s.view(func(r reader) error {
		for _, id := range ids {
			v, err := r.get(kt.records.key(id))
			if err != nil {
				return err
			}
			if v == nil {
				missing = append(missing, id)
			}
		}
		return nil
	})
	return missing, err
}

// holders returns the ids of the records with entries of key = value, in
// id order, and that of a legacy uniqueness item of the key (a store
// written before issue 11, or migrated from such a bbolt file), which may
// no longer hold the value.
func (kt kindTables) holders(r reader, key directory.Key, value string) ([]string, error) {
	var ids []string
	prefix := kt.indexPrefix(key, value)
	err := scanPrefix(r, prefix, func(k, _ []byte) error {
		ids = append(ids, string(k[len(prefix):]))
		return nil
	})
	if err != nil {
		return nil, err
	}
	id, err := r.get(kt.uniqueEntry(key, value))
	if err != nil {
		return nil, err
	}
	if id != nil && !slices.Contains(ids, string(id)) {
		ids = append(ids, string(id))
		slices.Sort(ids)
	}
	return ids, nil
}

// load returns the kind's record with id, without its groups. It fails
// with directory.ErrNotFound if there is none.
func (kt kindTables) load(r reader, id string) (*directory.Record, error) {
	v, err := r.get(kt.records.key(id))
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, directory.ErrNotFound
	}
	rec, err := decode(kt.kind, id, v)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return rec, nil
}

// fillGroups sets a user's Groups from its memberships; other kinds have
// none.
func fillGroups(r reader, rec *directory.Record) (err error) {
	if rec.Kind == directory.KindUser {
		rec.Groups, err = partners(r, tableGroups, rec.ID)
	}
	return err
}
