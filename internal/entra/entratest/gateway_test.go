package entratest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// capture is a function that keeps the events it is sent and answers 204.
type capture struct {
	events []events.APIGatewayV2HTTPRequest
}

func (c *capture) function(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	c.events = append(c.events, ev)
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNoContent, Headers: map[string]string{"X-Fn": "yes"}}, nil
}

func gateway(t *testing.T) (*entratest.Gateway, map[string]*capture) {
	t.Helper()
	tmpl, err := lambdatest.ProjectTemplate()
	if err != nil {
		t.Fatal(err)
	}
	captures := map[string]*capture{}
	functions := map[string]entratest.Function{}
	for _, fn := range lambdatest.Functions {
		c := &capture{}
		captures[fn.LogicalID()] = c
		functions[fn.LogicalID()] = c.function
	}
	return entratest.NewGateway(tmpl, functions), captures
}

// TestGatewaySendsWhatAPIGatewaySends replays the request of each recorded
// event in events/ through the gateway and compares the event it sends
// with the recording, but for what changes with every request (ids, times)
// and what the recording's client sent differently.
func TestGatewaySendsWhatAPIGatewaySends(t *testing.T) {
	g, captures := gateway(t)
	root, _ := lambdatest.ModuleRoot()
	paths, _ := filepath.Glob(filepath.Join(root, "events", "*.json"))
	replayed := 0
	for _, path := range paths {
		name := filepath.Base(path)
		if name == "schedule.json" || name == "env.json" || strings.HasPrefix(name, lambdatest.StreamEventPrefix) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			target := "https://" + want.RequestContext.DomainName + want.RawPath
			if want.RawQueryString != "" {
				target += "?" + want.RawQueryString
			}
			req, err := http.NewRequest(want.RequestContext.HTTP.Method, target, strings.NewReader(want.Body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range want.Headers {
				if k != "host" && !strings.HasPrefix(k, "x-") && k != "content-length" {
					req.Header.Set(k, v)
				}
			}
			req.Header.Set("User-Agent", "")
			resp, err := g.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusNoContent || resp.Header.Get("X-Fn") != "yes" {
				t.Fatalf("got status %d, headers %v; want the function's answer", resp.StatusCode, resp.Header)
			}
			var got *events.APIGatewayV2HTTPRequest
			for _, c := range captures {
				if len(c.events) > 0 {
					got = &c.events[len(c.events)-1]
					c.events = nil
				}
			}
			if got == nil {
				t.Fatal("no function got the event")
			}
			// What differs with every request.
			for _, ev := range []*events.APIGatewayV2HTTPRequest{got, &want} {
				ev.RequestContext.RequestID, ev.RequestContext.Time, ev.RequestContext.TimeEpoch = "", "", 0
				ev.RequestContext.AccountID = ""
				delete(ev.Headers, "x-amzn-trace-id")
			}
			if !reflect.DeepEqual(got, &want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("got event\n%s\nwant\n%s", g, w)
			}
			replayed++
		})
	}
	if replayed == 0 {
		t.Fatal("no events replayed")
	}
}

func TestGatewayAnswersForFailedAndUnroutedRequestsAsAPIGatewayDoes(t *testing.T) {
	tmpl := &lambdatest.Template{Routes: []lambdatest.Route{{Function: "Failing", Method: "GET", Path: "/fails"}}}
	failing := func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{}, errors.New("boom")
	}
	srv := httptest.NewServer(entratest.NewGateway(tmpl, map[string]entratest.Function{"Failing": failing}))
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/fails", http.StatusInternalServerError, `{"message":"Internal Server Error"}`},
		{"POST", "/fails", http.StatusNotFound, `{"message":"Not Found"}`},
		{"GET", "/elsewhere", http.StatusNotFound, `{"message":"Not Found"}`},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(b) != tc.body {
			t.Errorf("%s %s: got %d %s, want %d %s", tc.method, tc.path, resp.StatusCode, b, tc.status, tc.body)
		}
	}
}
