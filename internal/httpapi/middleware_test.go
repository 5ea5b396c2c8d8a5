package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// TestAccessLog checks the one log line per request: its fields, and that
// neither the token, the query string nor the body appear in the log.
func TestAccessLog(t *testing.T) {
	e := newEnv(t)
	body := `{"userName":"secret-person@contoso.com"}`
	res := e.do("POST", "/scim/v2/Users?attributes=userName", body,
		"client-request-id", "c0ffee-1234", "X-Request-Id", "req-42")
	if res.status != http.StatusCreated {
		t.Fatalf("status %d\n%s", res.status, res.raw)
	}
	id := res.body["id"].(string)
	e.do("GET", "/scim/v2/Users/"+id, "")

	lines := e.log.lines(t)
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), e.log)
	}
	want := map[string]any{
		"level":             "INFO",
		"msg":               "request",
		"method":            "POST",
		"route":             "POST /scim/v2/Users",
		"path":              "/scim/v2/Users",
		"status":            float64(201),
		"request_id":        "req-42",
		"client_request_id": "c0ffee-1234",
		"bytes":             float64(len(res.raw)),
	}
	for k, v := range want {
		if got := lines[0][k]; got != v {
			t.Errorf("log %s = %v, want %v", k, got, v)
		}
	}
	if _, ok := lines[0]["latency_ms"].(float64); !ok {
		t.Errorf("log latency_ms = %v, want a number", lines[0]["latency_ms"])
	}
	if got, want := lines[1]["route"], "GET /scim/v2/Users/{id}"; got != want {
		t.Errorf("second line route = %v, want %v", got, want)
	}
	if got, want := lines[1]["path"], "/scim/v2/Users/"+id; got != want {
		t.Errorf("second line path = %v, want %v", got, want)
	}
	if _, ok := lines[1]["client_request_id"]; ok {
		t.Error("client_request_id logged though none was sent")
	}
	for _, secret := range []string{testToken, "secret-person", "attributes"} {
		if strings.Contains(e.log.String(), secret) {
			t.Errorf("the log contains %q:\n%s", secret, e.log)
		}
	}
}

// platformID is where TestRequestID's platform keeps a request's id.
type platformID struct{}

func TestRequestID(t *testing.T) {
	e := newEnvWith(t, newService(t), httpapi.Config{RequestID: func(r *http.Request) string {
		id, _ := r.Context().Value(platformID{}).(string)
		return id
	}})
	tests := []struct {
		name    string
		ctx     context.Context
		header  string
		want    string
		wantNew bool
	}{
		{name: "platform's request id first", ctx: context.WithValue(context.Background(), platformID{}, "lambda-1"), header: "hdr-1", want: "lambda-1"},
		{name: "X-Request-Id header", header: "hdr-2", want: "hdr-2"},
		{name: "generated", wantNew: true},
		{name: "unprintable header replaced", header: "bad id\x01", wantNew: true},
		{name: "overlong header replaced", header: strings.Repeat("x", 200), wantNew: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/scim/v2/Schemas", nil)
			if tc.ctx != nil {
				req = req.WithContext(tc.ctx)
			}
			req.Header.Set("Authorization", "Bearer "+testToken)
			if tc.header != "" {
				req.Header.Set("X-Request-Id", tc.header)
			}
			got := e.send(req).header.Get("X-Request-Id")
			switch {
			case tc.wantNew && (got == "" || got == tc.header):
				t.Errorf("X-Request-Id = %q, want a new id", got)
			case !tc.wantNew && got != tc.want:
				t.Errorf("X-Request-Id = %q, want %q", got, tc.want)
			}
			lines := e.log.lines(t)
			if logged := lines[len(lines)-1]["request_id"]; logged != got {
				t.Errorf("logged request_id %v, answered %q", logged, got)
			}
		})
	}
}

// TestPanicRecovered checks that a panic below the handler becomes a 500
// SCIM error with a generic detail, logged at error level with the request
// id, and a warning in the access log. A service without a store panics on
// first use.
func TestPanicRecovered(t *testing.T) {
	e := newEnvWith(t, directory.New(nil, directory.Options{}), httpapi.Config{})
	res := e.do("GET", "/scim/v2/Users/some-id", "")
	if res.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500\n%s", res.status, res.raw)
	}
	checkError(t, res, http.StatusInternalServerError, "")
	if d := res.body["detail"].(string); strings.Contains(d, "nil") || strings.Contains(d, "panic") {
		t.Errorf("detail leaks the cause: %q", d)
	}
	lines := e.log.lines(t)
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), e.log)
	}
	if got := fmt.Sprint(lines[0]["level"], " ", lines[0]["request_id"]); got != "ERROR "+res.header.Get("X-Request-Id") {
		t.Errorf("error line level and request id = %q", got)
	}
	if !strings.Contains(fmt.Sprint(lines[0]["error"]), "panic") {
		t.Errorf("error line lacks the panic: %v", lines[0]["error"])
	}
	if got := lines[1]["level"]; got != "WARN" {
		t.Errorf("access line level = %v, want WARN", got)
	}
}

// TestAbortHandlerPropagates checks that http.ErrAbortHandler, net/http's
// way to abort a response, is not turned into a 500.
func TestAbortHandlerPropagates(t *testing.T) {
	h := httpapi.New(newService(t), httpapi.Config{Tokens: abortingTokens{}})
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	req := httptest.NewRequest("GET", "/scim/v2/Users", nil)
	req.Header.Set("Authorization", "Bearer x")
	h.ServeHTTP(httptest.NewRecorder(), req)
}

type abortingTokens struct{}

func (abortingTokens) Check(context.Context, string) (bool, error) { panic(http.ErrAbortHandler) }
