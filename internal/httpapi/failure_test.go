package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// failureLog is a journal.Writer in memory; fail, if set, fails every
// write after waiting for the write's context to end.
type failureLog struct {
	mu       sync.Mutex
	failures []journal.Failure
	seen     []journal.Seen
	fail     bool
}

func (l *failureLog) RecordFailure(ctx context.Context, f journal.Failure) error {
	if l.fail {
		<-ctx.Done()
		return errors.New("injected failure")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, f)
	return nil
}

func (l *failureLog) MarkSeen(ctx context.Context, what journal.Seen, at time.Time) error {
	if l.fail {
		<-ctx.Done()
		return errors.New("injected failure")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, what)
	return nil
}

func (l *failureLog) take() []journal.Failure {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.failures
	l.failures = nil
	return out
}

func TestFailureLogRecordsWhatEntraCountsAsFailures(t *testing.T) {
	log := &failureLog{}
	e := newEnvWith(t, newService(t), httpapi.Config{FailureLog: log})
	alice := e.createUser("alice@contoso.com")
	group := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups", `{"displayName":"Sales"}`).body["id"].(string)
	log.take()
	const missing = "0190a1b2-c3d4-7e5f-8a9b-999999999999"

	for _, tc := range []struct {
		name         string
		method, path string
		body         string
		headers      []string
		// want is the failure recorded, nil for none; Time and Expires
		// are checked apart, and Detail only for being set.
		want *journal.Failure
	}{
		{name: "success", method: "GET", path: "/scim/v2/Users/" + alice},
		{name: "lookup without match", method: "GET", path: `/scim/v2/Users?filter=userName+eq+"nobody"`},
		{
			name: "409 on create", method: "POST", path: "/scim/v2/Users", body: `{"userName":"ALICE@contoso.com"}`,
			headers: []string{"client-request-id", "c0ffee-42"},
			want:    &journal.Failure{Method: "POST", Route: "/Users", Status: 409, ScimType: "uniqueness", ClientRequestID: "c0ffee-42"},
		},
		{
			name: "400 on a write", method: "POST", path: "/scim/v2/Users", body: `{"displayName":"no userName"}`,
			want: &journal.Failure{Method: "POST", Route: "/Users", Status: 400, ScimType: "invalidValue"},
		},
		{
			name: "400 on a patch", method: "PATCH", path: "/scim/v2/Groups/" + group, body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"explode"}]}`,
			want: &journal.Failure{Method: "PATCH", Route: "/Groups/{id}", Status: 400, ScimType: "invalidSyntax", ResourceID: group},
		},
		{name: "400 on a read", method: "GET", path: "/scim/v2/Users?filter=userName+zz+1"},
		{name: "400 on a search, a read", method: "POST", path: "/scim/v2/Users/.search", body: `{"filter":"userName zz 1"}`},
		{
			name: "404 of a user by id", method: "GET", path: "/scim/v2/Users/" + missing,
			want: &journal.Failure{Method: "GET", Route: "/Users/{id}", Status: 404, ResourceID: missing},
		},
		{
			name: "404 of a group by id with a trailing slash", method: "DELETE", path: "/scim/v2/Groups/" + missing + "/",
			want: &journal.Failure{Method: "DELETE", Route: "/Groups/{id}", Status: 404, ResourceID: missing},
		},
		{name: "404 of an unknown path", method: "GET", path: "/scim/v2/Nothing"},
		{name: "404 of an unknown schema", method: "GET", path: "/scim/v2/Schemas/urn:nothing"},
		{name: "401 without a token", method: "GET", path: "/scim/v2/Users", headers: []string{"Authorization", ""}},
		{name: "401 with a wrong token", method: "GET", path: "/scim/v2/Users/" + alice, headers: []string{"Authorization", "Bearer wrong"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().UTC()
			e.do(tc.method, tc.path, tc.body, tc.headers...)
			got := log.take()
			if tc.want == nil {
				if len(got) != 0 {
					t.Fatalf("got failures %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d failures, want 1: %+v", len(got), got)
			}
			f := got[0]
			if f.Time.Before(before) || f.Time.After(time.Now()) {
				t.Errorf("Time %v is not the time of the request", f.Time)
			}
			if got, want := f.Expires.Sub(f.Time), journal.DefaultRetention; got != want {
				t.Errorf("kept for %v, want %v", got, want)
			}
			if f.Detail == "" {
				t.Error("Detail is empty, want the error's detail")
			}
			f.Time, f.Expires, f.Detail = time.Time{}, time.Time{}, ""
			if !reflect.DeepEqual(f, *tc.want) {
				t.Errorf("got  %+v\nwant %+v", f, *tc.want)
			}
		})
	}
}

// unauthorized are Authorization headers without a valid token ("" sends
// none), and whether each carries a token, a wrong one.
var unauthorized = []struct {
	name, header string
	token        bool
}{
	{"no header", "", false},
	{"basic", "Basic dXNlcjpwYXNzd29yZA==", false},
	{"bearer without token", "Bearer", false},
	{"bearer with two tokens", "Bearer two tokens", false},
	{"wrong token", "Bearer not-the-token", true},
	{"wrong token of the right length", "bearer  " + strings.Repeat("x", 64), true},
}

// TestRequestsWithoutAValidTokenAreNeitherRecordedNorMarked checks that no
// 401 reaches the journal, whatever the request carried: no failure record
// and no mark, so a stranger cannot make the bridge write (docs/security.md).
func TestRequestsWithoutAValidTokenAreNeitherRecordedNorMarked(t *testing.T) {
	log := &failureLog{}
	e := newEnvWith(t, newService(t), httpapi.Config{FailureLog: log})
	for range 100 {
		for _, a := range unauthorized {
			if res := e.do("PATCH", "/scim/v2/Users/x", "{}", "Authorization", a.header); res.status != http.StatusUnauthorized {
				t.Fatalf("Authorization %q: status %d, want 401", a.header, res.status)
			}
		}
	}
	if got := log.take(); len(got) != 0 {
		t.Errorf("%d requests without a valid token recorded %d failures, want none: %+v", 100*len(unauthorized), len(got), got[0])
	}
	if len(log.seen) != 0 {
		t.Errorf("requests without a valid token marked %v, want nothing", log.seen)
	}
}

func TestFailureLogRecordsServerErrors(t *testing.T) {
	log := &failureLog{}
	e := newEnvWith(t, newService(t), httpapi.Config{FailureLog: log, Tokens: brokenTokens{}})
	if res := e.do("GET", "/scim/v2/Groups", ""); res.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.status)
	}
	got := log.take()
	if len(got) != 1 || got[0].Status != 503 || got[0].Route != "/Groups" {
		t.Errorf("got %+v, want one 503 on /Groups", got)
	}
}

type brokenTokens struct{}

func (brokenTokens) Check(context.Context, string) (bool, error) {
	return false, errors.New("secret store unreachable")
}

func TestAuthenticatedTrafficIsMarkedOncePerMinute(t *testing.T) {
	log := &failureLog{}
	e := newEnvWith(t, newService(t), httpapi.Config{FailureLog: log})
	for range 3 {
		e.do("GET", "/scim/v2/Users", "")
	}
	if want := []journal.Seen{journal.SeenRequest}; !reflect.DeepEqual(log.seen, want) {
		t.Errorf("got marks %v, want %v", log.seen, want)
	}
}

// TestFailingFailureLogChangesNoResponse sends the same requests to two
// handlers, one with a failure log that hangs and fails: the answers must
// be the same, each delayed by at most the write's bound.
func TestFailingFailureLogChangesNoResponse(t *testing.T) {
	broken := &failureLog{fail: true}
	plain, failing := newEnv(t), newEnvWith(t, newService(t), httpapi.Config{FailureLog: broken})
	requests := []struct{ method, path, body string }{
		{"POST", "/scim/v2/Users", `{"userName":"alice"}`},
		{"POST", "/scim/v2/Users", `{"userName":"Alice"}`},
		{"GET", "/scim/v2/Users/0190a1b2-c3d4-7e5f-8a9b-999999999999", ""},
		{"GET", "/scim/v2/Users", ""},
	}
	for _, r := range requests {
		start := time.Now()
		got := failing.do(r.method, r.path, r.body, "X-Request-Id", "same")
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s %s took %v with a hanging failure log", r.method, r.path, d)
		}
		want := plain.do(r.method, r.path, r.body, "X-Request-Id", "same")
		if got.status != want.status || string(got.raw) != string(want.raw) || !reflect.DeepEqual(got.header, want.header) {
			t.Errorf("%s %s: got %d %v %s\nwant %d %v %s", r.method, r.path, got.status, got.header, got.raw, want.status, want.header, want.raw)
		}
	}
	if !strings.Contains(failing.log.String(), "cannot record failure") {
		t.Errorf("the failed write was not logged:\n%s", failing.log)
	}
}
