package pebblestore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Every key starts with the name of the table it belongs to and a zero
// byte, and the tables are those of the bbolt store before it, so that its
// file migrates key for key (migrate.go):
//
//	<Kind>/records  id -> encode(record)
//	<Kind>/unique   key name, 0x00, value -> id        (directory.UniqueKeys)
//	<Kind>/entries  key name, 0x00, pair(value, id) -> nil (directory.EntryKeys)
//	<Kind>/email    pair(value, id) -> nil             (email is not unique)
//	members         pair(groupID, userID) -> nil       (a group's members)
//	groups          pair(userID, groupID) -> nil       (a user's groups)
//	counts          Kind -> uint64, big-endian         (List's total)
//	outbox, outbox-cursor                              (change events: outbox.go)
//
// Both membership directions are stored so that Members and a user's
// Groups are each one prefix scan, and so are the records holding an entry
// key's value.
//
// Stores written before issue 11, and bbolt files migrated from before it,
// also hold an externalId item in <Kind>/unique (externalId was unique
// then). Writes neither claim nor check it; Lookup reads it as one more
// entry of its id, and the reconciler replaces it with the record's entry.
var (
	tableMembers = newTable("members")
	tableGroups  = newTable("groups")
	tableCounts  = newTable("counts")
)

// table is the prefix of a table's keys: its name and a zero byte.
type table []byte

func newTable(name string) table { return table(name + "\x00") }

// key returns the key of k in t.
func (t table) key(k ...string) []byte {
	n := len(t)
	for _, s := range k {
		n += len(s)
	}
	b := make([]byte, 0, n)
	b = append(b, t...)
	for _, s := range k {
		b = append(b, s...)
	}
	return b
}

// kinds are the kinds the store keeps.
var kinds = []directory.Kind{directory.KindUser, directory.KindGroup}

// kindTables are one kind's tables.
type kindTables struct {
	kind                            directory.Kind
	records, unique, entries, email table
}

// tablesOfKind holds each kind's tables.
var tablesOfKind = func() map[directory.Kind]kindTables {
	m := map[directory.Kind]kindTables{}
	for _, k := range kinds {
		m[k] = kindTables{kind: k, records: newTable(string(k) + "/records"), unique: newTable(string(k) + "/unique"),
			entries: newTable(string(k) + "/entries"), email: newTable(string(k) + "/email")}
	}
	return m
}()

// tablesOf returns kind's tables, failing for a kind the store does not
// keep.
func tablesOf(kind directory.Kind) (kindTables, error) {
	kt, ok := tablesOfKind[kind]
	if !ok {
		return kindTables{}, fmt.Errorf("unknown kind %q", kind)
	}
	return kt, nil
}

func (kt kindTables) uniqueEntry(key directory.Key, value string) []byte {
	return kt.unique.key(string(key), "\x00", value)
}

// indexEntry is the key of the entry of record id holding key = value in
// <Kind>/entries; indexPrefix(key, value) starts every entry of that value.
func (kt kindTables) indexEntry(key directory.Key, value, id string) []byte {
	return kt.entries.key(string(key), "\x00", pair(value, id))
}

func (kt kindTables) indexPrefix(key directory.Key, value string) []byte {
	return kt.entries.key(string(key), "\x00", pairPrefix(value))
}

// index adds rec's keys to the kind's indexes, reading r for holders:
// uniqueness items, index entries and the email. It fails with a
// *directory.ConflictError if another record holds one of the unique keys.
// Empty keys are not indexed.
func (kt kindTables) index(r reader, b *pebble.Batch, rec *directory.Record) error {
	for _, u := range directory.Uniques(rec) {
		e := kt.uniqueEntry(u.Key, u.Value)
		holder, err := r.get(e)
		if err != nil {
			return err
		}
		if holder != nil && string(holder) != rec.ID {
			return &directory.ConflictError{Kind: u.Kind, Key: u.Key, Value: u.Value}
		}
		if err := b.Set(e, []byte(rec.ID), nil); err != nil {
			return err
		}
	}
	for _, e := range directory.Entries(rec) {
		if err := b.Set(kt.indexEntry(e.Key, e.Value, e.ID), nil, nil); err != nil {
			return err
		}
	}
	if rec.Keys.Email == "" {
		return nil
	}
	return b.Set(kt.email.key(pair(rec.Keys.Email, rec.ID)), nil, nil)
}

// unindex removes rec's keys from the kind's indexes.
func (kt kindTables) unindex(b *pebble.Batch, rec *directory.Record) error {
	for _, u := range directory.Uniques(rec) {
		if err := b.Delete(kt.uniqueEntry(u.Key, u.Value), nil); err != nil {
			return err
		}
	}
	for _, e := range directory.Entries(rec) {
		if err := b.Delete(kt.indexEntry(e.Key, e.Value, e.ID), nil); err != nil {
			return err
		}
	}
	if rec.Keys.Email == "" {
		return nil
	}
	return b.Delete(kt.email.key(pair(rec.Keys.Email, rec.ID)), nil)
}

// pairPrefix is the prefix every pair(a, …) starts with. The length of a
// leads so that no a is a prefix of another a's pairs, whatever bytes the
// strings hold.
func pairPrefix(a string) string {
	return string(binary.AppendUvarint(nil, uint64(len(a)))) + a
}

func pair(a, b string) string { return pairPrefix(a) + b }

// splitPair is the inverse of pair.
func splitPair(k []byte) (a, b string, ok bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || uint64(len(k)-w) < n {
		return "", "", false
	}
	return string(k[w : w+int(n)]), string(k[w+int(n):]), true
}

// partners returns the b of every pair(a, b) in t, in byte order.
func partners(r reader, t table, a string) ([]string, error) {
	var out []string
	prefix := t.key(pairPrefix(a))
	err := scanPrefix(r, prefix, func(k, _ []byte) error {
		out = append(out, string(k[len(prefix):]))
		return nil
	})
	return out, err
}

// scanPrefix calls fn with every key in r that starts with prefix, and its
// value, in key order. Both are valid only during the call.
func scanPrefix(r reader, prefix []byte, fn func(k, v []byte) error) error {
	return r.scan(prefix, after(prefix), fn)
}

// errStop ends a scan early without an error (reader.scan).
var errStop = errors.New("stop")

// after returns the least key greater than every key starting with prefix,
// nil if there is none (prefix is all 0xff).
func after(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// joinClose returns err, or closeErr if err is nil.
func joinClose(err, closeErr error) error {
	if err != nil {
		return err
	}
	return closeErr
}

// addCount adds delta to kind's total, reading it from r.
func addCount(r reader, b *pebble.Batch, kind directory.Kind, delta int64) error {
	n, err := count(r, kind)
	if err != nil {
		return err
	}
	return setUint(b, tableCounts.key(string(kind)), uint64(n+delta))
}

// count returns kind's total.
func count(r reader, kind directory.Kind) (int64, error) {
	n, err := getUint(r, tableCounts.key(string(kind)))
	return int64(n), err
}

// getUint returns the number stored at key as 8 bytes, big-endian (a
// total, the outbox cursor, the reconciler's state version), 0 if there is
// none.
func getUint(r reader, key []byte) (uint64, error) {
	v, err := r.get(key)
	if err != nil || len(v) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// setUint stores n at key as getUint reads it.
func setUint(b *pebble.Batch, key []byte, n uint64) error {
	return b.Set(key, binary.BigEndian.AppendUint64(nil, n), nil)
}
