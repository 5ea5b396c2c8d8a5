package httpapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// maxHeaderID bounds the request ids taken from headers into logs.
const maxHeaderID = 128

// requestInfo is what the access log and the failure log learn from inner
// layers: the request id assigned, the route the mux matched and the SCIM
// error answered, if any.
type requestInfo struct {
	id    string
	route string
	err   *scim.Error
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
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		h.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
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
