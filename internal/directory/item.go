package directory

// ItemType is what a stored item is, as a store's full scan reports it.
type ItemType uint8

// The item types; ItemOther is anything the reconciler's checks ignore
// (failure records, marks, counters, the run's state).
const (
	ItemOther ItemType = iota
	ItemRecord
	ItemUnique
	ItemEntry
	ItemMember
)

// Item is one stored item as a store's full scan reports it: the
// vocabulary in which stores show the reconciler what they hold, whatever
// their layout.
type Item struct {
	Type ItemType
	// Record is the record of an ItemRecord (without Groups).
	Record *Record
	// Deleting marks a record whose delete began and has not finished.
	Deleting bool
	// Unique and Owner are the key of an ItemUnique and the id it names.
	Unique Unique
	Owner  string
	// Entry is the index entry of an ItemEntry.
	Entry Entry
	// GroupID and UserID join an ItemMember.
	GroupID, UserID string
}

// Ref names a record.
type Ref struct {
	Kind Kind
	ID   string
}
