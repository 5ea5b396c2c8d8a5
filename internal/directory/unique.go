package directory

import "slices"

// uniqueKeys is the unique-key rule; UniqueKeys states it.
var uniqueKeys = map[Kind][]Key{
	KindUser:  {KeyUserName},
	KindGroup: {KeyDisplayName},
}

// entryKeys are the keys indexed by one entry per record; EntryKeys states
// them.
var entryKeys = map[Kind][]Key{
	KindUser:  {KeyExternalID},
	KindGroup: {KeyExternalID},
}

// UniqueKeys returns the keys unique within kind: a user's folded userName
// and a group's folded displayName. Every store claims a record's
// uniqueness items in this order and the reconciler checks the same ones,
// so this is the one statement of the rule. externalId is not unique
// (RFC 7643 §3.1; see EntryKeys). The slice is shared: callers must not
// change it. A kind that is not stored has none.
func UniqueKeys(kind Kind) []Key { return uniqueKeys[kind] }

// EntryKeys returns the keys that many records of kind may share and that
// stores index with one entry per record holding a value, which the
// reconciler checks like uniqueness items: the externalId as sent, of users
// and of groups. Entra's default mapping sends mailNickname as externalId,
// which repeats across users in tenants with several domains, and
// RFC 7643 §3.1 does not make it unique. (The work email is not unique
// either, but stores index it on their own terms and the reconciler does
// not check it.) The slice is shared: callers must not change it.
func EntryKeys(kind Kind) []Key { return entryKeys[kind] }

// Unique names a uniqueness item: key = value within kind.
type Unique struct {
	Kind  Kind
	Key   Key
	Value string
}

// Uniques returns the uniqueness items rec must have: one for each unique
// key of its kind that it holds a value for.
func Uniques(rec *Record) []Unique {
	var out []Unique
	for _, k := range UniqueKeys(rec.Kind) {
		if v := rec.Keys.Get(k); v != "" {
			out = append(out, Unique{rec.Kind, k, v})
		}
	}
	return out
}

// IsUnique reports whether key is unique within kind. A uniqueness item of
// another key is a leftover of an older rule (the externalId items written
// before issue 11), which claims nothing.
func IsUnique(kind Kind, key Key) bool { return slices.Contains(UniqueKeys(kind), key) }

// Entry names an index entry: record ID of kind holds key = value.
type Entry struct {
	Kind  Kind
	Key   Key
	Value string
	ID    string
}

// Entries returns the index entries rec must have: one for each entry key
// of its kind that it holds a value for.
func Entries(rec *Record) []Entry {
	var out []Entry
	for _, k := range EntryKeys(rec.Kind) {
		if v := rec.Keys.Get(k); v != "" {
			out = append(out, Entry{rec.Kind, k, v, rec.ID})
		}
	}
	return out
}
