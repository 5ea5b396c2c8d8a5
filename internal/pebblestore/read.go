package pebblestore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Reads that look at more than one key read them from one snapshot, so
// that they see the directory as it was at one moment, as one bbolt read
// transaction did.

// view calls fn with a snapshot of the database.
func (s *Store) view(fn func(r pebble.Reader) error) (err error) {
	snap := s.db.NewSnapshot()
	defer func() { err = joinClose(err, snap.Close()) }()
	return fn(snap)
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
	if kind != directory.KindUser {
		return kt.load(s.db, id)
	}
	err = s.view(func(r pebble.Reader) error {
		if rec, err = kt.load(r, id); err != nil {
			return err
		}
		return fillGroups(r, rec)
	})
	return rec, err
}

// Lookup returns the records of kind whose key equals value, users with
// their groups: at most one for a unique key, none for an empty value. It
// reads the key's index and the records it names, and never scans.
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
	err = s.view(func(r pebble.Reader) error {
		var ids []string
		switch key {
		case directory.KeyUserName, directory.KeyExternalID, directory.KeyDisplayName:
			id, err := get(r, kt.uniqueEntry(key, value))
			if err != nil {
				return err
			}
			if id != nil {
				ids = []string{string(id)}
			}
		case directory.KeyEmail:
			if ids, err = partners(r, kt.email, value); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown key %q", key)
		}
		for _, id := range ids {
			rec, err := kt.load(r, id)
			if err != nil {
				return fmt.Errorf("index entry for %q: %w", id, err)
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
	err = s.view(func(r pebble.Reader) error {
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
		if err != nil && !errors.Is(err, errStop) {
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
	err = s.view(func(r pebble.Reader) error {
		for _, id := range ids {
			v, err := get(r, kt.records.key(id))
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

// load returns the kind's record with id, without its groups. It fails
// with directory.ErrNotFound if there is none.
func (kt kindTables) load(r pebble.Reader, id string) (*directory.Record, error) {
	v, closer, err := r.Get(kt.records.key(id))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, directory.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	rec, err := decode(kt.kind, id, v)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return rec, nil
}

// fillGroups sets a user's Groups from its memberships; other kinds have
// none.
func fillGroups(r pebble.Reader, rec *directory.Record) (err error) {
	if rec.Kind == directory.KindUser {
		rec.Groups, err = partners(r, tableGroups, rec.ID)
	}
	return err
}
