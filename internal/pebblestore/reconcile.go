package pebblestore

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// scanned are the tables Scan reads, in order. The groups table mirrors
// members in the same batches, so reading one direction covers both; the
// email index and the counters are not items the checks look at. A cursor
// holds a table's position here, so new tables go at the end.
var scanned = []table{
	tablesOfKind[directory.KindUser].records, tablesOfKind[directory.KindUser].unique,
	tablesOfKind[directory.KindGroup].records, tablesOfKind[directory.KindGroup].unique,
	tableMembers,
	tablesOfKind[directory.KindUser].entries, tablesOfKind[directory.KindGroup].entries,
}

// Segments returns 1: one iterator reads the store in key order.
func (s *Store) Segments() int { return 1 }

// Scan returns up to limit items from cursor on, table by table in key
// order, and the cursor of the item after the last (the table's index and
// the item's key, base64), "" at the end. It reads one consistent snapshot
// per call.
func (s *Store) Scan(ctx context.Context, _ int, cursor string, limit int) (items []directory.Item, next string, err error) {
	defer wrapf(&err, "scan")
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	ti, from, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	err = s.view(func(r reader) error {
		for ; ti < len(scanned); ti, from = ti+1, nil {
			t := scanned[ti]
			err := r.scan(t.key(string(from)), after(t), func(k, v []byte) error {
				k = k[len(t):]
				if len(items) == limit {
					next = base64.RawURLEncoding.EncodeToString(append([]byte{byte(ti)}, k...))
					return errStop
				}
				it, err := itemOf(t, k, v)
				if err != nil {
					return err
				}
				items = append(items, it)
				return nil
			})
			if err != nil || next != "" {
				return err
			}
		}
		return nil
	})
	return items, next, err
}

func decodeCursor(cursor string) (int, []byte, error) {
	if cursor == "" {
		return 0, nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 || int(b[0]) >= len(scanned) {
		return 0, nil, fmt.Errorf("bad cursor %q", cursor)
	}
	return int(b[0]), b[1:], nil
}

// itemOf returns the item stored at k (without the table's prefix), v of
// scanned table t.
func itemOf(t table, k, v []byte) (directory.Item, error) {
	name := string(t[:len(t)-1])
	switch {
	case bytes.Equal(t, tableMembers):
		gid, uid, ok := splitPair(k)
		if !ok {
			return directory.Item{}, fmt.Errorf("malformed membership key %q", k)
		}
		return directory.Item{Type: directory.ItemMember, GroupID: gid, UserID: uid}, nil
	case bytes.HasSuffix([]byte(name), []byte("/unique")):
		key, value, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return directory.Item{}, fmt.Errorf("malformed unique key %q in %s", k, name)
		}
		kind := directory.Kind(name[:len(name)-len("/unique")])
		u := directory.Unique{Kind: kind, Key: directory.Key(key), Value: string(value)}
		return directory.Item{Type: directory.ItemUnique, Unique: u, Owner: string(v)}, nil
	case strings.HasSuffix(name, "/entries"):
		key, rest, ok := bytes.Cut(k, []byte{0})
		value, id, ok2 := splitPair(rest)
		if !ok || !ok2 {
			return directory.Item{}, fmt.Errorf("malformed index entry %q in %s", k, name)
		}
		kind := directory.Kind(name[:len(name)-len("/entries")])
		e := directory.Entry{Kind: kind, Key: directory.Key(key), Value: value, ID: id}
		return directory.Item{Type: directory.ItemEntry, Entry: e}, nil
	}
	kind := directory.Kind(name[:len(name)-len("/records")])
	rec, err := decode(kind, string(k), v)
	if err != nil {
		return directory.Item{}, fmt.Errorf("decode %s %q: %w", noun(kind), k, err)
	}
	return directory.Item{Type: directory.ItemRecord, Record: rec}, nil
}

// Records returns the records of refs; a kind the store does not keep has
// none.
func (s *Store) Records(ctx context.Context, refs []directory.Ref) (out map[directory.Ref]directory.Item, err error) {
	defer wrapf(&err, "read %d records", len(refs))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out = make(map[directory.Ref]directory.Item, len(refs))
	err = s.view(func(r reader) error {
		for _, ref := range refs {
			kt, err := tablesOf(ref.Kind)
			if err != nil {
				continue
			}
			rec, err := kt.load(r, ref.ID)
			if errors.Is(err, directory.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[ref] = directory.Item{Type: directory.ItemRecord, Record: rec}
		}
		return nil
	})
	return out, err
}

// Owners returns the id each of keys' uniqueness entries names.
func (s *Store) Owners(ctx context.Context, keys []directory.Unique) (out map[directory.Unique]string, err error) {
	defer wrapf(&err, "read %d unique keys", len(keys))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out = make(map[directory.Unique]string, len(keys))
	err = s.view(func(r reader) error {
		for _, u := range keys {
			kt, err := tablesOf(u.Kind)
			if err != nil {
				continue
			}
			id, err := r.get(kt.uniqueEntry(u.Key, u.Value))
			if err != nil {
				return err
			}
			if id != nil {
				out[u] = string(id)
			}
		}
		return nil
	})
	return out, err
}

// Entries reports which of entries are stored.
func (s *Store) Entries(ctx context.Context, entries []directory.Entry) (out map[directory.Entry]bool, err error) {
	defer wrapf(&err, "read %d index entries", len(entries))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out = make(map[directory.Entry]bool, len(entries))
	err = s.view(func(r reader) error {
		for _, e := range entries {
			kt, err := tablesOf(e.Kind)
			if err != nil {
				continue
			}
			v, err := r.get(kt.indexEntry(e.Key, e.Value, e.ID))
			if err != nil {
				return err
			}
			if v != nil { // an entry's value is empty, but not nil
				out[e] = true
			}
		}
		return nil
	})
	return out, err
}

// Counter returns kind's stored total.
func (s *Store) Counter(ctx context.Context, kind directory.Kind) (n int64, err error) {
	defer wrapf(&err, "read the %s counter", noun(kind))
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return count(s.direct(), kind)
}
