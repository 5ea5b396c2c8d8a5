package lambdatest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// usageRecorder is a proxy in front of the emulator that records the IAM
// actions and resources of the AWS requests one function sends.
type usageRecorder struct {
	table, secret, bus string
	proxy              *httputil.ReverseProxy

	mu   sync.Mutex
	used grants
}

func (u *usageRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	u.record(r.Header.Get("X-Amz-Target"), body)
	u.proxy.ServeHTTP(w, r)
}

// record notes the actions and resources of one request of the JSON
// protocols: X-Amz-Target names the operation, the body the resources. A
// transaction is authorized as its items' own actions.
func (u *usageRecorder) record(target string, body []byte) {
	service, op, _ := strings.Cut(target, ".")
	var in struct {
		TableName, IndexName, SecretId string
		RequestItems                   map[string]json.RawMessage
		TransactItems                  []map[string]struct{ TableName string }
		Entries                        []struct{ EventBusName string }
	}
	_ = json.Unmarshal(body, &in)
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case strings.HasPrefix(service, "DynamoDB"):
		table := func(name string) string {
			if name == u.table {
				return "Table"
			}
			return "table " + name
		}
		switch {
		case len(in.TransactItems) > 0:
			item := map[string]string{"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
			for _, it := range in.TransactItems {
				for kind, x := range it {
					u.used.add("dynamodb:"+item[kind], table(x.TableName))
				}
			}
		case len(in.RequestItems) > 0:
			for name := range in.RequestItems {
				u.used.add("dynamodb:"+op, table(name))
			}
		case in.IndexName != "":
			u.used.add("dynamodb:"+op, table(in.TableName)+"/index/"+in.IndexName)
		default:
			u.used.add("dynamodb:"+op, table(in.TableName))
		}
	case service == "AWSEvents":
		for _, e := range in.Entries {
			resource := "bus " + e.EventBusName
			if e.EventBusName == u.bus {
				resource = "EventBus"
			}
			u.used.add("events:"+op, resource)
		}
	case service == "secretsmanager":
		resource := "secret " + in.SecretId
		if in.SecretId == u.secret {
			resource = "TokenSecret"
		}
		u.used.add("secretsmanager:"+op, resource)
	default:
		u.used.add("unrecognised request "+target, "?")
	}
}

// measureUsage runs each function that serves HTTP routes as awsapp wires
// it for Lambda, each behind its own recorder, sends every request of a
// workload that covers all of the handler's routes to the function the
// template routes it to, and returns what each function used.
func measureUsage(t *testing.T) map[string]grants {
	t.Helper()
	moto, err := url.Parse(awstest.Endpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	b := newBackend(t)
	tmpl := readTemplate(t)
	// awsapp reads AWS settings from the environment, as in Lambda.
	for k, v := range map[string]string{
		"AWS_REGION": awstest.Region, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE":             filepath.Join(t.TempDir(), "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	handlers := map[string]http.Handler{}
	recorders := map[string]*usageRecorder{}
	for _, fn := range lambdatest.Functions {
		rec := &usageRecorder{table: b.table, secret: b.secret, proxy: httputil.NewSingleHostReverseProxy(moto), used: grants{}}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		t.Setenv("AWS_ENDPOINT_URL", srv.URL)
		settings := awsapp.Settings{TokenSecret: b.secret}
		if fn.NeedsTable {
			settings.Table = b.table
		}
		h := awsapp.NewHandler(awsapp.Config(os.Getenv), settings, slog.New(slog.DiscardHandler))
		handlers[fn.LogicalID()], recorders[fn.LogicalID()] = h, rec
	}

	routes := http.NewServeMux()
	for _, r := range httpapi.Routes() {
		routes.HandleFunc(r.Method+" "+httpapi.DefaultBasePath+r.Path, func(http.ResponseWriter, *http.Request) {})
	}
	covered := map[string]bool{}
	ids := strings.NewReplacer("{user}", lambdatest.UserID, "{manager}", lambdatest.ManagerID, "{group}", lambdatest.GroupID)
	created := map[string]string{}
	for _, step := range usageWorkload {
		path := ids.Replace(step.path)
		body := ids.Replace(step.body)
		for name, id := range created {
			path, body = strings.ReplaceAll(path, name, id), strings.ReplaceAll(body, name, id)
		}
		req := httptest.NewRequest(step.method, httpapi.DefaultBasePath+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+lambdatest.LocalToken)
		req.Header.Set("Content-Type", "application/scim+json")
		route, err := tmpl.Serving(req.Method, req.URL.EscapedPath())
		if err != nil {
			t.Fatal(err)
		}
		if _, pattern := routes.Handler(req); pattern != "" {
			covered[pattern] = true
		}
		res := httptest.NewRecorder()
		handlers[route.Function].ServeHTTP(res, req)
		if res.Code != step.status {
			t.Fatalf("%s %s (%s): status %d, want %d\n%s", step.method, path, route.Function, res.Code, step.status, res.Body)
		}
		if step.saveAs != "" {
			var v struct{ ID string }
			if err := json.Unmarshal(res.Body.Bytes(), &v); err != nil || v.ID == "" {
				t.Fatalf("%s %s: no id in %s", step.method, path, res.Body)
			}
			created[step.saveAs] = v.ID
		}
	}
	for _, r := range httpapi.Routes() {
		if pattern := r.Method + " " + httpapi.DefaultBasePath + r.Path; !covered[pattern] {
			t.Errorf("the workload does not cover route %s; add a request for it to usageWorkload", pattern)
		}
	}
	out := map[string]grants{}
	for fn, rec := range recorders {
		out[fn] = rec.used
	}
	return out
}

// usageWorkload is what Entra (and an operator's search) does to the
// seeded directory, covering every route of the handler: {user},
// {manager} and {group} are the seeded resources, {new…} those created.
var usageWorkload = []struct {
	method, path, body string
	status             int
	saveAs             string
}{
	{"GET", `/Users?filter=userName%20eq%20%22nobody%40contoso.com%22`, "", 200, ""},
	{"GET", `/Users?filter=userName%20eq%20%22ADELE.VANCE%40contoso.com%22`, "", 200, ""},
	{"GET", `/Users?filter=externalId%20eq%20%22adele.vance%22`, "", 200, ""},
	{"GET", `/Users?filter=emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22adele.vance%40contoso.com%22%5D`, "", 200, ""},
	{"GET", `/Users?filter=title%20pr`, "", 200, ""},
	{"GET", `/Users?count=10`, "", 200, ""},
	{"GET", `/Users/{user}`, "", 200, ""},
	{"POST", `/Users`, `{"userName":"new@contoso.com","externalId":"new","emails":[{"type":"work","value":"new@contoso.com"}]}`, 201, "{newUser}"},
	{"PATCH", `/Users/{newUser}`, `{"Operations":[{"op":"Replace","path":"userName","value":"renamed@contoso.com"},{"op":"Replace","path":"displayName","value":"N"}]}`, 200, ""},
	{"PATCH", `/Users/{user}`, `{"Operations":[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"{manager}"}]}`, 200, ""},
	{"PUT", `/Users/{newUser}`, `{"userName":"renamed@contoso.com","externalId":"new2","active":false}`, 200, ""},
	{"POST", `/Users/.search`, `{"filter":"userName pr","count":5}`, 200, ""},
	{"POST", `/.search`, `{"filter":"displayName pr","count":5}`, 200, ""},
	{"GET", `/Groups?excludedAttributes=members&filter=displayName%20eq%20%22sales%22`, "", 200, ""},
	{"GET", `/Groups`, "", 200, ""},
	{"GET", `/Groups/{group}`, "", 200, ""},
	{"POST", `/Groups`, `{"displayName":"New Team","externalId":"nt","members":[{"value":"{newUser}"}]}`, 201, "{newGroup}"},
	{"PATCH", `/Groups/{group}`, `{"Operations":[{"op":"Add","path":"members","value":[{"value":"{user}"},{"value":"{manager}"}]}]}`, 204, ""},
	{"PATCH", `/Groups/{group}`, `{"Operations":[{"op":"Remove","path":"members","value":[{"value":"{manager}"}]}]}`, 204, ""},
	{"PATCH", `/Groups/{group}`, `{"Operations":[{"op":"Replace","path":"displayName","value":"Sales EMEA"}]}`, 204, ""},
	{"PUT", `/Groups/{newGroup}`, `{"displayName":"New Team 2","members":[{"value":"{user}"}]}`, 200, ""},
	{"POST", `/Groups/.search`, `{"filter":"members.value eq \"{user}\""}`, 200, ""},
	// Endpoint names spelt in other cases: upper case reaches the groups
	// function by its own routes, any other spelling the users function.
	{"GET", `/GROUPS/{group}?excludedAttributes=members`, "", 200, ""},
	{"PATCH", `/gROUPS/{group}`, `{"Operations":[{"op":"Add","path":"members","value":[{"value":"{manager}"}]}]}`, 204, ""},
	{"GET", `/gROUPS?filter=displayName%20eq%20%22Sales%20EMEA%22`, "", 200, ""},
	{"DELETE", `/Groups/{newGroup}`, "", 204, ""},
	{"DELETE", `/Users/{newUser}`, "", 204, ""},
	{"DELETE", `/Users/{user}`, "", 204, ""},
	{"GET", `/ServiceProviderConfig`, "", 200, ""},
	{"GET", `/Schemas`, "", 200, ""},
	{"GET", `/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`, "", 200, ""},
	{"GET", `/ResourceTypes`, "", 200, ""},
	{"GET", `/ResourceTypes/Group`, "", 200, ""},
	{"GET", `/sCHEMAS`, "", 200, ""},
	{"GET", `/NoSuchEndpoint`, "", 404, ""},
}
