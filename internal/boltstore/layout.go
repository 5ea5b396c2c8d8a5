package boltstore

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// The database holds these top-level buckets:
//
//	<Kind>/records  id -> encode(record)
//	<Kind>/unique   key name, 0x00, value -> id        (directory.UniqueKeys)
//	<Kind>/entries  key name, 0x00, pair(value, id) -> nil (directory.EntryKeys)
//	<Kind>/email    pair(value, id) -> nil             (email is not unique)
//	members         pair(groupID, userID) -> nil       (a group's members)
//	groups          pair(userID, groupID) -> nil       (a user's groups)
//	counts          Kind -> uint64, big-endian         (List's total)
//
// Both membership directions are stored so that Members and a user's
// Groups are each one prefix scan, and so are the records holding an entry
// key's value.
//
// Files written before issue 11 also hold an externalId item in
// <Kind>/unique (externalId was unique then). Writes neither claim nor
// check it; Lookup reads it as one more entry of its id, and the
// reconciler replaces it with the record's entry.
var (
	bucketMembers = []byte("members")
	bucketGroups  = []byte("groups")
	bucketCounts  = []byte("counts")
)

// kinds are the kinds the store keeps.
var kinds = []directory.Kind{directory.KindUser, directory.KindGroup}

// kindBuckets are one kind's buckets in a transaction.
type kindBuckets struct {
	kind    directory.Kind
	records *bolt.Bucket
	unique  *bolt.Bucket
	entries *bolt.Bucket
	email   *bolt.Bucket
}

func bucketNames(kind directory.Kind) (records, unique, entries, email []byte) {
	return []byte(kind + "/records"), []byte(kind + "/unique"), []byte(kind + "/entries"), []byte(kind + "/email")
}

// createBuckets makes every bucket that does not exist yet.
func createBuckets(tx *bolt.Tx) error {
	names := [][]byte{bucketMembers, bucketGroups, bucketCounts}
	for _, kind := range kinds {
		r, u, n, e := bucketNames(kind)
		names = append(names, r, u, n, e)
	}
	for _, name := range names {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// bucketsOf returns kind's buckets, failing for a kind the store does not
// keep.
func bucketsOf(tx *bolt.Tx, kind directory.Kind) (kindBuckets, error) {
	r, u, n, e := bucketNames(kind)
	kb := kindBuckets{kind: kind, records: tx.Bucket(r), unique: tx.Bucket(u), entries: tx.Bucket(n), email: tx.Bucket(e)}
	if kb.records == nil || kb.unique == nil || kb.entries == nil || kb.email == nil {
		return kindBuckets{}, fmt.Errorf("unknown kind %q", kind)
	}
	return kb, nil
}

func uniqueEntry(key directory.Key, value string) []byte {
	return append([]byte(key+"\x00"), value...)
}

// indexEntry is the key of the entry of record id holding key = value in
// <Kind>/entries; indexPrefix(key, value) starts every entry of that value.
func indexEntry(key directory.Key, value, id string) []byte {
	return append(indexPrefix(key, value), id...)
}

func indexPrefix(key directory.Key, value string) []byte {
	return append([]byte(key+"\x00"), pairPrefix(value)...)
}

// index adds keys to the kind's indexes for record id: uniqueness items,
// index entries and the email. It fails with a *directory.ConflictError if
// another record holds one of the unique keys. Empty keys are not indexed.
func (kb kindBuckets) index(id string, keys directory.Keys) error {
	for _, key := range directory.UniqueKeys(kb.kind) {
		v := keys.Get(key)
		if v == "" {
			continue
		}
		e := uniqueEntry(key, v)
		if holder := kb.unique.Get(e); holder != nil && string(holder) != id {
			return &directory.ConflictError{Kind: kb.kind, Key: key, Value: v}
		}
		if err := kb.unique.Put(e, []byte(id)); err != nil {
			return err
		}
	}
	for _, key := range directory.EntryKeys(kb.kind) {
		if v := keys.Get(key); v != "" {
			if err := kb.entries.Put(indexEntry(key, v, id), nil); err != nil {
				return err
			}
		}
	}
	if keys.Email == "" {
		return nil
	}
	return kb.email.Put(pair(keys.Email, id), nil)
}

// unindex removes keys of record id from the kind's indexes.
func (kb kindBuckets) unindex(id string, keys directory.Keys) error {
	for _, key := range directory.UniqueKeys(kb.kind) {
		if v := keys.Get(key); v != "" {
			if err := kb.unique.Delete(uniqueEntry(key, v)); err != nil {
				return err
			}
		}
	}
	for _, key := range directory.EntryKeys(kb.kind) {
		if v := keys.Get(key); v != "" {
			if err := kb.entries.Delete(indexEntry(key, v, id)); err != nil {
				return err
			}
		}
	}
	if keys.Email == "" {
		return nil
	}
	return kb.email.Delete(pair(keys.Email, id))
}

// pairPrefix is the prefix every pair(a, …) starts with. The length of a
// leads so that no a is a prefix of another a's pairs, whatever bytes the
// strings hold.
func pairPrefix(a string) []byte {
	return append(binary.AppendUvarint(nil, uint64(len(a))), a...)
}

func pair(a, b string) []byte { return append(pairPrefix(a), b...) }

// partners returns the b of every pair(a, b) in bucket, in byte order.
func partners(bucket *bolt.Bucket, a string) []string {
	var out []string
	prefix := pairPrefix(a)
	c := bucket.Cursor()
	for k, _ := c.Seek(prefix); bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out
}

// addCount adds delta to kind's total.
func addCount(tx *bolt.Tx, kind directory.Kind, delta int64) error {
	b := tx.Bucket(bucketCounts)
	n := int64(count(tx, kind)) + delta
	return b.Put([]byte(kind), binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// count returns kind's total.
func count(tx *bolt.Tx, kind directory.Kind) int {
	v := tx.Bucket(bucketCounts).Get([]byte(kind))
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}
