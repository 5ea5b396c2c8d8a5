package entra_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/entra/entratest"
	"github.com/scim-bridge/scim-bridge/internal/faults"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// maxRetries is how often the retrying Doer sends a request again before
// it hands the last retryable answer to the client.
const maxRetries = 20

// TestProvisioningCycleUnderFaults runs the provisioning cycle of
// TestProvisioningCycle while 20% of the functions' DynamoDB requests fail,
// without the SDK's retries, so every fault reaches the bridge (issue 8).
// The client retries as Entra does; every failed answer must be a SCIM
// error with a retryable status, the directory must end exactly as the
// model says, and the reconciler must then find nothing to repair.
func TestProvisioningCycleUnderFaults(t *testing.T) {
	size := cycleSizeOf(t, faultCycleUsers, shortFaultCycleUsers)
	for _, v := range []struct {
		name  string
		kinds []faults.Kind
	}{
		{"default kinds", nil},
		// A lost response leaves the write done while the bridge answers
		// 503: the retried POST meets a 409 and is matched again, the
		// retried DELETE a 404.
		{"throttling and lost responses", []faults.Kind{faults.Throttle, faults.Lost}},
	} {
		t.Run(v.name, func(t *testing.T) {
			b := entratest.Start(t)
			inj := faults.New(faults.Options{Rate: 0.2, Seed: 8, Kinds: v.kinds})
			var errs lockedBuffer
			t.Cleanup(func() {
				if errs.Len() > 0 {
					t.Errorf("the functions logged errors:\n%s", errs.String())
				}
			})
			gw := faultyGateway(t, b, inj, &errs)
			d := &retryingDoer{t: t, next: gw}
			c, err := entra.NewClient(entratest.TenantURL, b.Token, entra.Options{Doer: d})
			if err != nil {
				t.Fatal(err)
			}
			r := &cycleRun{t: t, p: entra.NewProvisioner(c, entra.MatchUserName, 0), c: c, senders: 8}
			m := newModel(size, rand.New(rand.NewPCG(6, 1)))
			start := time.Now()
			r.initial(m)
			r.incremental(m, m.churn(rand.New(rand.NewPCG(6, 2))))
			cycle, attempts := time.Since(start), inj.Attempts()
			// The read-back inspects the result, so it runs without
			// faults: a page of 100 users takes more DynamoDB requests
			// than a 20% fault rate lets succeed together.
			inj.SetRate(0)
			r.verify(m)
			t.Logf("%d users, %d groups, %d memberships: both cycles in %v, with the read-back %v; requests: %s",
				size.users, size.groups, memberships(m), cycle.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), describeCounts(gw.Counts()))
			t.Logf("faults: %v of %d DynamoDB attempts (the read-back then made %d); %d answers retried, %d POSTs matched again after a 409, %d DELETEs done after a 404",
				inj.Injected(), attempts, inj.Attempts()-attempts, d.retried.Load(), d.rematched.Load(), d.gone.Load())
			if inj.Total() == 0 || d.retried.Load() == 0 {
				t.Error("no fault reached the client")
			}
			if slices.Contains(v.kinds, faults.Lost) && d.rematched.Load() == 0 {
				t.Error("no lost response met its retry: choose a seed that exercises one")
			}
			reconcileNothing(t, b.Table)
		})
	}
}

// reconcileNothing runs the reconciler once over table, through a client
// without faults as its function's own would be on a healthy day, and
// reports anything it finds or repairs.
func reconcileNothing(t *testing.T, table string) {
	t.Helper()
	var store reconcile.Store = dynamo.New(dynamodb.NewFromConfig(awstest.Config(t)), table)
	report, err := reconcile.Run(t.Context(), reconcile.Options{Store: store})
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	for inv, n := range report.Invariants {
		if n != nil && (n.Found > 0 || n.Repaired > 0) {
			t.Errorf("the reconciler found %d and repaired %d items breaking %s after the cycle", n.Found, n.Repaired, inv)
		}
	}
	if report.Found > 0 || report.Repaired > 0 || len(report.RepairErrors) > 0 {
		t.Errorf("reconciler: found %d, repaired %d, repair errors %v", report.Found, report.Repaired, report.RepairErrors)
	}
}

// faultyGateway returns a gateway in front of b's functions built as
// awsapp.NewHandler builds them, but whose DynamoDB client fails as inj
// decides and does not retry. Errors the functions log go to errs.
func faultyGateway(t *testing.T, b *entratest.Backend, inj *faults.Injector, errs io.Writer) *entratest.Gateway {
	t.Helper()
	cfg := awstest.Config(t)
	logger := slog.New(slog.NewJSONHandler(errs, &slog.HandlerOptions{Level: slog.LevelError}))
	noRetry := func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }
	store := dynamo.New(dynamodb.NewFromConfig(cfg, inj.DynamoDB(), noRetry), b.Table)
	h := httpapi.New(directory.New(store, directory.Options{}), httpapi.Config{
		Logger:     logger,
		FailureLog: store,
		Tokens:     secrets.New(secretsmanager.NewFromConfig(cfg), b.Secret, logger, secrets.Options{}),
	})
	tmpl, err := lambdatest.ProjectTemplate()
	if err != nil {
		t.Fatal(err)
	}
	// Every function runs the same handler; those without a table never
	// reach DynamoDB.
	functions := map[string]entratest.Function{}
	for _, fn := range lambdatest.Functions {
		functions[fn.LogicalID()] = httpadapter.NewV2(h).ProxyWithContext
	}
	return entratest.NewGateway(tmpl, functions)
}

// retryingDoer sends each request as Entra does: again while the answer
// is 429 or 5xx, checking each such answer. When the first try took effect
// but its answer was lost, it settles the retry's answer as Entra does: a
// 409 to a POST by matching the resource by name and answering with it as
// if the POST had created it, a 404 to a DELETE as the 204 it would have
// been.
type retryingDoer struct {
	t                        *testing.T
	next                     entra.Doer
	retried, rematched, gone atomic.Int64
}

func (d *retryingDoer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	for try := 0; ; try++ {
		r := req.Clone(req.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		res, err := d.next.Do(r)
		if err != nil {
			return nil, err
		}
		if req.Method == http.MethodPost && res.StatusCode == http.StatusConflict && try > 0 {
			res.Body.Close()
			d.rematched.Add(1)
			return d.rematch(req, body)
		}
		if req.Method == http.MethodDelete && res.StatusCode == http.StatusNotFound && try > 0 {
			res.Body.Close()
			d.gone.Add(1)
			return &http.Response{Status: "204 No Content", StatusCode: http.StatusNoContent, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{}, Body: http.NoBody, Request: req}, nil
		}
		if res.StatusCode != http.StatusTooManyRequests && res.StatusCode < 500 || try == maxRetries {
			return res, nil
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		d.check(req.Method+" "+req.URL.RequestURI(), res, raw)
		d.retried.Add(1)
		time.Sleep(time.Duration(try+1) * time.Millisecond)
	}
}

// check reports a retryable answer that is not what Entra needs: a SCIM
// error of status 429, 503 (both with Retry-After) or 504.
func (d *retryingDoer) check(where string, res *http.Response, raw []byte) {
	switch res.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if res.Header.Get("Retry-After") == "" {
			d.t.Errorf("%s: %d without Retry-After", where, res.StatusCode)
		}
	case http.StatusGatewayTimeout:
	default:
		d.t.Errorf("%s: status %d, want 429, 503 or 504\n%s", where, res.StatusCode, raw)
		return
	}
	var e struct {
		Schemas []string `json:"schemas"`
		Status  string   `json:"status"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.Status != strconv.Itoa(res.StatusCode) ||
		len(e.Schemas) != 1 || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		d.t.Errorf("%s: body is not a SCIM error of status %d: %s", where, res.StatusCode, raw)
	}
}

// rematch looks the resource a POST created up by its userName or
// displayName, as Entra's matching does (docs/entra.md §2.2, §4.1),
// and answers with it as a 201.
func (d *retryingDoer) rematch(post *http.Request, body []byte) (*http.Response, error) {
	var sent map[string]any
	if err := json.Unmarshal(body, &sent); err != nil {
		return nil, err
	}
	attr := "userName"
	if strings.HasSuffix(post.URL.Path, "/Groups") {
		attr = "displayName"
	}
	name, _ := sent[attr].(string)
	get := post.Clone(post.Context())
	get.Method, get.Body, get.ContentLength = http.MethodGet, nil, 0
	q := get.URL.Query()
	q.Set("filter", attr+` eq "`+name+`"`)
	get.URL.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	get.Header.Del("Content-Type")
	res, err := d.Do(get)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var list struct{ Resources []json.RawMessage }
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil || res.StatusCode != http.StatusOK || len(list.Resources) != 1 {
		d.t.Errorf("POST %s met a 409 after a retry, and %s eq %q then found %d resources (status %d, %v)",
			post.URL.Path, attr, name, len(list.Resources), res.StatusCode, err)
		return res, nil
	}
	return &http.Response{
		Status: "201 Created", StatusCode: http.StatusCreated, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/scim+json"}},
		Body:    io.NopCloser(bytes.NewReader(list.Resources[0])),
		Request: post,
	}, nil
}

// lockedBuffer is a bytes.Buffer safe for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
