package directory

// uniqueKeys is the unique-key rule; UniqueKeys states it.
var uniqueKeys = map[Kind][]Key{
	KindUser:  {KeyUserName, KeyExternalID},
	KindGroup: {KeyDisplayName, KeyExternalID},
}

// UniqueKeys returns the keys unique within kind: a user's folded userName,
// a group's folded displayName, and for both the externalId as sent. Every
// store claims a record's uniqueness items in this order and the reconciler
// checks the same ones, so this is the one statement of the rule. The slice
// is shared: callers must not change it. A kind that is not stored has none.
func UniqueKeys(kind Kind) []Key { return uniqueKeys[kind] }

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
