package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// TestHostileRequests sends malformed and hostile requests and checks each
// is answered with the right 4xx SCIM error: status, scimType, an RFC 7644
// §3.12 body and the SCIM content type. None may be a 5xx.
func TestHostileRequests(t *testing.T) {
	e := newEnv(t)
	userID := e.createUser("taken@contoso.com")
	e.mustDo(http.StatusCreated, "POST", "/scim/v2/Users", `{"userName":"other@contoso.com","externalId":"ext-1"}`)
	groupID := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups", `{"displayName":"Taken"}`).body["id"].(string)
	const missing = "0190a1b2-c3d4-7e5f-8a9b-999999999999"
	subst := strings.NewReplacer("USER", userID, "GROUP", groupID, "MISSING", missing)

	deep := strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40)
	deepPatch := `{"Operations":[{"op":"add","value":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}]}`
	huge := `{"userName":"big","displayName":"` + strings.Repeat("x", 1<<20) + `"}`
	manyOps := `{"Operations":[` + strings.Repeat(`{"op":"add","path":"title","value":"x"},`, 1000) + `{"op":"add","path":"title","value":"x"}]}`
	longFilter := esc(`userName eq "` + strings.Repeat("a", 4100) + `"`)
	noAuth := []string{"Authorization", ""}
	text := []string{"Content-Type", "text/plain"}

	tests := []struct {
		name           string
		method, target string
		body           string
		headers        []string
		status         int
		scimType       string
	}{
		// Authentication comes first, on every route.
		{"no Authorization header", "GET", "/scim/v2/Users", "", noAuth, 401, ""},
		{"wrong token", "GET", "/scim/v2/Users", "", []string{"Authorization", "Bearer wrong"}, 401, ""},
		{"token of a prefix", "GET", "/scim/v2/Users", "", []string{"Authorization", "Bearer " + testToken[:5]}, 401, ""},
		{"Basic scheme", "GET", "/scim/v2/Users", "", []string{"Authorization", "Basic " + testToken}, 401, ""},
		{"Bearer without token", "GET", "/scim/v2/Users", "", []string{"Authorization", "Bearer"}, 401, ""},
		{"token with a space", "GET", "/scim/v2/Users", "", []string{"Authorization", "Bearer " + testToken + " x"}, 401, ""},
		{"discovery without token", "GET", "/scim/v2/ServiceProviderConfig", "", noAuth, 401, ""},
		{"unknown route without token", "GET", "/scim/v2/Nope", "", noAuth, 401, ""},

		// Routing.
		{"unknown endpoint", "GET", "/scim/v2/Widgets", "", nil, 404, ""},
		{"outside the base path", "GET", "/Users", "", nil, 404, ""},
		{"base path itself", "GET", "/scim/v2", "", nil, 404, ""},
		{"path below a resource", "GET", "/scim/v2/Users/USER/groups", "", nil, 404, ""},
		{"dot-dot segment", "GET", "/scim/v2/Groups/../Users", "", nil, 404, ""},
		{"double slash", "GET", "/scim/v2//Users", "", nil, 404, ""},
		{"PUT on a collection", "PUT", "/scim/v2/Users", `{}`, nil, 405, ""},
		{"DELETE on a collection", "DELETE", "/scim/v2/Groups", "", nil, 405, ""},
		{"POST on a resource", "POST", "/scim/v2/Users/USER", `{}`, nil, 405, ""},
		{"POST on discovery", "POST", "/scim/v2/ServiceProviderConfig", `{}`, nil, 405, ""},
		{"GET on .search", "GET", "/scim/v2/.search", "", nil, 405, ""},
		{"OPTIONS", "OPTIONS", "/scim/v2/Users", "", nil, 405, ""},
		{"id of 300 bytes", "GET", "/scim/v2/Users/" + strings.Repeat("a", 300), "", nil, 404, ""},
		{"id with a control character", "GET", "/scim/v2/Users/a%01b", "", nil, 404, ""},
		{"id with NUL", "DELETE", "/scim/v2/Users/a%00b", "", nil, 404, ""},
		{"id of invalid UTF-8", "GET", "/scim/v2/Groups/%ff%fe", "", nil, 404, ""},
		{"id with an encoded slash", "GET", "/scim/v2/Users/a%2F..%2Fb", "", nil, 404, ""},
		{"unknown user", "GET", "/scim/v2/Users/MISSING", "", nil, 404, ""},
		{"PUT of an unknown user", "PUT", "/scim/v2/Users/MISSING", `{"userName":"x"}`, nil, 404, ""},
		{"PATCH of an unknown group", "PATCH", "/scim/v2/Groups/MISSING", `{"Operations":[{"op":"add","path":"displayName","value":"x"}]}`, nil, 404, ""},
		{"DELETE of an unknown group", "DELETE", "/scim/v2/Groups/MISSING", "", nil, 404, ""},
		{"user id as a group", "GET", "/scim/v2/Groups/USER", "", nil, 404, ""},
		{"unknown schema", "GET", "/scim/v2/Schemas/urn:example:nope", "", nil, 404, ""},
		{"unknown resource type", "GET", "/scim/v2/ResourceTypes/Widget", "", nil, 404, ""},

		// Media types and body limits.
		{"text/plain body", "POST", "/scim/v2/Users", `{"userName":"a"}`, text, 415, ""},
		{"XML body", "POST", "/scim/v2/Users", `<user/>`, []string{"Content-Type", "application/xml"}, 415, ""},
		{"form body on PATCH", "PATCH", "/scim/v2/Users/USER", `op=add`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, ""},
		{"malformed Content-Type", "POST", "/scim/v2/Users", `{"userName":"a"}`, []string{"Content-Type", "/json"}, 415, ""},
		{"body over 1 MiB", "POST", "/scim/v2/Users", huge, nil, 413, scim.TooMany},
		{"PUT body over 1 MiB", "PUT", "/scim/v2/Users/USER", huge, nil, 413, scim.TooMany},
		{"PATCH body over 1 MiB", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"add","path":"title","value":` + strconv.Quote(huge) + `}]}`, nil, 413, scim.TooMany},
		{"search body over 1 MiB", "POST", "/scim/v2/Users/.search", `{"filter":` + strconv.Quote(huge) + `}`, nil, 413, scim.TooMany},
		{"empty body", "POST", "/scim/v2/Users", " ", nil, 400, scim.InvalidSyntax},
		{"malformed JSON", "POST", "/scim/v2/Users", `{"userName":`, nil, 400, scim.InvalidSyntax},
		{"trailing garbage", "POST", "/scim/v2/Users", `{"userName":"a"} {"userName":"b"}`, nil, 400, scim.InvalidSyntax},
		{"array body", "POST", "/scim/v2/Users", `[{"userName":"a"}]`, nil, 400, scim.InvalidSyntax},
		{"string body", "PUT", "/scim/v2/Users/USER", `"userName"`, nil, 400, scim.InvalidSyntax},
		{"null body", "POST", "/scim/v2/Groups", `null`, nil, 400, scim.InvalidSyntax},
		{"invalid UTF-8", "POST", "/scim/v2/Users", "{\"userName\":\"a\xff\"}", nil, 400, scim.InvalidSyntax},
		{"raw NUL byte", "POST", "/scim/v2/Users", "{\"userName\":\"a\x00\"}", nil, 400, scim.InvalidSyntax},
		{"nested 40 deep", "POST", "/scim/v2/Users", deep, nil, 400, scim.InvalidSyntax},
		{"PATCH nested 40 deep", "PATCH", "/scim/v2/Users/USER", deepPatch, nil, 400, scim.InvalidSyntax},

		// Resource bodies.
		{"unknown attribute", "POST", "/scim/v2/Users", `{"userName":"a","shoeSize":42}`, nil, 400, scim.InvalidValue},
		{"userName as a number", "POST", "/scim/v2/Users", `{"userName":42}`, nil, 400, scim.InvalidValue},
		{"active not a boolean", "POST", "/scim/v2/Users", `{"userName":"a","active":"maybe"}`, nil, 400, scim.InvalidValue},
		{"emails as a number", "POST", "/scim/v2/Users", `{"userName":"a","emails":5}`, nil, 400, scim.InvalidValue},
		{"name as a string", "POST", "/scim/v2/Users", `{"userName":"a","name":"Alice"}`, nil, 400, scim.InvalidValue},
		{"unknown sub-attribute", "POST", "/scim/v2/Users", `{"userName":"a","name":{"nickname":"Al"}}`, nil, 400, scim.InvalidValue},
		{"no userName", "POST", "/scim/v2/Users", `{"displayName":"a"}`, nil, 400, scim.InvalidValue},
		{"no group displayName", "POST", "/scim/v2/Groups", `{"externalId":"g"}`, nil, 400, scim.InvalidValue},
		{"duplicate userName in another case", "POST", "/scim/v2/Users", `{"userName":"TAKEN@contoso.com"}`, nil, 409, scim.Uniqueness},
		{"duplicate userName with a shared externalId", "POST", "/scim/v2/Users", `{"userName":"other@contoso.com","externalId":"ext-1"}`, nil, 409, scim.Uniqueness},
		{"duplicate group displayName", "POST", "/scim/v2/Groups", `{"displayName":"taken"}`, nil, 409, scim.Uniqueness},
		{"PUT to a taken userName", "PUT", "/scim/v2/Users/USER", `{"userName":"other@contoso.com"}`, nil, 409, scim.Uniqueness},
		{"group with unknown members", "POST", "/scim/v2/Groups", `{"displayName":"New","members":[{"value":"MISSING"}]}`, nil, 400, scim.InvalidValue},
		{"stale If-Match", "PUT", "/scim/v2/Users/USER", `{"userName":"taken@contoso.com"}`, []string{"If-Match", `W/"99"`}, 412, ""},

		// Query parameters.
		{"filter without a value", "GET", "/scim/v2/Users?filter=" + esc(`userName eq`), "", nil, 400, scim.InvalidFilter},
		{"filter with an unknown operator", "GET", "/scim/v2/Users?filter=" + esc(`userName is "a"`), "", nil, 400, scim.InvalidFilter},
		{"filter on an unknown attribute", "GET", "/scim/v2/Users?filter=" + esc(`shoeSize eq 42`), "", nil, 400, scim.InvalidFilter},
		{"filter with an open string", "GET", "/scim/v2/Users?filter=" + esc(`userName eq "a`), "", nil, 400, scim.InvalidFilter},
		{"filter with an open bracket", "GET", "/scim/v2/Users?filter=" + esc(`emails[type eq "work"`), "", nil, 400, scim.InvalidFilter},
		{"filter with NUL", "GET", "/scim/v2/Users?filter=userName%20eq%20%22a%00%22", "", nil, 400, scim.InvalidFilter},
		{"empty filter", "GET", "/scim/v2/Groups?filter=", "", nil, 400, scim.InvalidFilter},
		{"filter over 4096 bytes", "GET", "/scim/v2/Users?filter=" + longFilter, "", nil, 400, scim.InvalidFilter},
		{"filter of bad URL encoding", "GET", "/scim/v2/Users?filter=userName%zz", "", nil, 400, scim.InvalidValue},
		{"filter given twice", "GET", "/scim/v2/Users?filter=" + esc(`userName eq "a"`) + "&filter=" + esc(`userName eq "b"`), "", nil, 400, scim.InvalidValue},
		{"startIndex not a number", "GET", "/scim/v2/Users?startIndex=abc", "", nil, 400, scim.InvalidValue},
		{"count a fraction", "GET", "/scim/v2/Users?count=1.5", "", nil, 400, scim.InvalidValue},
		{"count beyond int64", "GET", "/scim/v2/Groups?count=99999999999999999999999", "", nil, 400, scim.InvalidValue},
		{"attributes not a path", "GET", "/scim/v2/Users?attributes=" + esc("user name"), "", nil, 400, scim.InvalidValue},
		{"search filter a number", "POST", "/scim/v2/Users/.search", `{"filter":42}`, nil, 400, scim.InvalidValue},
		{"search count a word", "POST", "/scim/v2/Groups/.search", `{"count":"ten"}`, nil, 400, scim.InvalidValue},
		{"search attributes of numbers", "POST", "/scim/v2/Users/.search", `{"attributes":[1,2]}`, nil, 400, scim.InvalidValue},
		{"search bad filter", "POST", "/scim/v2/Users/.search", `{"filter":"userName eq"}`, nil, 400, scim.InvalidFilter},
		{"search filter in two cases", "POST", "/scim/v2/Users/.search", `{"filter":"userName pr","FILTER":"id pr"}`, nil, 400, scim.InvalidValue},
		{"root search on no type's attribute", "POST", "/scim/v2/.search", `{"filter":"shoeSize eq 1"}`, nil, 400, scim.InvalidFilter},

		// PATCH.
		{"PATCH without Operations", "PATCH", "/scim/v2/Users/USER", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, nil, 400, scim.InvalidValue},
		{"PATCH Operations an object", "PATCH", "/scim/v2/Users/USER", `{"Operations":{"op":"add"}}`, nil, 400, scim.InvalidSyntax},
		{"PATCH unknown op", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"frobnicate","path":"title","value":"x"}]}`, nil, 400, scim.InvalidSyntax},
		{"PATCH replace without value", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"replace","path":"title"}]}`, nil, 400, scim.InvalidValue},
		{"PATCH remove without path", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"remove"}]}`, nil, 400, scim.NoTarget},
		{"PATCH bad path syntax", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"add","path":"emails[type eq","value":"x"}]}`, nil, 400, scim.InvalidPath},
		{"PATCH unknown attribute", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"add","path":"shoeSize","value":42}]}`, nil, 400, scim.InvalidPath},
		{"PATCH active not a boolean", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"Replace","path":"active","value":"maybe"}]}`, nil, 400, scim.InvalidValue},
		{"PATCH of the id", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"replace","path":"id","value":"mine"}]}`, nil, 400, scim.Mutability},
		{"PATCH to a taken userName", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"Replace","path":"userName","value":"OTHER@contoso.com"}]}`, nil, 409, scim.Uniqueness},
		{"PATCH adding unknown members", "PATCH", "/scim/v2/Groups/GROUP", `{"Operations":[{"op":"Add","path":"members","value":[{"value":"MISSING"}]}]}`, nil, 400, scim.InvalidValue},
		{"filter comparing a dateTime with a word", "GET", "/scim/v2/Users?filter=" + esc(`meta.lastModified gt "not-a-date"`), "", nil, 400, scim.InvalidFilter},
		{"PATCH of 1001 operations", "PATCH", "/scim/v2/Users/USER", manyOps, nil, 413, scim.TooMany},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(tc.method, subst.Replace(tc.target), subst.Replace(tc.body), tc.headers...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, tc.status, res.raw)
			}
			checkError(t, res, tc.status, tc.scimType)
		})
	}
	if len(tests) < 40 {
		t.Errorf("%d cases, want at least 40", len(tests))
	}
	// Nothing above may have changed the directory.
	res := e.mustDo(http.StatusOK, "GET", "/scim/v2/Users?count=0", "")
	if got, want := res.body["totalResults"], "2"; fmt.Sprint(got) != want {
		t.Errorf("after the hostile requests totalResults = %v, want %s", got, want)
	}
}

// checkError checks that res is an RFC 7644 §3.12 error of the given status
// and scimType, with the SCIM content type.
func checkError(t *testing.T, res response, status int, scimType string) {
	t.Helper()
	if got, want := res.header.Get("Content-Type"), "application/scim+json"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	if got, want := res.body["schemas"], []any{scim.ErrorSchema}; !reflect.DeepEqual(got, want) {
		t.Errorf("schemas = %v, want %v", got, want)
	}
	if got, want := res.body["status"], fmt.Sprint(status); got != want {
		t.Errorf("body status = %v, want %q", got, want)
	}
	if got, _ := res.body["scimType"].(string); got != scimType {
		t.Errorf("scimType = %q, want %q (detail %v)", got, scimType, res.body["detail"])
	}
	if d, _ := res.body["detail"].(string); d == "" {
		t.Error("detail is empty")
	}
	switch status {
	case http.StatusUnauthorized:
		if got, want := res.header.Get("WWW-Authenticate"), `Bearer realm="scim"`; got != want {
			t.Errorf("WWW-Authenticate = %q, want %q", got, want)
		}
	case http.StatusMethodNotAllowed:
		if res.header.Get("Allow") == "" {
			t.Error("405 without an Allow header")
		}
	}
}

// esc escapes s for a query string as Entra does, with %20 for spaces.
func esc(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
