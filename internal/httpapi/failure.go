package httpapi

import (
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// maxFailureDetail bounds the detail kept per failure.
const maxFailureDetail = 300

// isFailure reports whether a response is one Entra counts as a failed
// operation: any 5xx, 403 and 409; a 400 to a write (a search is a
// read, whatever its method); a 404 for a user or group by id, which Entra
// only asks for ids it holds (RFC 7644 §3.12 statuses).
func isFailure(method, route string, status int) bool {
	switch status {
	case http.StatusForbidden, http.StatusConflict:
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
// selects, and marks requests as seen (at most once a minute), except
// 401s, which it neither records nor marks: a request without a valid
// token (none, a malformed one or a wrong one) costs no DynamoDB request
// (docs/security.md), so a stranger cannot make the bridge write; it is
// only counted, in the Unauthorized and RejectedToken metrics (see
// count). It must run inside logAccess, whose request info and response
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
		if status == http.StatusUnauthorized {
			return
		}
		h.seen(r.Context())
		route := h.routeOf(r)
		if !isFailure(r.Method, route, status) {
			return
		}
		now := time.Now().UTC()
		f := journal.Failure{
			Time:            now,
			Expires:         now.Add(h.retention),
			Method:          r.Method,
			Route:           route,
			Status:          status,
			ClientRequestID: headerID(r, "client-request-id"),
		}
		if info := infoOf(r.Context()); info != nil && info.err != nil {
			f.ScimType, f.Detail = info.err.ScimType, truncate(info.err.Detail, maxFailureDetail)
		}
		if strings.HasSuffix(route, "/{id}") {
			f.ResourceID = path.Base(strings.TrimSuffix(r.URL.Path, "/"))
		}
		ctx, cancel := journal.WriteContext(r.Context())
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
		if _, pattern = h.mux.Handler(trimTrailingSlash(r)); pattern == unmatchedPattern {
			pattern = ""
		}
	}
	if _, p, ok := strings.Cut(pattern, " "); ok {
		pattern = p
	}
	return strings.TrimPrefix(pattern, h.base)
}
