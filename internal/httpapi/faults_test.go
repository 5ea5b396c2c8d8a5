package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/faults"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// faultRate is the share of AWS requests that fail in the fault tests.
const faultRate = 0.2

// faultyDynamoStores returns two stores on one fresh table of the emulator:
// one whose requests fail as inj decides, without the SDK's retries so
// that every fault reaches the bridge, and a clean one to inspect the
// table with.
func faultyDynamoStores(t *testing.T, inj *faults.Injector) (faulty, clean directory.Store) {
	t.Helper()
	cfg := awstest.Config(t)
	table := awstest.Name(t, "faults")
	client := dynamodb.NewFromConfig(cfg)
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	noRetry := func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }
	return dynamo.New(dynamodb.NewFromConfig(cfg, inj.DynamoDB(), noRetry), table), dynamo.New(client, table)
}

// faultySecret returns a token source on a new secret holding testToken,
// whose Secrets Manager requests fail as inj decides, without retries.
func faultySecret(t *testing.T, inj *faults.Injector, opts secrets.Options) *secrets.Source {
	t.Helper()
	cfg := awstest.Config(t)
	name := awstest.Name(t, "token")
	_, err := secretsmanager.NewFromConfig(cfg).CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{
		Name: aws.String(name), SecretString: aws.String(testToken),
	})
	if err != nil {
		t.Fatal(err)
	}
	client := secretsmanager.NewFromConfig(cfg, inj.SecretsManager(), func(o *secretsmanager.Options) { o.RetryMaxAttempts = 1 })
	return secrets.New(client, name, nil, opts)
}

// TestWorkloadUnderInjectedFaults runs a provisioning workload, retrying as
// Entra retries, while 20% of the DynamoDB and Secrets Manager requests
// fail (throttling, 500, timeouts, expired deadlines, transaction
// conflicts). Every failed answer must be a retryable SCIM error, and the
// directory must end exactly as the same workload leaves it without faults.
func TestWorkloadUnderInjectedFaults(t *testing.T) {
	baseline := newEnv(t)
	runWorkload(t, baseline)
	want := snapshot(t, baseline)

	for _, run := range []struct {
		name  string
		seed  uint64
		kinds []faults.Kind
	}{
		{"seed 1", 1, nil},
		{"seed 2", 2, nil},
		// A lost response leaves the write done while the bridge answers
		// 503; Entra's retry then meets the write (a 409 to a POST, a 404
		// to a DELETE) and the next match finds the resource.
		{"seed 4 with lost responses", 4, []faults.Kind{faults.Throttle, faults.Lost}},
	} {
		t.Run(run.name, func(t *testing.T) {
			dbFaults := faults.New(faults.Options{Rate: faultRate, Seed: run.seed, Kinds: run.kinds})
			smFaults := faults.New(faults.Options{Rate: faultRate, Seed: run.seed})
			faulty, clean := faultyDynamoStores(t, dbFaults)
			e := newEnvWith(t, directory.New(faulty, directory.Options{}), httpapi.Config{Tokens: faultySecret(t, smFaults, secrets.Options{})})
			c := runWorkload(t, e)
			t.Logf("%d requests, %d retried answers, %d re-matched after a retried write; faults: DynamoDB %v of %d attempts, Secrets Manager %v of %d",
				c.requests, c.retries, c.rematched, dbFaults.Injected(), dbFaults.Attempts(), smFaults.Injected(), smFaults.Attempts())
			if dbFaults.Total() == 0 {
				t.Fatal("no fault was injected")
			}
			if c.retries == 0 {
				t.Error("no request failed: the faults did not reach the handler")
			}
			if dbFaults.Injected()[faults.Lost] > 0 && c.rematched == 0 {
				t.Error("no lost response met its retry: choose a seed that exercises one")
			}
			if strings.Contains(e.log.String(), `"level":"ERROR"`) {
				t.Errorf("internal errors were logged:\n%s", e.log)
			}
			view := newEnvWith(t, directory.New(clean, directory.Options{}), httpapi.Config{})
			if got := snapshot(t, view); !reflect.DeepEqual(got, want) {
				t.Errorf("the directory differs from the run without faults\n got: %v\nwant: %v", got, want)
			}
			checkInvariants(t, view)
			if report, ok := reconcileOnce(t, clean); ok {
				for inv, n := range report.Invariants {
					if n != nil && n.Found > 0 {
						t.Errorf("the reconciler found %d items breaking %s after the workload", n.Found, inv)
					}
				}
			}
		})
	}
}

// client sends a workload as Entra does: each request again while the
// answer is retryable (each such answer checked), and after a write that
// was retried, it accepts the answer that shows the first try took effect
// (a 409 to a POST, a 404 to a DELETE), matching the resource by its name
// as Entra's next cycle would.
type client struct {
	t   *testing.T
	e   *env
	ids map[string]string // userName or displayName → id

	requests, retries, rematched int
}

func (c *client) send(method, target, body string, want int) response {
	c.t.Helper()
	res, retries := c.e.retrying(method, target, body)
	c.requests++
	c.retries += retries
	if res.status == want {
		return res
	}
	if retries > 0 && (method == http.MethodPost && res.status == http.StatusConflict || method == http.MethodDelete && res.status == http.StatusNotFound) {
		c.rematched++
		return res
	}
	c.t.Fatalf("%s %s: status %d after %d retries, want %d\n%s", method, target, res.status, retries, want, res.raw)
	return res
}

// create matches a resource by name and creates it if there is none, as
// Entra does (docs/entra.md §2.2, §4.1), and remembers its id.
func (c *client) create(endpoint, attr, name, body string) {
	c.t.Helper()
	find := func() string {
		res := c.send(http.MethodGet, "/scim/v2/"+endpoint+"?excludedAttributes=members&filter="+esc(attr+` eq "`+name+`"`), "", http.StatusOK)
		if list, _ := res.body["Resources"].([]any); len(list) == 1 {
			return list[0].(map[string]any)["id"].(string)
		}
		return ""
	}
	if id := find(); id != "" {
		c.t.Fatalf("%s %q exists before it was created", endpoint, name)
	}
	res := c.send(http.MethodPost, "/scim/v2/"+endpoint, body, http.StatusCreated)
	id, _ := res.body["id"].(string)
	if res.status == http.StatusConflict {
		id = find()
	}
	if id == "" {
		c.t.Fatalf("no id for %s %q", endpoint, name)
	}
	c.ids[name] = id
}

func (c *client) patch(endpoint, name string, want int, ops ...string) {
	c.t.Helper()
	c.send(http.MethodPatch, "/scim/v2/"+endpoint+"/"+c.ids[name], patchOp(ops...), want)
}

func (c *client) member(name string) string { return `{"value":"` + c.ids[name] + `"}` }

// runWorkload provisions, changes and deprovisions a small directory
// through e in both of Entra's PATCH dialects, and returns the client.
func runWorkload(t *testing.T, e *env) *client {
	c := &client{t: t, e: e, ids: map[string]string{}}
	users := []string{"ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"}
	for i, u := range users {
		c.create("Users", "userName", u+"@contoso.com", fmt.Sprintf(`{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
			"externalId":%q,"userName":"%s@contoso.com","active":true,"displayName":%q,
			"emails":[{"primary":true,"type":"work","value":"%s@contoso.com"}],
			"name":{"givenName":%q,"familyName":"Doe"},
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D%d"}}`, u, u, strings.ToUpper(u), u, u, i%3))
	}
	for _, g := range []string{"Sales", "Ops", "Temp"} {
		c.create("Groups", "displayName", g, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"x-`+g+`","displayName":"`+g+`"}`)
	}
	name := func(u string) string { return u + "@contoso.com" }

	c.patch("Groups", "Sales", 204, `{"op":"Add","path":"members","value":[`+c.member(name("ada"))+`,`+c.member(name("bob"))+`,`+c.member(name("cy"))+`]}`)
	c.patch("Groups", "Ops", 204, `{"op":"add","path":"members","value":[`+c.member(name("dee"))+`]}`, `{"op":"add","path":"members","value":[`+c.member(name("eve"))+`,`+c.member(name("hal"))+`]}`)
	c.patch("Groups", "Temp", 204, `{"op":"Add","path":"members","value":[`+c.member(name("fay"))+`,`+c.member(name("gus"))+`]}`)
	c.patch("Users", name("ada"), 200,
		`{"op":"Replace","path":"title","value":"Lead"}`,
		`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"ada.l@contoso.com"}`,
		`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"R&D"}`)
	c.patch("Users", name("bob"), 200, `{"op":"replace","value":{"displayName":"Robert","name.givenName":"Robert","title":"Eng"}}`)
	c.patch("Users", name("cy"), 200, `{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+c.ids[name("ada")]+`"}`)
	c.patch("Users", name("dee"), 200, `{"op":"Replace","path":"active","value":"False"}`)
	c.patch("Users", name("eve"), 200, `{"op":"Replace","path":"userName","value":"eve.new@contoso.com"}`)
	c.patch("Groups", "Sales", 204, `{"op":"Remove","path":"members","value":[`+c.member(name("bob"))+`]}`)
	c.patch("Groups", "Ops", 204, `{"op":"remove","path":"members[value eq \"`+c.ids[name("hal")]+`\"]"}`)
	c.patch("Groups", "Ops", 204, `{"op":"Replace","path":"displayName","value":"Operations"}`)
	c.send(http.MethodDelete, "/scim/v2/Users/"+c.ids[name("fay")], "", http.StatusNoContent)
	c.send(http.MethodDelete, "/scim/v2/Groups/"+c.ids["Temp"], "", http.StatusNoContent)
	c.patch("Users", name("dee"), 200, `{"op":"replace","path":"active","value":true}`)
	return c
}
