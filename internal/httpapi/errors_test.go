package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// failingStore is a directory.Store whose every method fails with err, to
// see how the handler answers store failures.
type failingStore struct{ err error }

func (s failingStore) Create(context.Context, *directory.Record) error { return s.err }
func (s failingStore) Get(context.Context, directory.Kind, string) (*directory.Record, error) {
	return nil, s.err
}
func (s failingStore) Lookup(context.Context, directory.Kind, directory.Key, string) ([]*directory.Record, error) {
	return nil, s.err
}
func (s failingStore) Update(context.Context, *directory.Record, int64) error { return s.err }
func (s failingStore) Touch(context.Context, directory.Kind, string, time.Time, directory.MemberChange) (int64, error) {
	return 0, s.err
}
func (s failingStore) Delete(context.Context, directory.Kind, string) error { return s.err }
func (s failingStore) List(context.Context, directory.Kind, directory.ListOptions) ([]*directory.Record, int, error) {
	return nil, 0, s.err
}
func (s failingStore) AddMembers(context.Context, string, []string) error    { return s.err }
func (s failingStore) RemoveMembers(context.Context, string, []string) error { return s.err }
func (s failingStore) Members(context.Context, string) ([]string, error)     { return nil, s.err }
func (s failingStore) MissingUsers(context.Context, []string) ([]string, error) {
	return nil, s.err
}

// TestStoreErrors checks the status each kind of store failure maps to, and
// that only internal errors are logged as errors, without their text
// reaching the client.
func TestStoreErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		scimType   string
		retryAfter string
		logged     bool
	}{
		{"unavailable", fmt.Errorf("dynamo: get: %w", directory.ErrUnavailable), 503, "", "1", false},
		{"deadline", fmt.Errorf("dynamo: get: %w", context.DeadlineExceeded), 504, "", "", false},
		{"client gone", fmt.Errorf("dynamo: get: %w", context.Canceled), 503, "", "1", false},
		{"version", fmt.Errorf("dynamo: get: %w", directory.ErrVersion), 412, "", "", false},
		{"conflict", &directory.ConflictError{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "a"}, 409, "uniqueness", "", false},
		{"internal", errors.New("dynamo: get: table schema mismatch"), 500, "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, directory.New(failingStore{tc.err}, directory.Options{}), httpapi.Config{})
			res := e.do("GET", "/scim/v2/Users?count=1", "")
			if res.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, tc.status, res.raw)
			}
			checkError(t, res, tc.status, tc.scimType)
			if got := res.header.Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
			if strings.Contains(string(res.raw), "dynamo") {
				t.Errorf("the body leaks the store error: %s", res.raw)
			}
			if got := strings.Contains(e.log.String(), `"level":"ERROR"`); got != tc.logged {
				t.Errorf("logged as an error: %v, want %v\n%s", got, tc.logged, e.log)
			}
		})
	}
}
