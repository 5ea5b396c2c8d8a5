package httpapi_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// newDynamoStore returns a DynamoDB store on a fresh table of the emulator,
// and the counter of its requests.
func newDynamoStore(t testing.TB) (directory.Store, *dynamo.Counter) {
	t.Helper()
	counter := new(dynamo.Counter)
	client := dynamodb.NewFromConfig(awstest.Config(t), counter.Middleware())
	table := awstest.Name(t, "http")
	if err := dynamo.CreateTable(context.Background(), client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	counter.Reset()
	return dynamo.New(client, table), counter
}

func TestEntraFlowsOnDynamoDB(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "entra", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no flows in testdata/entra: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			replay(t, file, func(t testing.TB) directory.Store { s, _ := newDynamoStore(t); return s })
		})
	}
}

// TestRequestBudgetThroughTheHandler counts the DynamoDB requests each SCIM
// operation Entra sends costs, end to end (docs/performance.md).
func TestRequestBudgetThroughTheHandler(t *testing.T) {
	store, counter := newDynamoStore(t)
	e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
	ceil := func(n, d int) int { return int(math.Ceil(float64(n) / float64(d))) }
	measure := func(name string, max int, method, target, body string, wantStatus int) response {
		t.Helper()
		counter.Reset()
		res := e.do(method, target, body)
		if res.status != wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", name, res.status, wantStatus, res.raw)
		}
		if got := int(counter.Total()); got > max {
			t.Errorf("%s: %d DynamoDB requests %v, budget %d", name, got, counter.Counts(), max)
		} else {
			t.Logf("%-60s %d (budget %d)", name, got, max)
		}
		return res
	}

	measure("GET /Users?filter=userName eq (miss)", 2, http.MethodGet, "/scim/v2/Users?filter=userName+eq+%22nobody%22", "", 200)
	u := measure("POST /Users", 1, http.MethodPost, "/scim/v2/Users", `{"userName":"budget@contoso.com","externalId":"b1","active":true}`, 201)
	id := u.body["id"].(string)
	measure("GET /Users?filter=userName eq (hit)", 2, http.MethodGet, "/scim/v2/Users?filter=userName+eq+%22BUDGET@contoso.com%22", "", 200)
	measure("GET /Users/{id}", 1, http.MethodGet, "/scim/v2/Users/"+id, "", 200)
	measure("PATCH /Users/{id}", 2, http.MethodPatch, "/scim/v2/Users/"+id, patchOp(`{"op":"Replace","path":"displayName","value":"B"}`), 200)
	measure("PATCH /Users/{id} changing userName", 3, http.MethodPatch, "/scim/v2/Users/"+id, patchOp(`{"op":"Replace","path":"userName","value":"budget2@contoso.com"}`), 200)
	measure("GET /Users?filter=externalId eq (1 match)", 2, http.MethodGet, "/scim/v2/Users?filter=externalId+eq+%22b1%22", "", 200)
	measure("POST /Users with a taken externalId", 1, http.MethodPost, "/scim/v2/Users", `{"userName":"budget3@contoso.com","externalId":"b1"}`, 201)
	measure("GET /Users?filter=externalId eq (2 matches)", 2+1, http.MethodGet, "/scim/v2/Users?filter=externalId+eq+%22b1%22", "", 200)
	measure("PATCH /Users/{id} changing externalId", 3, http.MethodPatch, "/scim/v2/Users/"+id, patchOp(`{"op":"Replace","path":"externalId","value":"b2"}`), 200)

	g := measure("POST /Groups", 1, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Budget"}`, 201)
	gid := g.body["id"].(string)
	measure("GET /Groups?filter=displayName eq&excludedAttributes=members", 2, http.MethodGet, "/scim/v2/Groups?excludedAttributes=members&filter=displayName+eq+%22budget%22", "", 200)

	var ids []string
	for i := range 150 {
		ids = append(ids, e.do(http.MethodPost, "/scim/v2/Users", fmt.Sprintf(`{"userName":"m%d@contoso.com"}`, i)).body["id"].(string))
	}
	for _, k := range []int{1, 100} {
		var vals []string
		for _, uid := range ids[:k] {
			vals = append(vals, `{"value":"`+uid+`"}`)
		}
		measure(fmt.Sprintf("PATCH /Groups adding %d members", k), 2+2*ceil(k, 100), http.MethodPatch, "/scim/v2/Groups/"+gid,
			patchOp(`{"op":"Add","path":"members","value":[`+strings.Join(vals, ",")+`]}`), 204)
	}
	measure("PATCH /Groups removing 1 member", 2+2, http.MethodPatch, "/scim/v2/Groups/"+gid, patchOp(`{"op":"Remove","path":"members[value eq \"`+ids[0]+`\"]"}`), 204)
	measure("GET /Groups/{id} with 99 members", 2+1, http.MethodGet, "/scim/v2/Groups/"+gid, "", 200)

	for _, uid := range ids[1:31] {
		g2 := e.do(http.MethodPost, "/scim/v2/Groups", `{"displayName":"g-`+uid+`"}`).body["id"].(string)
		e.do(http.MethodPatch, "/scim/v2/Groups/"+g2, patchOp(`{"op":"Add","path":"members","value":[{"value":"`+ids[1]+`"}]}`))
	}
	measure("DELETE /Users/{id} in 31 groups", 3+ceil(31, 25), http.MethodDelete, "/scim/v2/Users/"+ids[1], "", 204)
}

// TestUnauthenticatedRequestsCostNoDynamoDBRequest checks that requests
// without a valid token cost DynamoDB nothing (docs/security.md), whether
// they carry no token, a malformed Authorization header or a wrong token:
// no failure record, no mark. 1,000 of each of the first and the last.
func TestUnauthenticatedRequestsCostNoDynamoDBRequest(t *testing.T) {
	store, counter := newDynamoStore(t)
	e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{FailureLog: store.(journal.Writer)})
	targets := []struct{ method, path string }{
		{http.MethodGet, "/scim/v2/Users"}, {http.MethodPatch, "/scim/v2/Groups/x"}, {http.MethodPost, "/scim/v2/Users"},
		{http.MethodDelete, "/scim/v2/Users/x"}, {http.MethodGet, "/scim/v2/ServiceProviderConfig"}, {http.MethodGet, "/scim/v2/nothing"},
		{http.MethodGet, "/"},
	}
	for _, tc := range []struct {
		name, header string
		n            int
	}{
		{"without a token", "", 1000},
		{"with a wrong token", "Bearer not-the-token", 1000},
		{"with a Basic header", "Basic dXNlcjpwYXNzd29yZA==", 100},
		{"with a bare Bearer", "Bearer", 100},
		{"with two tokens", "Bearer not the-token", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter.Reset()
			for i := range tc.n {
				r := targets[i%len(targets)]
				if res := e.do(r.method, r.path, "{}", "Authorization", tc.header); res.status != http.StatusUnauthorized {
					t.Fatalf("request %d: status %d, want 401", i, res.status)
				}
			}
			if got := counter.Total(); got != 0 {
				t.Errorf("%d requests %s made %d DynamoDB requests %v, want 0", tc.n, tc.name, got, counter.Counts())
			} else {
				t.Logf("%d requests %s: 0 DynamoDB requests", tc.n, tc.name)
			}
		})
	}
	// The same store and handler do write for Entra's failures, so the
	// zero above is not a journal that never writes.
	counter.Reset()
	if res := e.do(http.MethodGet, "/scim/v2/Users/0190a1b2-c3d4-7e5f-8a9b-999999999999", ""); res.status != http.StatusNotFound {
		t.Fatalf("status %d, want 404", res.status)
	}
	if got := counter.Counts(); got["PutItem"] != 1 {
		t.Errorf("an authenticated 404 made DynamoDB requests %v, want its failure record's PutItem", got)
	}
}
