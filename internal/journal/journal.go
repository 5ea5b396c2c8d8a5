// Package journal is the vocabulary of the failure journal: the requests
// that failed as Entra would log them, and the latest time each kind of
// traffic was seen. The HTTP handler writes it, the stores keep it and the
// reconciler reads it to tell a person when provisioning fails, stalls or
// uses the previous token. It needs only the standard library, so every
// layer can speak it without importing another.
package journal

import (
	"context"
	"time"
)

// DefaultRetention is how long failure records are kept unless configured
// otherwise: two weeks of Entra's cycles, and more than the reconciler
// needs to digest them.
const DefaultRetention = 14 * 24 * time.Hour

// Failure is one request that ended as a failure Entra would log in its
// provisioning logs: what the journal keeps of it. It holds no request
// body and no header but Entra's client-request-id.
type Failure struct {
	// Time is when the response was written.
	Time time.Time
	// Expires is when the record may be dropped.
	Expires time.Time
	Method  string
	// Route is the route's path pattern relative to the base path, as in
	// "/Users/{id}"; "" when no route matched (an unknown path).
	Route string
	// Status, ScimType and Detail are those of the SCIM error answered
	// (RFC 7644 §3.12); Detail is cut to a few hundred bytes.
	Status   int
	ScimType string
	Detail   string
	// ResourceID is the {id} of the path, if the route has one.
	ResourceID string
	// ClientRequestID is Entra's client-request-id header, which its
	// provisioning logs show, when it was a plausible id.
	ClientRequestID string
}

// Seen names a kind of event whose latest time the journal keeps.
type Seen string

// The events Writer.MarkSeen records.
const (
	// SeenRequest is an authenticated request: Entra is provisioning.
	SeenRequest Seen = "request"
	// SeenPreviousToken is a request authenticated with the secret's
	// previous token: Entra has not been given the rotated one yet.
	SeenPreviousToken Seen = "previous-token"
)

// Writer records failures and "last seen" marks. The HTTP handler writes
// through it; both directory stores implement it.
type Writer interface {
	// RecordFailure stores one failure until f.Expires.
	RecordFailure(ctx context.Context, f Failure) error
	// MarkSeen records that what happened at time at, keeping the latest
	// time of each kind.
	MarkSeen(ctx context.Context, what Seen, at time.Time) error
}

// Reader reads back what a Writer recorded. The reconciler reads through
// it; both directory stores implement it.
type Reader interface {
	// Failures returns the recorded failures with since < Time <= until,
	// oldest first, at most limit.
	Failures(ctx context.Context, since, until time.Time, limit int) ([]Failure, error)
	// LastSeen returns the latest time marked for what, zero if none.
	LastSeen(ctx context.Context, what Seen) (time.Time, error)
}
