package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

func TestStaticTokens(t *testing.T) {
	src := httpapi.StaticTokens("old-token", "", "new-token")
	tests := []struct {
		token string
		want  bool
	}{
		{"old-token", true},
		{"new-token", true},
		{"", false},
		{"old-token ", false},
		{"OLD-TOKEN", false},
		{"old-toke", false},
		{"other", false},
	}
	for _, tc := range tests {
		got, err := src.Check(context.Background(), tc.token)
		if err != nil || got != tc.want {
			t.Errorf("Check(%q) = %v, %v; want %v, nil", tc.token, got, err, tc.want)
		}
	}
	if ok, _ := httpapi.StaticTokens().Check(context.Background(), ""); ok {
		t.Error("StaticTokens() accepts the empty token")
	}
}

// TestBearerScheme checks how the Authorization header is read: the scheme
// in any case, spacing tolerated (RFC 6750 §2.1, RFC 9110 §11.1).
func TestBearerScheme(t *testing.T) {
	e := newEnvWith(t, newService(t), httpapi.Config{Tokens: httpapi.StaticTokens(testToken, "rotated")})
	tests := []struct {
		header string
		status int
	}{
		{"Bearer " + testToken, 200},
		{"bearer " + testToken, 200},
		{"BEARER " + testToken, 200},
		{"Bearer   " + testToken + "  ", 200},
		{"  Bearer\t" + testToken, 200},
		{"Bearer rotated", 200},
		{"Bearer", 401},
		{"Bearer ", 401},
		{"Bearer" + testToken, 401},
		{"Token " + testToken, 401},
		{testToken, 401},
	}
	for _, tc := range tests {
		res := e.do("GET", "/scim/v2/ServiceProviderConfig", "", "Authorization", tc.header)
		if res.status != tc.status {
			t.Errorf("Authorization %q: status %d, want %d", tc.header, res.status, tc.status)
		}
	}
}

// TestNilTokensRejectEverything checks that a handler configured without a
// TokenSource fails closed.
func TestNilTokensRejectEverything(t *testing.T) {
	h := httpapi.New(newService(t), httpapi.Config{})
	e := &env{t: t, h: h, log: &syncBuffer{}, token: testToken}
	if res := e.do("GET", "/scim/v2/Users", ""); res.status != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", res.status)
	}
}

type failingTokens struct{}

func (failingTokens) Check(context.Context, string) (bool, error) {
	return false, errors.New("secrets manager: throttled")
}

// TestTokenSourceFailure checks that a TokenSource that cannot decide gives
// a 503 with Retry-After, never a 401, which would quarantine the job.
func TestTokenSourceFailure(t *testing.T) {
	e := newEnvWith(t, newService(t), httpapi.Config{Tokens: failingTokens{}})
	res := e.do("GET", "/scim/v2/Users", "")
	if res.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.status)
	}
	checkError(t, res, http.StatusServiceUnavailable, "")
	if got := res.header.Get("Retry-After"); got == "" {
		t.Error("no Retry-After")
	}
	if res.header.Get("WWW-Authenticate") != "" {
		t.Error("503 carries WWW-Authenticate")
	}
	// A request without a token is still a 401: nothing to check.
	if res := e.do("GET", "/scim/v2/Users", "", "Authorization", ""); res.status != http.StatusUnauthorized {
		t.Errorf("without a token: status %d, want 401", res.status)
	}
}
