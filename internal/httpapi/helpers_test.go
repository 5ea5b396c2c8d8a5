package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
)

const testToken = "test-token-0123456789"

// env is a handler under test, with its log and the bearer token its
// requests carry.
type env struct {
	t     testing.TB
	h     http.Handler
	log   *syncBuffer
	token string
}

// newEnv returns an env over the real service on a fresh embedded store.
func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, newService(t), httpapi.Config{})
}

// newService returns a service over an embedded store in a temporary
// directory, with sequential ids and a clock that advances one second per
// reading, so that runs are repeatable.
func newService(t testing.TB) *directory.Service {
	t.Helper()
	return newServiceOn(newEmbeddedStore(t))
}

// newEmbeddedStore returns an embedded store in a temporary directory.
func newEmbeddedStore(t testing.TB) directory.Store {
	t.Helper()
	store, err := pebblestore.Open(filepath.Join(t.TempDir(), "directory"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newServiceOn returns a service over store with sequential ids and a clock
// that advances one second per reading.
func newServiceOn(store directory.Store) *directory.Service {
	var mu sync.Mutex
	n := 0
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	return directory.New(store, directory.Options{
		NewID: func() string {
			mu.Lock()
			defer mu.Unlock()
			n++
			return fmt.Sprintf("0190a1b2-c3d4-7e5f-8a9b-%012d", n)
		},
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Second)
			return now
		},
	})
}

// newEnvWith returns an env over svc; cfg gets the test token and a JSON
// logger into env.log unless it has its own.
func newEnvWith(t testing.TB, svc *directory.Service, cfg httpapi.Config) *env {
	e := &env{t: t, log: &syncBuffer{}, token: testToken}
	if cfg.Tokens == nil {
		cfg.Tokens = httpapi.StaticTokens(testToken)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(e.log, nil))
	}
	e.h = httpapi.New(svc, cfg)
	return e
}

// response is a recorded answer, with its body decoded when it is JSON.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request with e's token and, when there is a body, the
// SCIM content type. headers are name/value pairs that override those; an
// empty value removes the header.
func (e *env) do(method, target, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if len(res.raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(res.raw))
		dec.UseNumber()
		if err := dec.Decode(&res.body); err != nil {
			e.t.Fatalf("%s %s: response is not a JSON object: %v\n%s", req.Method, req.URL, err, res.raw)
		}
	}
	return res
}

// mustDo is do that fails the test unless the status is want.
func (e *env) mustDo(want int, method, target, body string) response {
	e.t.Helper()
	res := e.do(method, target, body)
	if res.status != want {
		e.t.Fatalf("%s %s: status %d, want %d\n%s", method, target, res.status, want, res.raw)
	}
	return res
}

// createUser creates a user and returns its id.
func (e *env) createUser(userName string) string {
	e.t.Helper()
	res := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":%q}`, userName))
	return res.body["id"].(string)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the decoded JSON log lines.
func (s *syncBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, l)
		}
		out = append(out, m)
	}
	return out
}
