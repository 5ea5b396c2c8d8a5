package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// TestRoutesAreServed sends a request to every route Routes lists, under the
// default, a custom and the root base path, with and without a trailing
// slash, and checks from the access log that the mux matched that route.
func TestRoutesAreServed(t *testing.T) {
	for _, base := range []string{"", "/prod/scim/v2/", "/"} {
		prefix := strings.TrimSuffix(base, "/")
		if base == "" {
			prefix = httpapi.DefaultBasePath
		}
		e := newEnvWith(t, newService(t), httpapi.Config{BasePath: base})
		for _, rt := range httpapi.Routes() {
			for _, slash := range []string{"", "/"} {
				target := prefix + strings.ReplaceAll(rt.Path, "{id}", "x") + slash
				body := ""
				if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
					body = "{}"
				}
				res := e.do(rt.Method, target, body)
				if res.status == http.StatusMethodNotAllowed || res.status >= 500 {
					t.Errorf("%s %s: status %d\n%s", rt.Method, target, res.status, res.raw)
				}
				lines := e.log.lines(t)
				got := lines[len(lines)-1]["route"]
				if want := rt.Method + " " + prefix + rt.Path; got != want {
					t.Errorf("%s %s: matched route %q, want %q", rt.Method, target, got, want)
				}
			}
		}
	}
}

// TestRoutesCoverSCIM checks Routes against the endpoints RFC 7644 defines
// and the bridge serves, so that a route cannot silently disappear.
func TestRoutesCoverSCIM(t *testing.T) {
	want := []string{
		"GET /Users", "POST /Users", "POST /Users/.search",
		"GET /Users/{id}", "PUT /Users/{id}", "PATCH /Users/{id}", "DELETE /Users/{id}",
		"GET /Groups", "POST /Groups", "POST /Groups/.search",
		"GET /Groups/{id}", "PUT /Groups/{id}", "PATCH /Groups/{id}", "DELETE /Groups/{id}",
		"POST /.search", "GET /ServiceProviderConfig", "GET /Schemas", "GET /Schemas/{id}",
		"GET /ResourceTypes", "GET /ResourceTypes/{id}",
	}
	got := map[string]bool{}
	for _, r := range httpapi.Routes() {
		got[r.Method+" "+r.Path] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("Routes() lacks %s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Routes() has %d routes, want %d", len(got), len(want))
	}
}

// TestMethodNotAllowedListsMethods checks the Allow header of 405 answers.
func TestMethodNotAllowedListsMethods(t *testing.T) {
	e := newEnv(t)
	tests := []struct{ method, target, allow string }{
		{"PUT", "/scim/v2/Users", "GET, POST"},
		{"POST", "/scim/v2/Groups/x", "GET, PUT, PATCH, DELETE"},
		{"DELETE", "/scim/v2/Schemas", "GET"},
		{"GET", "/scim/v2/.search/", "POST"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			res := e.do(tc.method, tc.target, "")
			if res.status != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405", res.status)
			}
			if got := res.header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
		})
	}
}

// TestEndpointNamesInAnyCase sends every route with its endpoint names
// spelt in lower case, upper case and mixed case, as clients built on
// case-insensitive routing send them (issue 11 item 3), and checks that the
// canonical route serves it.
func TestEndpointNamesInAnyCase(t *testing.T) {
	e := newEnvWith(t, newService(t), httpapi.Config{})
	spellings := map[string]func(string) string{
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
		"mixed": func(s string) string {
			b := []byte(s)
			for i := range b {
				if i%2 == 0 {
					b[i] = strings.ToUpper(string(b[i]))[0]
				} else {
					b[i] = strings.ToLower(string(b[i]))[0]
				}
			}
			return string(b)
		},
	}
	for name, spell := range spellings {
		for _, rt := range httpapi.Routes() {
			segs := strings.Split(rt.Path, "/")
			for i, s := range segs {
				if s == "{id}" {
					segs[i] = "x"
				} else {
					segs[i] = spell(s)
				}
			}
			target := httpapi.DefaultBasePath + strings.Join(segs, "/")
			body := ""
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
				body = "{}"
			}
			res := e.do(rt.Method, target, body)
			if res.status == http.StatusMethodNotAllowed || res.status >= 500 {
				t.Errorf("%s %s %s: status %d\n%s", name, rt.Method, target, res.status, res.raw)
			}
			lines := e.log.lines(t)
			if got, want := lines[len(lines)-1]["route"], rt.Method+" "+httpapi.DefaultBasePath+rt.Path; got != want {
				t.Errorf("%s %s %s: matched route %q, want %q", name, rt.Method, target, got, want)
			}
		}
	}
}

// TestEndpointNamesInAnyCaseKeepURLsCanonical checks that what the bridge
// writes stays canonical whatever case the request used: Location and
// meta.location of a created user, and the locations of discovery.
func TestEndpointNamesInAnyCaseKeepURLsCanonical(t *testing.T) {
	e := newEnv(t)
	res := e.do("POST", "/scim/v2/users", `{"userName":"case@contoso.com"}`)
	if res.status != http.StatusCreated {
		t.Fatalf("POST /users: %d\n%s", res.status, res.raw)
	}
	id, _ := res.body["id"].(string)
	want := "http://example.com/scim/v2/Users/" + id
	if got := res.header.Get("Location"); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	res = e.do("GET", "/scim/v2/USERS/"+id, "")
	if got := lookup(res.body, "meta.location"); res.status != http.StatusOK || got != want {
		t.Errorf("GET /USERS/{id}: %d, meta.location %v, want %q", res.status, got, want)
	}
	res = e.do("GET", "/scim/v2/resourcetypes/user", "")
	if got := lookup(res.body, "meta.location"); res.status != http.StatusOK || got != "http://example.com/scim/v2/ResourceTypes/User" {
		t.Errorf("GET /resourcetypes/user: %d, meta.location %v", res.status, got)
	}
	res = e.do("GET", "/scim/v2/serviceproviderconfig", "")
	if got := lookup(res.body, "meta.location"); res.status != http.StatusOK || got != "http://example.com/scim/v2/ServiceProviderConfig" {
		t.Errorf("GET /serviceproviderconfig: %d, meta.location %v", res.status, got)
	}
	// The base path is the Tenant URL's own, and keeps its case.
	if res := e.do("GET", "/SCIM/V2/Users", ""); res.status != http.StatusNotFound {
		t.Errorf("GET /SCIM/V2/Users: %d, want 404", res.status)
	}
}
