package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// TestBehindLambdaAdapter serves requests as the Lambda functions do,
// through httpadapter.NewV2(h).ProxyWithContext with API Gateway HTTP API
// (payload 2.0) events: every answer, 204s included, must carry an explicit
// status, and bodies the SCIM content type.
func TestBehindLambdaAdapter(t *testing.T) {
	e := newEnv(t)
	proxy := httpadapter.NewV2(e.h).ProxyWithContext
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "aws-req-1"})
	event := func(method, path, query, body string) events.APIGatewayV2HTTPRequest {
		return events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: method + " " + path, RawPath: path, RawQueryString: query, Body: body,
			Headers: map[string]string{
				"authorization":     "Bearer " + testToken,
				"content-type":      "application/scim+json",
				"host":              "abc123.execute-api.eu-west-1.amazonaws.com",
				"x-forwarded-proto": "https",
			},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: "abc123.execute-api.eu-west-1.amazonaws.com",
				HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
			},
		}
	}
	steps := []struct {
		method, path, query, body string
		status                    int
	}{
		{"GET", "/scim/v2/Users", "filter=userName%20eq%20%22x%22", "", 200},
		{"POST", "/scim/v2/Users", "", `{"userName":"x"}`, 201},
		{"GET", "/scim/v2/Users/0190a1b2-c3d4-7e5f-8a9b-000000000001", "", "", 200},
		{"POST", "/scim/v2/Groups", "", `{"displayName":"g"}`, 201},
		{"DELETE", "/scim/v2/Users/0190a1b2-c3d4-7e5f-8a9b-000000000001", "", "", 204},
		{"DELETE", "/scim/v2/Users/0190a1b2-c3d4-7e5f-8a9b-000000000001", "", "", 404},
		{"PUT", "/scim/v2/Users", "", `{}`, 405},
	}
	// The adapter splits list headers on commas: If-None-Match with two
	// tags arrives as two values.
	cond := event("GET", "/scim/v2/Groups/0190a1b2-c3d4-7e5f-8a9b-000000000002", "", "")
	cond.Headers["if-none-match"] = `W/"7", W/"1"`
	for _, s := range steps {
		res, err := proxy(ctx, event(s.method, s.path, s.query, s.body))
		if err != nil {
			t.Fatalf("%s %s: adapter error: %v", s.method, s.path, err)
		}
		if res.StatusCode != s.status {
			t.Errorf("%s %s: status %d, want %d\n%s", s.method, s.path, res.StatusCode, s.status, res.Body)
		}
		if res.Body != "" {
			if ct := res.Headers["Content-Type"]; ct != "application/scim+json" {
				t.Errorf("%s %s: Content-Type %q", s.method, s.path, ct)
			}
			if !json.Valid([]byte(res.Body)) {
				t.Errorf("%s %s: body is not JSON: %s", s.method, s.path, res.Body)
			}
		}
		if s.status == http.StatusCreated && !strings.HasPrefix(res.Headers["Location"], "https://abc123.execute-api.eu-west-1.amazonaws.com"+s.path+"/") {
			t.Errorf("Location = %q", res.Headers["Location"])
		}
	}
	if res, err := proxy(ctx, cond); err != nil || res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match of two tags: status %d, %v; want 304", res.StatusCode, err)
	}
}

// TestDiscoveryOnly checks a handler built without a directory, as the
// discovery function builds it: discovery answers, and every directory
// route, in any case, is a SCIM 404 like any path without an endpoint,
// never a 500 or a panic. API Gateway sends the discovery function what no
// other function's route takes (template.yaml).
func TestDiscoveryOnly(t *testing.T) {
	e := newEnvWith(t, nil, httpapi.Config{})
	e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas", "")
	e.mustDo(http.StatusOK, "GET", "/scim/v2/schemas", "")
	e.mustDo(http.StatusOK, "GET", "/scim/v2/ResourceTypes/User", "")
	for _, target := range []string{"/scim/v2/Users", "/scim/v2/users/x", "/scim/v2/GROUPS", "/scim/v2/.search"} {
		for _, method := range []string{"GET", "POST"} {
			res := e.do(method, target, "{}")
			if res.status == http.StatusMethodNotAllowed {
				continue
			}
			checkError(t, res, http.StatusNotFound, "")
		}
	}
	if strings.Contains(e.log.String(), "panic") {
		t.Errorf("a directory route without a directory panicked:\n%s", e.log)
	}
}
