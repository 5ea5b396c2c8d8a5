package lambdatest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// SCIM schema URNs the responses carry (RFC 7643 §8.7, RFC 7644 §3.4.2, §3.12).
const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	listSchema       = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	errorSchema      = "urn:ietf:params:scim:api:messages:2.0:Error"
	spcSchema        = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// step is one event of the replay and what the function must answer.
type step struct {
	event  string
	status int
	// check inspects the decoded SCIM body (nil for a 204) and the store.
	check func(t *testing.T, body map[string]any)
}

// TestReplayEvents runs every function under the emulator against moto and
// sends it, in the order Entra would, each event of events/ that the
// template routes to it.
func TestReplayEvents(t *testing.T) {
	rie := emulator(t)
	b := newBackend(t)
	emus := startAll(t, rie, b)
	tmpl := readTemplate(t)

	members := func(want ...string) func(*testing.T, map[string]any) {
		slices.Sort(want)
		return func(t *testing.T, _ map[string]any) {
			got, err := b.store.Members(t.Context(), lambdatest.GroupID)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("members of the group = %v, want %v", got, want)
			}
		}
	}
	gone := func(kind directory.Kind, id string) func(*testing.T, map[string]any) {
		return func(t *testing.T, _ map[string]any) {
			if _, err := b.store.Get(t.Context(), kind, id); !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("%s %s after DELETE: err = %v, want ErrNotFound", kind, id, err)
			}
		}
	}
	steps := []step{
		{"discovery-service-provider-config.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, []any{spcSchema}, "schemas")
			want(t, body, true, "patch", "supported")
			want(t, body, true, "filter", "supported")
		}},
		{"discovery-schemas.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, []any{listSchema}, "schemas")
			wantIDs(t, body, userSchema, groupSchema, enterpriseSchema)
		}},
		{"discovery-resource-types.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, []any{listSchema}, "schemas")
			wantIDs(t, body, "User", "Group")
		}},
		// Endpoint names in other cases (docs/conformance.md): the lower-case
		// schema reaches the discovery function by its own route, the
		// camel-case serviceProviderConfig the users function by the
		// catch-all of other spellings; both answer as the canonical path.
		{"discovery-schema-lowercase.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, userSchema, "id")
			want(t, body, "https://abcdef1234.execute-api.us-east-1.amazonaws.com/scim/v2/Schemas/"+userSchema, "meta", "location")
		}},
		{"discovery-service-provider-config-mixedcase.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, []any{spcSchema}, "schemas")
			want(t, body, "https://abcdef1234.execute-api.us-east-1.amazonaws.com/scim/v2/ServiceProviderConfig", "meta", "location")
		}},
		{"discovery-not-found.json", http.StatusNotFound, func(t *testing.T, body map[string]any) {
			want(t, body, []any{errorSchema}, "schemas")
			want(t, body, "404", "status")
		}},
		{"users-test-connection.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, []any{listSchema}, "schemas")
			want(t, body, json.Number("0"), "totalResults")
			want(t, body, []any{}, "Resources")
		}},
		{"users-lookup.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, json.Number("1"), "totalResults")
			want(t, body, lambdatest.UserID, "Resources", "0", "id")
			want(t, body, "adele.vance@contoso.com", "Resources", "0", "userName")
		}},
		{"users-lookup-lowercase.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, json.Number("1"), "totalResults")
			want(t, body, lambdatest.UserID, "Resources", "0", "id")
			want(t, body, "https://abcdef1234.execute-api.us-east-1.amazonaws.com/scim/v2/Users/"+lambdatest.UserID, "Resources", "0", "meta", "location")
		}},
		{"users-get.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			wantSchema(t, body, userSchema)
			want(t, body, lambdatest.UserID, "id")
			want(t, body, true, "active")
		}},
		{"users-create.json", http.StatusCreated, func(t *testing.T, body map[string]any) {
			wantSchema(t, body, userSchema)
			if id, _ := body["id"].(string); id == "" {
				t.Errorf("created user has no id: %v", body)
			}
			want(t, body, "alice@contoso.com", "userName")
			want(t, body, "Eng", enterpriseSchema, "department")
		}},
		{"users-patch-default.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, "Vance-Smith", "name", "familyName")
			want(t, body, "Addy", "nickName")
			want(t, body, "Retail Manager", "title")
			want(t, body, "adele.vance@contoso.onmicrosoft.com", "emails", "0", "value")
			want(t, body, "43", enterpriseSchema, "employeeNumber")
		}},
		{"users-patch-aadoptscim062020.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, "Vance", "name", "familyName")
			want(t, body, "Regional Manager", "title")
			want(t, body, "Sales & Marketing", enterpriseSchema, "department")
			want(t, body, "adele.vance@contoso.com", "emails", "0", "value")
		}},
		{"users-disable.json", http.StatusOK, func(t *testing.T, body map[string]any) { want(t, body, false, "active") }},
		{"users-enable.json", http.StatusOK, func(t *testing.T, body map[string]any) { want(t, body, true, "active") }},
		{"users-set-manager.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, lambdatest.ManagerID, enterpriseSchema, "manager", "value")
		}},
		{"groups-lookup.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, json.Number("1"), "totalResults")
			want(t, body, lambdatest.GroupID, "Resources", "0", "id")
			want(t, body, nil, "Resources", "0", "members")
		}},
		{"groups-create.json", http.StatusCreated, func(t *testing.T, body map[string]any) {
			wantSchema(t, body, groupSchema)
			want(t, body, "Marketing", "displayName")
		}},
		{"groups-rename.json", http.StatusNoContent, func(t *testing.T, _ map[string]any) {
			rec, err := b.store.Get(t.Context(), directory.KindGroup, lambdatest.GroupID)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(rec.Doc, &doc); err != nil {
				t.Fatal(err)
			}
			want(t, doc, "Sales EMEA", "displayName")
		}},
		{"groups-get-uppercase.json", http.StatusOK, func(t *testing.T, body map[string]any) {
			want(t, body, lambdatest.GroupID, "id")
			want(t, body, "Sales EMEA", "displayName")
			want(t, body, "https://abcdef1234.execute-api.us-east-1.amazonaws.com/scim/v2/Groups/"+lambdatest.GroupID, "meta", "location")
		}},
		{"groups-add-members.json", http.StatusNoContent, members(lambdatest.UserID, lambdatest.ManagerID)},
		{"groups-remove-member-default.json", http.StatusNoContent, members(lambdatest.ManagerID)},
		{"groups-remove-member-aadoptscim062020.json", http.StatusNoContent, members()},
		{"groups-delete.json", http.StatusNoContent, gone(directory.KindGroup, lambdatest.GroupID)},
		{"users-delete.json", http.StatusNoContent, gone(directory.KindUser, lambdatest.UserID)},
	}

	var planned []string
	for _, s := range steps {
		planned = append(planned, s.event)
	}
	slices.Sort(planned)
	if files := eventFiles(t); !slices.Equal(planned, files) {
		t.Fatalf("the replay plans %v\nbut events/ holds %v: add each new event to the plan", planned, files)
	}

	for _, s := range steps {
		ok := t.Run(s.event, func(t *testing.T) {
			raw, ev := readEvent(t, s.event)
			route, err := tmpl.Serving(ev.RequestContext.HTTP.Method, ev.RawPath)
			if err != nil {
				t.Fatal(err)
			}
			resp := invoke(t, emus[route.Function], raw)
			if resp.StatusCode != s.status {
				t.Fatalf("%s answered %d, want %d: %s", route.Function, resp.StatusCode, s.status, resp.Body)
			}
			var body map[string]any
			if resp.StatusCode != http.StatusNoContent {
				if ct := resp.Headers["Content-Type"]; ct != "application/scim+json" {
					t.Errorf("Content-Type = %q, want application/scim+json", ct)
				}
				dec := json.NewDecoder(strings.NewReader(resp.Body))
				dec.UseNumber()
				if err := dec.Decode(&body); err != nil {
					t.Fatalf("body is not JSON: %v: %s", err, resp.Body)
				}
			}
			s.check(t, body)
		})
		if !ok {
			// The next events build on this one.
			t.FailNow()
		}
	}
}

// field returns the value at path in a decoded JSON document; path
// elements index objects by key and arrays by decimal position.
func field(doc any, path ...string) any {
	for _, p := range path {
		switch v := doc.(type) {
		case map[string]any:
			doc = v[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			doc = v[i]
		default:
			return nil
		}
	}
	return doc
}

// want checks that doc holds value at path (nil: nothing there).
func want(t *testing.T, doc map[string]any, value any, path ...string) {
	t.Helper()
	if got := field(doc, path...); !reflect.DeepEqual(got, value) {
		t.Errorf("%s = %#v, want %#v", strings.Join(path, "."), got, value)
	}
}

// wantSchema checks that a resource lists schema among its schemas.
func wantSchema(t *testing.T, doc map[string]any, schema string) {
	t.Helper()
	list, _ := doc["schemas"].([]any)
	if !slices.Contains(list, any(schema)) {
		t.Errorf("schemas = %v, want it to hold %s", list, schema)
	}
}

// wantIDs checks that a ListResponse holds resources with each of ids.
func wantIDs(t *testing.T, doc map[string]any, ids ...string) {
	t.Helper()
	list, _ := doc["Resources"].([]any)
	var got []string
	for _, r := range list {
		if id, ok := field(r, "id").(string); ok {
			got = append(got, id)
		}
	}
	for _, id := range ids {
		if !slices.Contains(got, id) {
			t.Errorf("Resources ids = %v, want %s among them", got, id)
		}
	}
}
