package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

func TestServiceProviderConfig(t *testing.T) {
	e := newEnv(t)
	res := e.mustDo(http.StatusOK, "GET", "/scim/v2/ServiceProviderConfig?filter=ignored", "")
	tests := []struct {
		path string
		want any
	}{
		{"schemas", []any{scim.ServiceProviderConfigSchema}},
		{"patch.supported", true},
		{"bulk.supported", false},
		{"filter.supported", true},
		{"filter.maxResults", "100"},
		{"changePassword.supported", false},
		{"sort.supported", false},
		{"etag.supported", true},
		{"meta.resourceType", "ServiceProviderConfig"},
		{"meta.location", "http://example.com/scim/v2/ServiceProviderConfig"},
	}
	for _, tc := range tests {
		if got := lookup(res.body, tc.path); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s = %v, want %v", tc.path, got, tc.want)
		}
	}
	schemes, _ := res.body["authenticationSchemes"].([]any)
	if len(schemes) != 1 {
		t.Fatalf("authenticationSchemes = %v, want one", res.body["authenticationSchemes"])
	}
	s := schemes[0].(map[string]any)
	if s["type"] != "oauthbearertoken" || s["name"] == "" || s["description"] == "" {
		t.Errorf("authentication scheme = %v", s)
	}
}

// TestSchemas checks /Schemas and /Schemas/{id}: every served schema with
// its attributes, as resources with schemas and meta (RFC 7643 §7).
func TestSchemas(t *testing.T) {
	e := newEnv(t)
	res := e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas", "")
	checkList(t, res, len(scim.Schemas))
	for i, r := range res.body["Resources"].([]any) {
		s := r.(map[string]any)
		want := scim.Schemas[i]
		if s["id"] != want.ID || s["name"] != want.Name {
			t.Errorf("Resources[%d] = %v %v, want %s %s", i, s["id"], s["name"], want.ID, want.Name)
		}
		if got := len(s["attributes"].([]any)); got != len(want.Attributes) {
			t.Errorf("%s has %d attributes, want %d", want.ID, got, len(want.Attributes))
		}
		if !reflect.DeepEqual(s["schemas"], []any{scim.SchemaSchema}) {
			t.Errorf("%s schemas = %v", want.ID, s["schemas"])
		}
		loc := "http://example.com/scim/v2/Schemas/" + want.ID
		if got := lookup(s, "meta.location"); got != loc || lookup(s, "meta.resourceType") != "Schema" {
			t.Errorf("%s meta = %v", want.ID, s["meta"])
		}
		// The location must itself answer, in any case of the URN.
		one := e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas/"+url.PathEscape(want.ID), "")
		if !reflect.DeepEqual(one.body, s) {
			t.Errorf("/Schemas/%s differs from its /Schemas entry", want.ID)
		}
	}
	e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas/URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER", "")
	// userName's definition comes from the same data that drives parsing.
	user := e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas/"+scim.UserSchema, "")
	first := user.body["attributes"].([]any)[0].(map[string]any)
	if first["name"] != "userName" || first["uniqueness"] != "server" || first["caseExact"] != false || first["required"] != true {
		t.Errorf("userName definition = %v", first)
	}
}

func TestResourceTypes(t *testing.T) {
	e := newEnv(t)
	res := e.mustDo(http.StatusOK, "GET", "/scim/v2/ResourceTypes", "")
	checkList(t, res, 2)
	user := res.body["Resources"].([]any)[0].(map[string]any)
	want := map[string]any{
		"schemas":          []any{scim.ResourceTypeSchema},
		"id":               "User",
		"name":             "User",
		"endpoint":         "/Users",
		"description":      "User Account",
		"schema":           scim.UserSchema,
		"schemaExtensions": []any{map[string]any{"schema": scim.EnterpriseUserSchema, "required": false}},
		"meta":             map[string]any{"resourceType": "ResourceType", "location": "http://example.com/scim/v2/ResourceTypes/User"},
	}
	if !reflect.DeepEqual(user, want) {
		t.Errorf("User resource type =\n%v\nwant\n%v", user, want)
	}
	group := e.mustDo(http.StatusOK, "GET", "/scim/v2/ResourceTypes/group", "")
	if group.body["endpoint"] != "/Groups" || group.body["schema"] != scim.GroupSchema {
		t.Errorf("Group resource type = %v", group.body)
	}
	if got, ok := group.body["schemaExtensions"].([]any); !ok || len(got) != 0 {
		t.Errorf("Group schemaExtensions = %v, want an empty list", group.body["schemaExtensions"])
	}
}

// checkList checks the ListResponse envelope (RFC 7644 §3.4.2) of a page
// holding n resources that starts at the first.
func checkList(t *testing.T, res response, n int) {
	t.Helper()
	if got, want := res.header.Get("Content-Type"), "application/scim+json"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(res.body["schemas"], []any{scim.ListResponseSchema}) {
		t.Errorf("schemas = %v", res.body["schemas"])
	}
	for k, want := range map[string]int{"totalResults": n, "itemsPerPage": n, "startIndex": 1} {
		if got := fmt.Sprint(res.body[k]); got != fmt.Sprint(want) {
			t.Errorf("%s = %s, want %d", k, got, want)
		}
	}
	if got, ok := res.body["Resources"].([]any); !ok || len(got) != n {
		t.Errorf("Resources = %v, want %d resources", res.body["Resources"], n)
	}
}

// lookup returns the value at a dotted path of nested objects.
func lookup(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// TestSchemasListEveryAttributeEntraMaps checks that /Schemas names every
// attribute Entra's default and documented mappings write, compared without
// case as Entra's schema check does (docs/entra.md): a gallery application
// whose /Schemas misses one fails that check.
func TestSchemasListEveryAttributeEntraMaps(t *testing.T) {
	e := newEnv(t)
	byID := map[string][]any{}
	for _, s := range e.mustDo(http.StatusOK, "GET", "/scim/v2/Schemas", "").body["Resources"].([]any) {
		m := s.(map[string]any)
		byID[strings.ToLower(m["id"].(string))] = m["attributes"].([]any)
	}
	const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
	mapped := map[string][]string{
		scim.UserSchema: {
			"userName", "externalId", "active", "displayName", "title", "preferredLanguage", "nickName", "userType",
			"name.givenName", "name.familyName", "name.formatted", "emails.type", "emails.Value", "emails.primary",
			"phoneNumbers.type", "phoneNumbers.value", "addresses.type", "addresses.Formatted", "addresses.streetAddress",
			"addresses.locality", "addresses.region", "addresses.postalCode", "addresses.country",
			"roles.value", "roles.display", "roles.type", "roles.primary",
			enterprise + "employeeNumber", enterprise + "department", enterprise + "costCenter", enterprise + "organization",
			enterprise + "division", enterprise + "manager", enterprise + "manager.value",
		},
		scim.GroupSchema: {"displayName", "externalId", "members", "members.value"},
	}
	for schema, paths := range mapped {
		for _, p := range paths {
			id := schema
			if strings.HasPrefix(p, enterprise) {
				id, p = strings.TrimSuffix(enterprise, ":"), strings.TrimPrefix(p, enterprise)
			}
			attrs := byID[strings.ToLower(id)]
			for name := range strings.SplitSeq(p, ".") {
				var found map[string]any
				for _, a := range attrs {
					if m := a.(map[string]any); strings.EqualFold(m["name"].(string), name) {
						found = m
					}
				}
				if found == nil {
					t.Errorf("/Schemas/%s does not list %s", id, p)
					break
				}
				attrs, _ = found["subAttributes"].([]any)
			}
		}
	}
}

// TestDiscoveryGolden replays testdata/discovery: the documents exactly as
// served, so that any change to them shows in review (-update rewrites).
func TestDiscoveryGolden(t *testing.T) {
	replay(t, filepath.Join("testdata", "discovery", "discovery.json"), newEmbeddedStore)
}
