package httpapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// maxHeaderID bounds the request ids taken from headers into logs.
const maxHeaderID = 128

// requestInfo is what the access log and the failure log learn from inner
// layers: the request id assigned, the route the mux matched, the SCIM
// error answered, if any, and whether a bearer token was presented and
// found wrong.
type requestInfo struct {
	id            string
	route         string
	err           *scim.Error
	rejectedToken bool
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey{}).(*requestInfo)
	return info
}

// logAccess writes one log line per request (info, warn for 5xx) and echoes
// the request id as X-Request-Id. It logs neither the query string (filters
// hold user names) nor headers nor bodies.
func (h *handler) logAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: h.newRequestID(r)}
		w.Header().Set("X-Request-Id", info.id)
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))

		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", info.route),
			slog.String("path", r.URL.EscapedPath()),
			slog.Int("status", status),
			slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("request_id", info.id),
			slog.Int64("bytes", rec.bytes),
		}
		if id := headerID(r, "client-request-id"); id != "" {
			attrs = append(attrs, slog.String("client_request_id", id))
		}
		if info.err != nil {
			attrs = append(attrs, slog.String("error", info.err.Detail))
		}
		if info.rejectedToken {
			attrs = append(attrs, slog.Bool("rejected_token", true))
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		h.log.LogAttrs(r.Context(), level, "request", attrs...)
		h.count(r, status, info.rejectedToken)
	})
}

// RejectedTokenMetric is the metric counting 401s to requests that carried
// a bearer token: Entra always sends one, so a burst of them means Entra's
// Secret Token is wrong or expired. The template's RejectedTokenAlarm
// watches it.
const RejectedTokenMetric = "RejectedToken"

// count puts the request's metrics: one request by route and status class
// (classes, not codes, keep the number of metrics CloudWatch bills small),
// and one Unauthorized for a 401, with one RejectedTokenMetric when the
// request carried a token that was wrong. Counting is all a 401 costs.
func (h *handler) count(r *http.Request, status int, rejectedToken bool) {
	if h.metrics == nil {
		return
	}
	route := h.routeOf(r)
	if route == "" {
		route = "unknown"
	} else {
		route = r.Method + " " + route
	}
	h.metrics.Put([]emf.Dimension{{Name: "Route", Value: route}, {Name: "StatusClass", Value: strconv.Itoa(status/100) + "xx"}},
		emf.Metric{Name: "Requests", Unit: emf.Count, Value: 1})
	switch {
	case rejectedToken:
		h.metrics.Put(nil, emf.Metric{Name: "Unauthorized", Unit: emf.Count, Value: 1},
			emf.Metric{Name: RejectedTokenMetric, Unit: emf.Count, Value: 1})
	case status == http.StatusUnauthorized:
		h.metrics.Count("Unauthorized")
	}
}

// newRequestID returns the id the platform gave r (Config.RequestID), else
// the caller's X-Request-Id, else a new random id.
func (h *handler) newRequestID(r *http.Request) string {
	if h.requestID != nil {
		if id := h.requestID(r); id != "" {
			return id
		}
	}
	if id := headerID(r, "X-Request-Id"); id != "" {
		return id
	}
	return rand.Text()
}

// headerID returns the named header when it is a plausible id: short,
// printable ASCII without spaces. Anything else is dropped rather than
// logged, since headers are the client's to fill.
func headerID(r *http.Request, name string) string {
	id := r.Header.Get(name)
	if len(id) > maxHeaderID {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return ""
		}
	}
	return id
}

// recoverPanic turns a panic in an inner handler into a 500 SCIM error,
// logged with its stack like any other internal error.
func (h *handler) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := fmt.Errorf("httpapi: panic: %v\n%s", v, debug.Stack())
			if rec, ok := w.(*recorder); ok && rec.status != 0 {
				// Too late for an error response; log it all the same.
				h.log.LogAttrs(r.Context(), slog.LevelError, "internal error after response started",
					slog.String("request_id", requestIDOf(r)), slog.String("error", err.Error()))
				return
			}
			h.writeError(w, r, err)
		}()
		next.ServeHTTP(w, r)
	})
}

func requestIDOf(r *http.Request) string {
	if info := infoOf(r.Context()); info != nil {
		return info.id
	}
	return ""
}

// recorder remembers the status and size of a response for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
