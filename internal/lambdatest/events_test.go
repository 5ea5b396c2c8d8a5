package lambdatest_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// TestEventsAreWhatAPIGatewaySends checks each event against what an HTTP
// API (payload 2.0) on the $default stage sends for the template's routes,
// so that an event edited by hand cannot drift from the real thing.
func TestEventsAreWhatAPIGatewaySends(t *testing.T) {
	tmpl := readTemplate(t)
	for _, name := range eventFiles(t) {
		t.Run(name, func(t *testing.T) {
			_, ev := readEvent(t, name)
			rc := ev.RequestContext
			if ev.Version != "2.0" || rc.Stage != "$default" {
				t.Errorf("version %q, stage %q; want 2.0, $default", ev.Version, rc.Stage)
			}
			if ev.RawPath != rc.HTTP.Path {
				t.Errorf("rawPath %q, requestContext.http.path %q; want them equal", ev.RawPath, rc.HTTP.Path)
			}
			route, err := tmpl.Serving(rc.HTTP.Method, ev.RawPath)
			if err != nil {
				t.Fatal(err)
			}
			if want := route.Method + " " + route.Path; ev.RouteKey != want || rc.RouteKey != want {
				t.Errorf("routeKey %q, requestContext.routeKey %q; the template's route is %q", ev.RouteKey, rc.RouteKey, want)
			}
			if got, want := ev.PathParameters, route.Parameters(ev.RawPath); !reflect.DeepEqual(got, want) {
				t.Errorf("pathParameters = %v, want %v", got, want)
			}
			if host := ev.Headers["host"]; host != rc.DomainName || host == "" {
				t.Errorf("host header %q, domainName %q; want them equal", host, rc.DomainName)
			}
			for k := range ev.Headers {
				if k != strings.ToLower(k) {
					t.Errorf("header %q is not lower-case, as API Gateway sends them", k)
				}
			}
			if got, want := ev.Headers["authorization"], "Bearer "+lambdatest.LocalToken; got != want {
				t.Errorf("authorization = %q, want %q", got, want)
			}
			q, err := url.ParseQuery(ev.RawQueryString)
			if err != nil {
				t.Fatalf("rawQueryString %q: %v", ev.RawQueryString, err)
			}
			params := map[string]string{}
			for k, v := range q {
				params[k] = strings.Join(v, ",")
			}
			if len(params) > 0 || ev.QueryStringParameters != nil {
				if !reflect.DeepEqual(ev.QueryStringParameters, params) {
					t.Errorf("queryStringParameters = %v, want %v (rawQueryString decoded)", ev.QueryStringParameters, params)
				}
			}
			if ev.Body == "" {
				return
			}
			if !json.Valid([]byte(ev.Body)) || ev.IsBase64Encoded {
				t.Errorf("body is not plain JSON (isBase64Encoded %v)", ev.IsBase64Encoded)
			}
			if ct := ev.Headers["content-type"]; !strings.HasPrefix(ct, "application/scim+json") {
				t.Errorf("content-type = %q, want application/scim+json", ct)
			}
			if got, want := ev.Headers["content-length"], strconv.Itoa(len(ev.Body)); got != want {
				t.Errorf("content-length = %s, want %s", got, want)
			}
		})
	}
}
