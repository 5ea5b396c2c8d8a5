package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPrefixBeforeTheBasePathIsRefusedWithItsCause sends what API Gateway
// passes on through a custom domain whose API mapping key is "scim"
// (rawPath /scim/scim/v2/Users): a SCIM 404 that names the prefix and the
// fix, never a 500 nor a guess at which part to drop.
func TestPrefixBeforeTheBasePathIsRefusedWithItsCause(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/scim/scim/v2/Users", "/prod/scim/v2/ServiceProviderConfig"} {
		res := e.do(http.MethodGet, path, "")
		checkError(t, res, http.StatusNotFound, "")
		detail, _ := res.body["detail"].(string)
		if !strings.Contains(detail, "API mapping key") || !strings.Contains(detail, "/scim/v2") {
			t.Errorf("GET %s: detail %q does not name the prefix and the fix", path, detail)
		}
	}
	res := e.do(http.MethodGet, "/scim/v2/Nothing", "")
	if detail, _ := res.body["detail"].(string); strings.Contains(detail, "mapping") {
		t.Errorf("a plain unknown path speaks of mappings: %q", detail)
	}
}
