package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// pinger is a store's Ping as a function.
type pinger func(ctx context.Context) error

func (p pinger) Ping(ctx context.Context) error { return p(ctx) }

func TestHealthAnswersFromTheStore(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ping       pinger
		method     string
		wantStatus int
		wantBody   string
		wantLogged bool
	}{
		{name: "store answers", ping: func(context.Context) error { return nil }, method: "GET", wantStatus: 200, wantBody: "ok\n"},
		// net/http drops a HEAD's body; the recorder keeps it.
		{name: "HEAD", ping: func(context.Context) error { return nil }, method: "HEAD", wantStatus: 200, wantBody: "ok\n"},
		{
			name: "store fails", ping: func(context.Context) error { return errors.New("disk on fire at /var/lib/x") },
			method: "GET", wantStatus: 503, wantBody: "unavailable\n", wantLogged: true,
		},
		{
			name: "store hangs", ping: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
			method: "GET", wantStatus: 503, wantBody: "unavailable\n", wantLogged: true,
		},
		{name: "POST", ping: func(context.Context) error { t.Error("a POST pinged the store"); return nil }, method: "POST", wantStatus: 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("the health check reached the SCIM handler") })
			h := httpapi.WithHealth(next, tc.ping, slog.New(slog.NewJSONHandler(&log, nil)))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, httpapi.HealthPath, nil))
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", rec.Code, rec.Body.String(), tc.wantStatus, tc.wantBody)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
			if logged := strings.Contains(log.String(), "health check"); logged != tc.wantLogged {
				t.Errorf("logged %v, want %v: %s", logged, tc.wantLogged, log.String())
			}
		})
	}
}

func TestHealthIsNoSCIMRequest(t *testing.T) {
	journal := &failureLog{}
	e := newEnvWith(t, newService(t), httpapi.Config{FailureLog: journal})
	h := httpapi.WithHealth(e.h, pinger(func(context.Context) error { return nil }), slog.New(slog.DiscardHandler))

	// Without a token, any number of times: nothing recorded, nothing
	// logged by the access log.
	for range 5 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", httpapi.HealthPath, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", httpapi.HealthPath, rec.Code)
		}
	}
	if f := journal.take(); len(f) != 0 || len(journal.seen) != 0 || e.log.String() != "" {
		t.Errorf("health checks were recorded: failures %v, seen %v, log %s", f, journal.seen, e.log.String())
	}

	// The SCIM handler is still behind it, token and access log included
	// (a 401 is logged and counted, never journaled: docs/security.md).
	for _, path := range []string{"/scim/v2/Users", "/scim/v2" + httpapi.HealthPath, httpapi.HealthPath + "/x"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer wrong")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with a wrong token: %d, want 401", path, rec.Code)
		}
	}
	rejected := 0
	for _, line := range e.log.lines(t) {
		if line["msg"] == "request" && line["status"] == 401.0 && line["rejected_token"] == true {
			rejected++
		}
	}
	if f := journal.take(); rejected != 3 || len(f) != 0 {
		t.Errorf("the SCIM handler's 401s: %d access-log lines, %d failures recorded; want 3 and 0", rejected, len(f))
	}
}
