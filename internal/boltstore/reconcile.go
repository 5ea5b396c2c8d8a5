package boltstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// scanned are the buckets Scan reads, in order. The groups bucket mirrors
// members in the same transactions, so reading one direction covers both;
// the email index and the counters are not items the checks look at. A
// cursor holds a bucket's position here, so new buckets go at the end.
var scanned = [][]byte{
	[]byte(directory.KindUser + "/records"), []byte(directory.KindUser + "/unique"),
	[]byte(directory.KindGroup + "/records"), []byte(directory.KindGroup + "/unique"),
	bucketMembers,
	[]byte(directory.KindUser + "/entries"), []byte(directory.KindGroup + "/entries"),
}

// Segments returns 1: a bbolt file is read by one reader at a time anyway.
func (s *Store) Segments() int { return 1 }

// Scan returns up to limit items from cursor on, bucket by bucket in key
// order, and the cursor of the item after the last (the bucket's index and
// the item's key, base64), "" at the end. It reads one consistent snapshot
// per call.
func (s *Store) Scan(ctx context.Context, _ int, cursor string, limit int) (items []directory.Item, next string, err error) {
	defer wrapf(&err, "scan")
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	bi, from, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		for ; bi < len(scanned); bi, from = bi+1, nil {
			c := tx.Bucket(scanned[bi]).Cursor()
			k, v := c.First()
			if from != nil {
				k, v = c.Seek(from)
			}
			for ; k != nil; k, v = c.Next() {
				if len(items) == limit {
					next = base64.RawURLEncoding.EncodeToString(append([]byte{byte(bi)}, k...))
					return nil
				}
				it, err := itemOf(bi, k, v)
				if err != nil {
					return err
				}
				items = append(items, it)
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

// itemOf returns the item stored at k, v of scanned bucket bi.
func itemOf(bi int, k, v []byte) (directory.Item, error) {
	name := string(scanned[bi])
	switch {
	case bytes.Equal(scanned[bi], bucketMembers):
		gid, uid, ok := splitPair(k)
		if !ok {
			return directory.Item{}, fmt.Errorf("malformed membership key %q", k)
		}
		return directory.Item{Type: directory.ItemMember, GroupID: gid, UserID: uid}, nil
	case bytes.HasSuffix(scanned[bi], []byte("/unique")):
		key, value, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return directory.Item{}, fmt.Errorf("malformed unique key %q in %s", k, name)
		}
		kind := directory.Kind(name[:len(name)-len("/unique")])
		u := directory.Unique{Kind: kind, Key: directory.Key(key), Value: string(value)}
		return directory.Item{Type: directory.ItemUnique, Unique: u, Owner: string(v)}, nil
	case bytes.HasSuffix(scanned[bi], []byte("/entries")):
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

// splitPair is the inverse of pair.
func splitPair(k []byte) (a, b string, ok bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || uint64(len(k)-w) < n {
		return "", "", false
	}
	return string(k[w : w+int(n)]), string(k[w+int(n):]), true
}

// Records returns the records of refs; a kind the store does not keep has
// none.
func (s *Store) Records(ctx context.Context, refs []directory.Ref) (out map[directory.Ref]directory.Item, err error) {
	defer wrapf(&err, "read %d records", len(refs))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out = make(map[directory.Ref]directory.Item, len(refs))
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, ref := range refs {
			kb, err := bucketsOf(tx, ref.Kind)
			if err != nil {
				continue
			}
			rec, err := kb.load(ref.ID)
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
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, u := range keys {
			kb, err := bucketsOf(tx, u.Kind)
			if err != nil {
				continue
			}
			if id := kb.unique.Get(uniqueEntry(u.Key, u.Value)); id != nil {
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
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, e := range entries {
			kb, err := bucketsOf(tx, e.Kind)
			if err != nil {
				continue
			}
			if kb.entries.Get(indexEntry(e.Key, e.Value, e.ID)) != nil {
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
	err = s.db.View(func(tx *bolt.Tx) error {
		n = int64(count(tx, kind))
		return nil
	})
	return n, err
}
