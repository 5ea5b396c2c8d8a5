package reconcile

import (
	"context"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// Store is what a run needs of a directory store: the directory operations
// that repair through the store's own rules, a way to read every item, and
// the failure log. It is declared here, where it is used; the embedded and
// DynamoDB stores implement it.
//
// Conditional writes fail with an error wrapping directory.ErrVersion when
// what they were conditioned on changed since it was read; the run then
// leaves the item to a later pass.
type Store interface {
	// Get, Delete and RemoveMembers are those of directory.Store.
	Get(ctx context.Context, kind directory.Kind, id string) (*directory.Record, error)
	Delete(ctx context.Context, kind directory.Kind, id string) error
	RemoveMembers(ctx context.Context, groupID string, userIDs []string) error

	Items
	Repairs
	Journal
}

// Items reads a store's items for the checks.
type Items interface {
	// Segments returns how many parts of the store Scan can read in
	// parallel; it does not change while a store is open.
	Segments() int
	// Scan returns up to limit items of one segment, in the store's own
	// order, from cursor ("" for the segment's start), and the cursor to
	// continue from, "" when the segment has no more items. Reads are
	// strongly consistent.
	Scan(ctx context.Context, segment int, cursor string, limit int) (items []directory.Item, next string, err error)
	// Records returns the records of refs, including those being deleted;
	// missing ones are absent from the map.
	Records(ctx context.Context, refs []directory.Ref) (map[directory.Ref]directory.Item, error)
	// Owners returns the id each uniqueness item of keys names; missing
	// ones are absent from the map.
	Owners(ctx context.Context, keys []directory.Unique) (map[directory.Unique]string, error)
	// Entries reports which of entries are stored; missing ones are
	// absent from the map.
	Entries(ctx context.Context, entries []directory.Entry) (map[directory.Entry]bool, error)
	// Counter returns the stored total of kind, 0 if there is none.
	Counter(ctx context.Context, kind directory.Kind) (int64, error)
}

// Repairs are the writes of repairs that the directory operations do not
// cover. Each is conditional, so a repair never undoes a concurrent write.
type Repairs interface {
	// ReleaseUnique deletes the uniqueness item u if it still names owner.
	ReleaseUnique(ctx context.Context, u directory.Unique, owner string) error
	// ClaimUnique writes the uniqueness item u naming record id, if no
	// uniqueness item u exists and the record is at version and holds u's
	// value. Another owner is a *directory.ConflictError.
	ClaimUnique(ctx context.Context, u directory.Unique, id string, version int64) error
	// AddEntry writes the index entry e if its record is at version and
	// holds e's value.
	AddEntry(ctx context.Context, e directory.Entry, version int64) error
	// DropEntry deletes the index entry e if its record is gone or does
	// not hold e's value.
	DropEntry(ctx context.Context, e directory.Entry) error
	// SetCounter sets kind's total to n if it is still expect.
	SetCounter(ctx context.Context, kind directory.Kind, n, expect int64) error
}

// Journal is the run's memory and the failure journal the handler writes.
type Journal interface {
	// LoadState returns the saved run state and its version (0 and nil
	// when none was saved).
	LoadState(ctx context.Context) (data []byte, version int64, err error)
	// SaveState saves data as version+1 if the saved version is still
	// version.
	SaveState(ctx context.Context, data []byte, version int64) error

	journal.Reader
}

// Rotation tells when the bearer token was last rotated.
type Rotation interface {
	// RotatedAt returns when the current token was set.
	RotatedAt(ctx context.Context) (time.Time, error)
}
