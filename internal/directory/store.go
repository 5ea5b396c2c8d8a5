package directory

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind names the type of a stored resource.
type Kind string

// The stored kinds.
const (
	KindUser  Kind = "User"
	KindGroup Kind = "Group"
)

// Key names a lookup key a store indexes. The service computes every value
// (folded where the attribute is case-insensitive) before the store sees it.
type Key string

// The indexed keys. UniqueKeys says which are unique within a kind and
// EntryKeys which are indexed by an entry per record; email is neither.
const (
	KeyUserName    Key = "userName"
	KeyExternalID  Key = "externalId"
	KeyDisplayName Key = "displayName"
	KeyEmail       Key = "email"
)

// Keys are a record's indexed values; "" means none.
type Keys struct {
	// UserName is the folded userName (users).
	UserName string
	// ExternalID is the externalId exactly as sent (users and groups).
	ExternalID string
	// DisplayName is the folded displayName (groups).
	DisplayName string
	// Email is the folded value of the first email typed "work" (users),
	// the value Entra matches with emails[type eq "work"].value.
	Email string
}

// Get returns the value of key k.
func (k Keys) Get(key Key) string {
	switch key {
	case KeyUserName:
		return k.UserName
	case KeyExternalID:
		return k.ExternalID
	case KeyDisplayName:
		return k.DisplayName
	case KeyEmail:
		return k.Email
	}
	return ""
}

// Record is one stored user or group.
type Record struct {
	Kind Kind
	ID   string
	// Version starts at 1 and grows by one with every change.
	Version      int64
	Created      time.Time
	LastModified time.Time
	Keys         Keys
	// Doc is the canonical JSON of the resource's attributes, without id,
	// meta, a user's groups or a group's members.
	Doc []byte
	// Groups are the ids of the groups a user belongs to. Stores fill it
	// in Get and Lookup of users, and in List when asked to; writes ignore it.
	Groups []string
}

// ListOptions selects a page of a kind's records.
type ListOptions struct {
	// StartIndex is 1-based (RFC 7644 §3.4.2.4).
	StartIndex int
	Count      int
	// WithGroups asks for users' Groups.
	WithGroups bool
}

// Store keeps users, groups and memberships. It is declared here, where it is
// used; the embedded (Pebble) and DynamoDB stores implement it, and
// internal/storetest holds the contract both pass.
//
// Every write is atomic and conditional: a unique key taken by another record
// fails with an error wrapping ErrConflict, a stale version with ErrVersion, a
// missing record with ErrNotFound. A store that cannot answer now (throttled,
// unreachable) returns an error wrapping ErrUnavailable.
type Store interface {
	// Create stores a new record with its unique keys and index entries.
	Create(ctx context.Context, rec *Record) error
	// Get returns a record by id.
	Get(ctx context.Context, kind Kind, id string) (*Record, error)
	// Lookup returns the records whose key equals value, from the key's
	// index, never by a scan: at most one for a unique key, every one for
	// another.
	Lookup(ctx context.Context, kind Kind, key Key, value string) ([]*Record, error)
	// Update replaces the stored record whose version is prev with rec,
	// moving unique keys and index entries that changed. rec.Version must
	// be prev+1.
	Update(ctx context.Context, rec *Record, prev int64) error
	// Touch bumps a record's version and sets its lastModified without a
	// version condition, and returns the new version. Member changes use
	// it, so concurrent member PATCHes of one group never conflict. The
	// new version records change, the members it added and removed: the
	// change events of docs/events.md are derived from it.
	Touch(ctx context.Context, kind Kind, id string, at time.Time, change MemberChange) (int64, error)
	// Delete removes a record, its unique keys, its index entries and all
	// its memberships.
	Delete(ctx context.Context, kind Kind, id string) error
	// List returns one page of a kind's records in a stable order (oldest
	// first) and the kind's total count.
	List(ctx context.Context, kind Kind, opts ListOptions) ([]*Record, int, error)

	// AddMembers makes users members of a group; existing members are
	// left as they are. It does not check that the users exist.
	AddMembers(ctx context.Context, groupID string, userIDs []string) error
	// RemoveMembers removes memberships; absent ones are ignored.
	RemoveMembers(ctx context.Context, groupID string, userIDs []string) error
	// Members returns the ids of a group's members.
	Members(ctx context.Context, groupID string) ([]string, error)
	// MissingUsers returns those of ids that are not stored users.
	MissingUsers(ctx context.Context, ids []string) ([]string, error)
}

// MemberChange is what one version of a group changed in its members: the
// ids of the users it added and of those it removed.
type MemberChange struct {
	Added, Removed []string
}

// MaxChangeMembers bounds the member ids one version of a group records:
// the service splits a larger change into several versions, so that the
// group's item stays small and each change event far below EventBridge's
// 256 KiB (docs/events.md).
const MaxChangeMembers = 1000

// Errors stores wrap to say what went wrong.
var (
	ErrNotFound    = errors.New("not found")
	ErrConflict    = errors.New("unique key taken")
	ErrVersion     = errors.New("version changed")
	ErrUnavailable = errors.New("store unavailable")
)

// ConflictError says which unique key a write collided on. It wraps
// ErrConflict.
type ConflictError struct {
	Kind  Kind
	Key   Key
	Value string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %s %q is taken", e.Kind, e.Key, e.Value)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }
