package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// onStores runs test on each store the handler runs on in production: the
// embedded store and DynamoDB (on the emulator), each fresh.
func onStores(t *testing.T, test func(t *testing.T, store directory.Store)) {
	for _, s := range []struct {
		name string
		open func(testing.TB) directory.Store
	}{
		{"embedded", newEmbeddedStore},
		{"DynamoDB", func(t testing.TB) directory.Store { s, _ := newDynamoStore(t); return s }},
	} {
		t.Run(s.name, func(t *testing.T) { test(t, s.open(t)) })
	}
}

// retryable reports whether Entra retries a request answered with status:
// throttling and server errors (docs/entra.md §6.2; a 500 is retried too,
// but the bridge must never send one).
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// checkRetryable fails t unless res, a failed answer, is one Entra retries
// without counting it against the job: a SCIM error of status 429, 503 or
// 504, with Retry-After on 429 and 503 (RFC 9110 §10.2.3).
func checkRetryable(t testing.TB, where string, res response) {
	t.Helper()
	switch res.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if res.header.Get("Retry-After") == "" {
			t.Errorf("%s: %d without Retry-After", where, res.status)
		}
	case http.StatusGatewayTimeout:
	default:
		t.Errorf("%s: status %d, want 429, 503 or 504\n%s", where, res.status, res.raw)
		return
	}
	if s, _ := res.body["status"].(string); s != strconv.Itoa(res.status) {
		t.Errorf("%s: body is not a SCIM error of status %d: %s", where, res.status, res.raw)
	}
}

// retrying sends a request as Entra does, again while the answer is
// retryable, up to 20 times, and returns the last answer and the number of
// retries. Each retryable answer is checked with checkRetryable. The waits
// are milliseconds rather than Retry-After's seconds, to keep tests fast.
func (e *env) retrying(method, target, body string) (response, int) {
	e.t.Helper()
	for try := 0; ; try++ {
		res := e.do(method, target, body)
		if !retryable(res.status) || try == 20 {
			return res, try
		}
		checkRetryable(e.t, method+" "+target, res)
		time.Sleep(time.Duration(try+1) * time.Millisecond)
	}
}
