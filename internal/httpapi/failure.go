package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// Defaults and bounds of the failure log.
const (
	// DefaultFailureRetention is how long failure records are kept when
	// Config.FailureRetention is zero: two weeks of Entra's cycles, and
	// more than the reconciler needs to digest them.
	DefaultFailureRetention = 14 * 24 * time.Hour
	// recordTimeout bounds a failure record or seen mark write, which runs
	// before the response returns: a slow store costs a failing request at
	// most this much, never its answer.
	recordTimeout = 300 * time.Millisecond
	// seenEvery is the least time between two seen marks of one kind from
	// one process: the stall check counts in hours, so a mark a minute is
	// plenty and costs one write per minute per Lambda instance.
	seenEvery = time.Minute
	// maxFailureDetail bounds the detail kept per failure.
	maxFailureDetail = 300
)

// Failure is one request that ended as a failure Entra would log in its
// provisioning logs: what the failure log keeps of it. It holds no request
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
	// HadToken reports whether the request carried a bearer token. Entra
	// always sends one, so a 401 with a token means Entra's Secret Token is
	// wrong, while 401s without one are usually scanners of a public URL.
	HadToken bool
}

// Seen names a kind of event whose latest time the failure log keeps.
type Seen string

// The events FailureLog.MarkSeen records.
const (
	// SeenRequest is an authenticated request: Entra is provisioning.
	SeenRequest Seen = "request"
	// SeenPreviousToken is a request authenticated with the secret's
	// previous token: Entra has not been given the rotated one yet.
	SeenPreviousToken Seen = "previous-token"
)

// FailureLog keeps failures and "last seen" marks for the reconciler. It is
// declared here, where it is written; both directory stores implement it.
type FailureLog interface {
	// RecordFailure stores one failure until f.Expires.
	RecordFailure(ctx context.Context, f Failure) error
	// MarkSeen records that what happened at time at, keeping the latest
	// time of each kind.
	MarkSeen(ctx context.Context, what Seen, at time.Time) error
}

// isFailure reports whether a response is one Entra counts as a failed
// operation: any 5xx, 401, 403 and 409; a 400 to a write (a search is a
// read, whatever its method); a 404 for a user or group by id, which Entra
// only asks for ids it holds (RFC 7644 §3.12 statuses).
func isFailure(method, route string, status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict:
		return true
	case http.StatusBadRequest:
		write := method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
		return write && !strings.HasSuffix(route, "/.search")
	case http.StatusNotFound:
		return route == scim.Users.Endpoint+"/{id}" || route == scim.Groups.Endpoint+"/{id}"
	}
	return status >= 500
}

// recordFailures writes a failure record for each response isFailure
// selects, and marks authenticated requests as seen (at most once a
// minute). It must run inside logAccess, whose request info and response
// recorder it reads, and outside authentication and panic recovery, whose
// answers it records. A failed or slow write is logged and never changes
// the response.
func (h *handler) recordFailures(next http.Handler) http.Handler {
	if h.failures == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		status := http.StatusOK
		if rec, ok := w.(*recorder); ok && rec.status != 0 {
			status = rec.status
		}
		if status != http.StatusUnauthorized {
			h.seen(r.Context())
		}
		route := h.routeOf(r)
		if !isFailure(r.Method, route, status) {
			return
		}
		now := time.Now().UTC()
		_, hadToken := bearerToken(r.Header.Get("Authorization"))
		f := Failure{
			Time:            now,
			Expires:         now.Add(h.retention),
			Method:          r.Method,
			Route:           route,
			Status:          status,
			ClientRequestID: headerID(r, "client-request-id"),
			HadToken:        hadToken,
		}
		if info := infoOf(r.Context()); info != nil && info.err != nil {
			f.ScimType, f.Detail = info.err.ScimType, truncate(info.err.Detail, maxFailureDetail)
		}
		if strings.HasSuffix(route, "/{id}") {
			f.ResourceID = path.Base(strings.TrimSuffix(r.URL.Path, "/"))
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), recordTimeout)
		defer cancel()
		if err := h.failures.RecordFailure(ctx, f); err != nil {
			h.log.LogAttrs(r.Context(), slog.LevelWarn, "cannot record failure",
				slog.String("request_id", requestIDOf(r)), slog.String("error", err.Error()))
		}
	})
}

// routeOf returns the path pattern of r's route relative to the base path:
// the one the mux matched, or, for a request answered before routing (a
// 401), the one it would match; "" for none.
func (h *handler) routeOf(r *http.Request) string {
	pattern := ""
	if info := infoOf(r.Context()); info != nil {
		pattern = info.route
	}
	if pattern == "" {
		_, pattern = h.mux.Handler(trimTrailingSlash(r))
	}
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	return strings.TrimPrefix(pattern, h.base)
}

// SeenMarker returns a function that records what as seen now in log, at
// most once a minute per returned function (so per process), bounded in
// time, logging a failed write to logger (nil discards it). It suits hooks
// outside the handler, such as the token source's use of a previous token.
func SeenMarker(log FailureLog, what Seen, logger *slog.Logger) func(context.Context) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var last atomic.Int64 // UnixNano of the last mark begun
	return func(ctx context.Context) {
		now := time.Now()
		prev := last.Load()
		if prev != 0 && now.UnixNano()-prev < int64(seenEvery) {
			return
		}
		// Of concurrent requests, only the one that moves the time marks.
		if !last.CompareAndSwap(prev, now.UnixNano()) {
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		defer cancel()
		if err := log.MarkSeen(ctx, what, now.UTC()); err != nil {
			logger.LogAttrs(ctx, slog.LevelWarn, "cannot mark as seen",
				slog.String("seen", string(what)), slog.String("error", err.Error()))
		}
	}
}
