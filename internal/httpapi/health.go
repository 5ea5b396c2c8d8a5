package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// HealthPath is where WithHealth answers: outside the SCIM base path, where
// load balancers and orchestrators look.
const HealthPath = "/healthz"

// healthTimeout bounds the store's answer to a health check: under
// Kubernetes' default probe timeout of one second, so that a slow store is
// reported as a 503 rather than as a probe that timed out.
const healthTimeout = 800 * time.Millisecond

// Pinger is what the health check needs of a store.
type Pinger interface {
	// Ping reads something small from the store and writes nothing. An
	// error means the store cannot answer.
	Ping(ctx context.Context) error
}

// WithHealth returns a handler that answers GET and HEAD of HealthPath
// itself, without a token: 200 when p answers, 503 when it does not, with
// a body that says no more (the reason is logged). Every other request goes
// to next. A health check is no SCIM request: it passes none of next's
// middleware, so it is neither logged nor recorded in the failure journal,
// and it writes nothing.
func WithHealth(next http.Handler, p Pinger, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != HealthPath {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			logger.LogAttrs(r.Context(), slog.LevelWarn, "health check: the store does not answer", slog.String("error", err.Error()))
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("unavailable\n"))
			return
		}
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("ok\n"))
	})
}
