package lambdatest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/xray/xraytest"
)

// TestTracingLeavesInvocationsAlone runs the users function under the
// emulator with AWS_XRAY_DAEMON_ADDRESS set, as Lambda runs it under active
// tracing: configuring tracing must not disturb the function, which starts
// and answers as without it. It sends no subsegments: aws-lambda-rie hands
// the runtime no trace header (its tracer is a no-op), so those are
// TestTracedInvocationSendsSubsegments's.
func TestTracingLeavesInvocationsAlone(t *testing.T) {
	rie := emulator(t)
	b := newBackend(t)
	daemon := xraytest.Listen(t)
	fn, bootstrap := buildOne(t, "Users")
	e := start(t, rie, bootstrap, fn, b, func(c *lambdatest.Config) { c.XRayDaemon = daemon.Addr })
	raw, _ := readEvent(t, "users-get.json")
	if resp := invoke(t, e, raw); resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200\n%s", resp.StatusCode, resp.Body)
	}
	if d, err := e.InitDuration(); err == nil {
		t.Logf("init with tracing on: %v", d)
	}
}

// TestTracedInvocationSendsSubsegments runs the users bootstrap against a
// stand-in for Lambda's Runtime API that hands it invocations with a trace
// header (Lambda-Runtime-Trace-Id), as Lambda does under active tracing:
// a sampled GET must send its Secrets Manager and DynamoDB calls to the
// daemon as subsegments of the invocation, and an unsampled one nothing.
func TestTracedInvocationSendsSubsegments(t *testing.T) {
	b := newBackend(t)
	daemon := xraytest.Listen(t)
	fn, bootstrap := buildOne(t, "Users")
	raw, _ := readEvent(t, "users-get.json")
	const (
		root      = "1-67890abc-000000000000000000000001"
		parent    = "1111111111111111"
		sampled   = "Root=" + root + ";Parent=" + parent + ";Sampled=1"
		unsampled = "Root=1-67890abc-000000000000000000000002;Parent=2222222222222222;Sampled=0"
		// The last GET's first subsegment ends those of the two before.
		markerRoot = "1-67890abc-000000000000000000000003"
		marker     = "Root=" + markerRoot + ";Parent=3333333333333333;Sampled=1"
	)
	api := newRuntimeAPI(t, raw, sampled, unsampled, marker)
	cmd := exec.CommandContext(t.Context(), bootstrap)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(api.URL, "http://"),
		"AWS_XRAY_DAEMON_ADDRESS=" + daemon.Addr,
		"AWS_ENDPOINT_URL=" + b.endpoint,
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_LAMBDA_FUNCTION_NAME=" + fn.LogicalID(),
		"TABLE_NAME=" + b.table,
		"TOKEN_SECRET_ARN=" + b.secret,
	}
	out := new(strings.Builder)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("output of the bootstrap:\n%s", out)
		}
	})

	services := map[string]bool{}
	for s := daemon.Next(t); s.TraceID != markerRoot; s = daemon.Next(t) {
		if s.TraceID != root || s.ParentID != parent {
			t.Fatalf("got a subsegment of trace %q under %q, want only ones of %q under %q", s.TraceID, s.ParentID, root, parent)
		}
		// The token source asks for the secret's previous version too,
		// which a secret never rotated lacks (a 404): only the table's
		// calls must all succeed.
		if s.Name == "DynamoDB" && (s.AWS.TableName != b.table || s.HTTP.Response.Status != http.StatusOK || s.Error || s.Fault) {
			t.Errorf("got DynamoDB %s on %q answered %d (error %t, fault %t), want table %q answering 200",
				s.AWS.Operation, s.AWS.TableName, s.HTTP.Response.Status, s.Error, s.Fault, b.table)
		}
		services[s.Name] = true
	}
	if !services["Secrets Manager"] || !services["DynamoDB"] {
		t.Errorf("got subsegments of %v, want Secrets Manager's and DynamoDB's among them", services)
	}
	for i, resp := range api.responses(t, 3) {
		var r events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(resp, &r); err != nil || r.StatusCode != http.StatusOK {
			t.Errorf("invocation %d answered %s, want status 200", i, resp)
		}
	}
}

// runtimeAPI stands in for Lambda's Runtime API (the "next" and "response"
// calls of the Lambda developer guide's "Using the Lambda runtime API for
// custom runtimes"): it hands the runtime event once per trace header, in
// order, then holds its next call until the test ends.
type runtimeAPI struct {
	*httptest.Server
	answers chan []byte
}

func newRuntimeAPI(t *testing.T, event []byte, traceHeaders ...string) *runtimeAPI {
	t.Helper()
	api := &runtimeAPI{answers: make(chan []byte, len(traceHeaders))}
	next := make(chan string, len(traceHeaders))
	for _, h := range traceHeaders {
		next <- h
	}
	mux := http.NewServeMux()
	var n atomic.Int64
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case h := <-next:
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "request-"+strconv.FormatInt(n.Add(1), 10))
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(20*time.Second).UnixMilli(), 10))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:012345678912:function:UsersFunction")
			w.Header().Set("Lambda-Runtime-Trace-Id", h)
			_, _ = w.Write(event)
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/{outcome}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.PathValue("outcome") != "response" {
			t.Errorf("invocation %s: %s %s", r.PathValue("id"), r.PathValue("outcome"), body)
		}
		api.answers <- body
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		t.Errorf("init failed: %s", body)
		w.WriteHeader(http.StatusAccepted)
	})
	api.Server = httptest.NewServer(mux)
	t.Cleanup(api.Close)
	return api
}

// responses returns the runtime's first n answers.
func (api *runtimeAPI) responses(t *testing.T, n int) [][]byte {
	t.Helper()
	var got [][]byte
	for range n {
		select {
		case b := <-api.answers:
			got = append(got, b)
		case <-time.After(30 * time.Second):
			t.Fatalf("got %d answers from the runtime, want %d", len(got), n)
		}
	}
	return got
}
