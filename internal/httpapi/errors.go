package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// retryAfterSeconds is the Retry-After of 503 answers: the causes (a
// throttled store, an unreachable secret store, a lost version race) pass
// within seconds.
const retryAfterSeconds = 1

// logCause logs the cause of a 503 or 504 with the request id, so that an
// operator can tell a throttle from a lost race or a timeout.
func (h *handler) logCause(r *http.Request, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelWarn, "unavailable",
		slog.String("request_id", requestIDOf(r)), slog.String("error", err.Error()))
}

// writeError is the one place an error becomes a response: a RFC 7644 §3.12
// body with the error's status. A *scim.Error is sent as it is; store and
// context errors map to their statuses; anything else is an internal error,
// answered 500 with a generic detail and logged, as are the causes of 503s
// and 504s.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *scim.Error
	var tooLarge *http.MaxBytesError
	var conflict *directory.ConflictError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &tooLarge):
		// tooMany, as for the PATCH limits (docs/conformance.md, §3.12).
		e = scim.Errorf(http.StatusRequestEntityTooLarge, scim.TooMany,
			"the request body exceeds %d bytes; send less in each request", tooLarge.Limit)
	case errors.Is(err, directory.ErrNotFound):
		e = scim.Errorf(http.StatusNotFound, "", "resource not found")
	case errors.Is(err, directory.ErrConflict):
		e = scim.Conflict("a resource with the same unique attribute exists")
		if errors.As(err, &conflict) {
			e = scim.Conflict("%v", conflict)
		}
	case errors.Is(err, directory.ErrVersion):
		e = scim.Errorf(http.StatusPreconditionFailed, "", "the resource has changed: If-Match does not hold")
	case errors.Is(err, directory.ErrUnavailable):
		h.logCause(r, err)
		h.metrics.Count("StoreUnavailable")
		e = scim.Unavailable(retryAfterSeconds, "the directory is busy; retry")
	case errors.Is(err, context.DeadlineExceeded):
		h.logCause(r, err)
		h.metrics.Count("Timeouts")
		e = scim.Errorf(http.StatusGatewayTimeout, "", "the request took too long; retry")
		e.RetryAfter = retryAfterSeconds
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer, and it is no
		// fault of the bridge's to log as one.
		e = scim.Unavailable(retryAfterSeconds, "the request was cancelled")
	default:
		h.log.LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("request_id", requestIDOf(r)), slog.String("error", err.Error()))
		e = scim.Errorf(http.StatusInternalServerError, "", "internal error; see the bridge's logs for request id %s", requestIDOf(r))
	}
	if info := infoOf(r.Context()); info != nil {
		info.err = e
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	// A *scim.Error always encodes; nothing useful is left to do if the
	// write itself fails.
	_ = writeJSON(w, e.Status, e)
}
