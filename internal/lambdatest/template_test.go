package lambdatest_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

func readTemplate(t testing.TB) *lambdatest.Template {
	t.Helper()
	tmpl, err := lambdatest.ReadTemplate(filepath.Join(moduleRoot(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// wildcard is a path wildcard of http.ServeMux or API Gateway.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// functionOf returns the function that must serve a handler route: the one
// of its resource type, the discovery function (which has no table access)
// for discovery, and for anything else one that has a table.
func functionOf(path string) (want string, needsTable bool) {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	switch first {
	case "Users":
		return "UsersFunction", true
	case "Groups":
		return "GroupsFunction", true
	case "ServiceProviderConfig", "Schemas", "ResourceTypes":
		return "DiscoveryFunction", false
	}
	return "", true
}

func TestTemplateRoutesAreTheHandlersRoutes(t *testing.T) {
	tmpl := readTemplate(t)
	served := map[lambdatest.Route]bool{}
	for _, r := range httpapi.Routes() {
		path := httpapi.DefaultBasePath + wildcard.ReplaceAllString(r.Path, lambdatest.UserID)
		route, err := tmpl.Serving(r.Method, path)
		if err != nil {
			t.Errorf("handler route %s %s: %v", r.Method, r.Path, err)
			continue
		}
		served[route] = true
		want, needsTable := functionOf(r.Path)
		fn, ok := lambdatest.FunctionNamed(route.Function)
		switch {
		case !ok:
			t.Errorf("handler route %s %s: served by %s, which is not a known function", r.Method, r.Path, route.Function)
		case want != "" && route.Function != want:
			t.Errorf("handler route %s %s: served by %s (route %s), want %s", r.Method, r.Path, route.Function, route.Path, want)
		case fn.NeedsTable != needsTable:
			t.Errorf("handler route %s %s: served by %s, whose table access is %v, want %v", r.Method, r.Path, route.Function, fn.NeedsTable, needsTable)
		}
	}
	// Every other route is a catch-all, which must be the discovery
	// function's: it answers SCIM 404s (see the replay of
	// discovery-not-found.json) and reads no table.
	for _, r := range tmpl.Routes {
		if served[r] {
			continue
		}
		if r.Path != "/{proxy+}" || r.Function != "DiscoveryFunction" {
			t.Errorf("template route %s %s of %s serves none of the handler's routes", r.Method, r.Path, r.Function)
		}
	}
	if _, err := tmpl.Serving("GET", "/scim/v2/NoSuchEndpoint"); err != nil {
		t.Errorf("no catch-all route: %v", err)
	}
}

// tableShape is what a table definition decides, comparable across the
// template and dynamo.TableDefinition.
type tableShape struct {
	BillingMode string
	// Attributes are "name:type", sorted.
	Attributes []string
	// Key is "name:HASH" then "name:RANGE".
	Key []string
	// Indexes are "name: key… projection", sorted.
	Indexes []string
	TTL     string
	// Stream is the stream's view type, "" for none.
	Stream string
}

func TestTemplateTableIsTheStoresTable(t *testing.T) {
	tp := readTemplate(t).Table
	var got tableShape
	got.BillingMode = tp.BillingMode
	for _, a := range tp.AttributeDefinitions {
		got.Attributes = append(got.Attributes, a.AttributeName+":"+a.AttributeType)
	}
	got.Key = keys(tp.KeySchema)
	for _, i := range tp.GlobalSecondaryIndexes {
		got.Indexes = append(got.Indexes, fmt.Sprintf("%s: %v %s", i.IndexName, keys(i.KeySchema), i.Projection.ProjectionType))
	}
	if tp.TimeToLiveSpecification.Enabled {
		got.TTL = tp.TimeToLiveSpecification.AttributeName
	}
	got.Stream = tp.StreamSpecification.StreamViewType

	def := dynamo.TableDefinition("scim")
	want := tableShape{BillingMode: string(def.BillingMode), TTL: dynamo.TTLAttribute}
	for _, a := range def.AttributeDefinitions {
		want.Attributes = append(want.Attributes, aws.ToString(a.AttributeName)+":"+string(a.AttributeType))
	}
	want.Key = keys(fromSDK(def.KeySchema))
	if s := def.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		want.Stream = string(s.StreamViewType)
	}
	for _, i := range def.GlobalSecondaryIndexes {
		want.Indexes = append(want.Indexes, fmt.Sprintf("%s: %v %s", aws.ToString(i.IndexName), keys(fromSDK(i.KeySchema)), i.Projection.ProjectionType))
	}

	for _, s := range []*tableShape{&got, &want} {
		slices.Sort(s.Attributes)
		slices.Sort(s.Indexes)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("template.yaml's table is not dynamo.TableDefinition:\n got %+v\nwant %+v", got, want)
	}
}

// keys returns a key schema as "name:type" strings, in order.
func keys(ks []lambdatest.KeyElement) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.AttributeName+":"+k.KeyType)
	}
	return out
}

func fromSDK(ks []types.KeySchemaElement) []lambdatest.KeyElement {
	out := make([]lambdatest.KeyElement, len(ks))
	for i, k := range ks {
		out[i] = lambdatest.KeyElement{AttributeName: aws.ToString(k.AttributeName), KeyType: string(k.KeyType)}
	}
	return out
}
