// Package directory is the bridge's service: SCIM semantics over a Store.
// It assigns ids, maintains meta and versions, enforces uniqueness and the
// membership rules, and computes users' groups from memberships.
package directory

import (
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// Query selects resources for a list or search (RFC 7644 §3.4.2).
type Query struct {
	// Filter is nil for all resources.
	Filter filter.Expr
	// StartIndex is 1-based; Count is already clamped by the caller.
	StartIndex int
	Count      int
	// WithMembers asks for groups' members (when the projection shows
	// them); users' groups are always returned.
	WithMembers bool
}

// Page is the result of a Query.
type Page struct {
	TotalResults int
	StartIndex   int
	Resources    []*Resource
}

// Options configure a Service. Zero values select the defaults.
type Options struct {
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// NewID returns a new resource id; default a UUIDv7.
	NewID func() string
}

// Service implements SCIM's operations on users and groups.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
}

// New returns a Service over store.
func New(store Store, opts Options) *Service {
	s := &Service{store: store, now: opts.Now, newID: opts.NewID}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = NewUUIDv7
	}
	return s
}
