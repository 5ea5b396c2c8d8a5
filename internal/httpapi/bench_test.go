package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkFilterLookup measures Entra's most frequent request, the
// matching lookup by userName, through the full handler on the embedded
// store: auth, routing, filter parsing, an index lookup and rendering.
func BenchmarkFilterLookup(b *testing.B) {
	e := newBenchEnv(b, 100)
	req := benchRequest("GET", "/scim/v2/Users?filter=userName%20eq%20%22User50%40contoso.com%22")
	b.ReportAllocs()
	for b.Loop() {
		serveOK(b, e, req)
	}
}

// BenchmarkGetUser measures GET /Users/{id} through the full handler.
func BenchmarkGetUser(b *testing.B) {
	e := newBenchEnv(b, 100)
	id := fmt.Sprintf("0190a1b2-c3d4-7e5f-8a9b-%012d", 50)
	req := benchRequest("GET", "/scim/v2/Users/"+id)
	b.ReportAllocs()
	for b.Loop() {
		serveOK(b, e, req)
	}
}

// newBenchEnv returns an env holding n users shaped like Entra's.
func newBenchEnv(b *testing.B, n int) *env {
	e := newEnv(b)
	for i := 1; i <= n; i++ {
		e.mustDo(http.StatusCreated, "POST", "/scim/v2/Users", fmt.Sprintf(`{"userName":"user%d@contoso.com","externalId":"u%d",
			"displayName":"User %d","active":true,"emails":[{"type":"work","primary":true,"value":"user%d@contoso.com"}],
			"name":{"givenName":"User","familyName":"%d"},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Eng","employeeNumber":"%d"}}`, i, i, i, i, i, i))
	}
	return e
}

func benchRequest(method, target string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	return req
}

func serveOK(b *testing.B, e *env, req *http.Request) {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}
