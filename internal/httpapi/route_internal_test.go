package httpapi

import (
	"net/http/httptest"
	"testing"
)

// TestCanonicalSpellingCostsNoAllocation checks that a path whose endpoint
// names are already spelt as the routes spell them, which is every path
// Entra sends, passes canonical unchanged and without allocating: it runs
// on every request.
func TestCanonicalSpellingCostsNoAllocation(t *testing.T) {
	names := newEndpointNames(Routes())
	for _, target := range []string{"/scim/v2/Users", "/scim/v2/Groups/0190a1b2-c3d4-7e5f-8a9b-000000000001", "/scim/v2/Users/.search"} {
		r := httptest.NewRequest("GET", target, nil)
		p := r.URL.EscapedPath()
		if got := names.canonical(r, DefaultBasePath, p); got != r {
			t.Errorf("%s: canonical returned a new request for %s", target, got.URL.Path)
		}
		if n := testing.AllocsPerRun(100, func() { names.canonical(r, DefaultBasePath, p) }); n != 0 {
			t.Errorf("%s: %v allocations, want none", target, n)
		}
	}
}
