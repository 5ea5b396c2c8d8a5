package lambdatest_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/emf/emftest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// TestSlowStoreEndsBeforeTheLambdaDeadline runs the users function with a
// 3-second timeout against a DynamoDB that never answers (Secrets Manager
// answers): the request must end with a SCIM 503 or 504 and Retry-After,
// the failure record's write included, before Lambda's deadline, which
// would make API Gateway answer a bare 500 instead.
func TestSlowStoreEndsBeforeTheLambdaDeadline(t *testing.T) {
	rie := emulator(t)
	b := newBackend(t)
	moto, err := url.Parse(b.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(moto)
	hanging := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_") {
			select {
			case <-r.Context().Done():
			case <-hanging:
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(hanging); front.Close() })

	fn, bootstrap := buildOne(t, "Users")
	e := start(t, rie, bootstrap, fn, b, func(c *lambdatest.Config) {
		c.Endpoint, c.Timeout = front.URL, 3*time.Second
	})

	raw, _ := readEvent(t, "users-get.json")
	// An invocation that overran its deadline fails here.
	resp := invoke(t, e, raw)
	if resp.StatusCode != http.StatusServiceUnavailable && resp.StatusCode != http.StatusGatewayTimeout {
		t.Fatalf("status %d, want 503 or 504\n%s", resp.StatusCode, resp.Body)
	}
	if resp.Headers["Retry-After"] == "" || !strings.Contains(resp.Body, "urn:ietf:params:scim:api:messages:2.0:Error") {
		t.Errorf("want a SCIM error with Retry-After, got headers %v\n%s", resp.Headers, resp.Body)
	}
	if !strings.Contains(e.Output(), `"msg":"unavailable"`) {
		t.Errorf("the cause of the %d is not logged", resp.StatusCode)
	}
	checkMetrics(t, e.Output(), "Requests", "StoreUnavailable")
}

// checkMetrics checks that every metric line in a function's output is
// valid Embedded Metric Format, and that the named metrics are among them.
func checkMetrics(t *testing.T, output string, names ...string) {
	t.Helper()
	seen := map[string]bool{}
	for line := range strings.Lines(output) {
		if !strings.Contains(line, `"_aws"`) {
			continue
		}
		if err := emftest.Validate([]byte(line)); err != nil {
			t.Errorf("%v\n%s", err, line)
		}
		for _, name := range names {
			seen[name] = seen[name] || strings.Contains(line, `"`+name+`":`)
		}
	}
	for _, name := range names {
		if !seen[name] {
			t.Errorf("no metric line holds %s:\n%s", name, output)
		}
	}
}
