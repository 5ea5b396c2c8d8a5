package lambdatest_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

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

// otherSpellings is the function that takes endpoint names spelt in any
// case but canonical, lower and upper: the handler serves them all, and its
// table access covers every directory route.
const otherSpellings = "UsersFunction"

// spellings are the ways clients spell a route's endpoint names (RFC 7644
// §3.2 spells them one way; case-insensitive servers accept any): each
// function takes its own names as the routes spell them, in lower case and
// in upper case, and otherSpellings takes the rest.
var spellings = []struct {
	name  string
	spell func(string) string
	// own says whether the route's own function serves this spelling.
	own bool
}{
	{"canonical", func(s string) string { return s }, true},
	{"lower", strings.ToLower, true},
	{"upper", strings.ToUpper, true},
	{"swapped", swapCase, false},
}

// swapCase returns s with the case of every letter swapped: "Users" is
// "uSERS", a spelling that is neither canonical, lower nor upper case.
func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, s)
}

func TestTemplateRoutesAreTheHandlersRoutes(t *testing.T) {
	tmpl := readTemplate(t)
	served := map[lambdatest.Route]bool{}
	for _, r := range httpapi.Routes() {
		for _, sp := range spellings {
			segs := strings.Split(r.Path, "/")
			for i, seg := range segs {
				if seg != "" && !wildcard.MatchString(seg) {
					segs[i] = sp.spell(seg)
				}
			}
			spelt := strings.Join(segs, "/")
			if !sp.own && spelt == r.Path {
				continue // .search has no case to change
			}
			path := httpapi.DefaultBasePath + wildcard.ReplaceAllString(spelt, lambdatest.UserID)
			route, err := tmpl.Serving(r.Method, path)
			if err != nil {
				t.Errorf("handler route %s %s, %s: %v", r.Method, r.Path, sp.name, err)
				continue
			}
			served[route] = true
			want, needsTable := functionOf(r.Path)
			if !sp.own && want != otherSpellings {
				want, needsTable = otherSpellings, true
			}
			fn, ok := lambdatest.FunctionNamed(route.Function)
			switch {
			case !ok:
				t.Errorf("%s %s: served by %s, which is not a known function", r.Method, path, route.Function)
			case want != "" && route.Function != want:
				t.Errorf("%s %s: served by %s (route %s), want %s", r.Method, path, route.Function, route.Path, want)
			case fn.NeedsTable != needsTable && (sp.own || !fn.NeedsTable):
				t.Errorf("%s %s: served by %s, whose table access is %v, want %v", r.Method, path, route.Function, fn.NeedsTable, needsTable)
			}
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
	if _, err := tmpl.Serving("GET", "/scim/Users"); err != nil {
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
