package httpapi_test

import (
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// repeat returns n copies of s joined by commas.
func repeat(s string, n int) string {
	return strings.TrimSuffix(strings.Repeat(s+",", n), ",")
}

// hostileCase is a request and the answer it must get.
type hostileCase struct {
	name           string
	method, target string
	body           string
	status         int
	scimType       string
}

// hostileCases are requests at and past the bridge's limits, each answered
// with a 4xx SCIM error, or a 2xx that changes nothing: over-long keys and
// ids (which DynamoDB would refuse as keys, bbolt too past 32 KiB), huge
// arrays, many operations, deep nesting, control characters, invalid UTF-8,
// path traversal, duplicate members and numbers where strings belong.
// USER and GROUP name existing resources.
func hostileCases() []hostileCase {
	k5 := strings.Repeat("k", 5000)
	mb := strings.Repeat("m", 1<<20-64)
	long := strings.Repeat("l", 3000)
	filter := func(endpoint, f string) string { return "/scim/v2/" + endpoint + "?filter=" + esc(f) }
	op := func(o string) string { return patchOp(o) }
	return []hostileCase{
		// Over-long unique keys and stored documents.
		{"userName of 5 KB", "POST", "/scim/v2/Users", `{"userName":"` + k5 + `"}`, 400, scim.InvalidValue},
		{"userName of 1 MiB", "POST", "/scim/v2/Users", `{"userName":"` + mb + `"}`, 400, scim.InvalidValue},
		{"externalId of 5 KB", "POST", "/scim/v2/Users", `{"userName":"x","externalId":"` + k5 + `"}`, 400, scim.InvalidValue},
		{"work email of 5 KB", "POST", "/scim/v2/Users", `{"userName":"x","emails":[{"type":"work","value":"` + k5 + `"}]}`, 400, scim.InvalidValue},
		{"group displayName of 5 KB", "POST", "/scim/v2/Groups", `{"displayName":"` + k5 + `"}`, 400, scim.InvalidValue},
		{"PATCH to a userName of 5 KB", "PATCH", "/scim/v2/Users/USER", op(`{"op":"Replace","path":"userName","value":"` + k5 + `"}`), 400, scim.InvalidValue},
		{"PATCH to a displayName of 5 KB", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Replace","path":"displayName","value":"` + k5 + `"}`), 400, scim.InvalidValue},
		{"PUT with a userName of 5 KB", "PUT", "/scim/v2/Users/USER", `{"userName":"` + k5 + `"}`, 400, scim.InvalidValue},
		{"title of 900 KB", "POST", "/scim/v2/Users", `{"userName":"x","title":"` + strings.Repeat("t", 900_000) + `"}`, 400, scim.InvalidValue},
		{"PATCH to a title of 900 KB", "PATCH", "/scim/v2/Users/USER", op(`{"op":"Replace","path":"title","value":"` + strings.Repeat("t", 900_000) + `"}`), 400, scim.InvalidValue},

		// Over-long values looked up: no record can hold them.
		{"filter on a userName of 3 KB", "GET", filter("Users", `userName eq "`+long+`"`), "", 200, ""},
		{"filter on an externalId of 3 KB", "GET", filter("Users", `externalId eq "`+long+`"`), "", 200, ""},
		{"filter on an id of 3 KB", "GET", filter("Users", `id eq "`+long+`"`), "", 200, ""},
		{"filter on a work email of 3 KB", "GET", filter("Users", `emails[type eq "work" and value eq "`+long+`"]`), "", 200, ""},
		{"filter on a group displayName of 3 KB", "GET", filter("Groups", `displayName eq "`+long+`"`), "", 200, ""},
		{"add a member id of 5 KB", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Add","path":"members","value":[{"value":"` + k5 + `"}]}`), 400, scim.InvalidValue},
		{"remove a member id of 5 KB by filter", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"remove","path":"members[value eq \"` + k5 + `\"]"}`), 400, scim.InvalidPath},
		{"remove a member id of 3 KB by filter", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"remove","path":"members[value eq \"` + long + `\"]"}`), 204, ""},
		{"remove a member id of 5 KB by value", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Remove","path":"members","value":[{"value":"` + k5 + `"}]}`), 204, ""},
		{"create a group with a member id of 5 KB", "POST", "/scim/v2/Groups", `{"displayName":"g","members":[{"value":"` + k5 + `"}]}`, 400, scim.InvalidValue},

		// Many elements and operations.
		{"10,000 operations", "PATCH", "/scim/v2/Users/USER", op(repeat(`{"op":"add","path":"title","value":"x"}`, 10_000)), 413, scim.TooMany},
		{"100,000 members in one PATCH", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Add","path":"members","value":[` + repeat(`"m"`, 100_000) + `]}`), 413, scim.TooMany},
		{"10,001 member ids in one PATCH", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Add","path":"members","value":[` + repeat(`"m"`, 10_001) + `]}`), 413, scim.TooMany},
		{"100,000 emails", "POST", "/scim/v2/Users", `{"userName":"x","emails":[` + repeat(`"e"`, 100_000) + `]}`, 413, scim.TooMany},
		{"100,000 numbers in an unknown attribute", "POST", "/scim/v2/Users", `{"userName":"x","shoe":[` + repeat(`1`, 100_000) + `]}`, 413, scim.TooMany},
		{"40,000 distinct emails", "POST", "/scim/v2/Users", `{"userName":"x","emails":[` + distinct(40_000) + `]}`, 400, scim.InvalidValue},
		{"nested 100,000 deep", "POST", "/scim/v2/Users", strings.Repeat("[", 100_000), 400, scim.InvalidSyntax},
		{"PATCH value nested 100,000 deep", "PATCH", "/scim/v2/Users/USER", `{"Operations":[{"op":"add","value":` + strings.Repeat(`{"a":`, 100_000), 400, scim.InvalidSyntax},

		// Control characters and invalid UTF-8.
		{"escaped NUL in userName", "POST", "/scim/v2/Users", `{"userName":"a\u0000b"}`, 400, scim.InvalidValue},
		{"newline in a group displayName", "POST", "/scim/v2/Groups", `{"displayName":"a\nb"}`, 400, scim.InvalidValue},
		{"escaped NUL in externalId by PATCH", "PATCH", "/scim/v2/Users/USER", op(`{"op":"Replace","path":"externalId","value":"\u0000"}`), 400, scim.InvalidValue},
		{"invalid UTF-8 in a member name", "POST", "/scim/v2/Users", "{\"user\xffName\":\"a\"}", 400, scim.InvalidSyntax},
		{"invalid UTF-8 in a filter", "GET", "/scim/v2/Users?filter=userName%20eq%20%22%ff%fe%22", "", 400, scim.InvalidFilter},
		{"invalid UTF-8 in an id filter", "GET", "/scim/v2/Groups?filter=id%20eq%20%22%c3%28%22", "", 400, scim.InvalidFilter},
		{"invalid UTF-8 in a PATCH", "PATCH", "/scim/v2/Users/USER", op("{\"op\":\"add\",\"path\":\"title\",\"value\":\"\xc3\x28\"}"), 400, scim.InvalidSyntax},

		// Path traversal in ids.
		{"dot-dot id", "GET", "/scim/v2/Users/%2e%2e", "", 404, ""},
		{"upper-case dot-dot id", "DELETE", "/scim/v2/Users/%2E%2E", "", 404, ""},
		{"dot-dot segment encoded", "GET", "/scim/v2/Users/%2e%2e/Groups", "", 404, ""},
		{"dot-dot then an encoded slash", "GET", "/scim/v2/Users/..%2fGroups", "", 404, ""},
		{"encoded dot-dot-slash", "PATCH", "/scim/v2/Groups/%2E%2E%2FUsers", op(`{"op":"add","path":"title","value":"x"}`), 404, ""},
		{"dot-dot out of the base path", "GET", "/scim/v2/Users/../../Users", "", 404, ""},
		{"dot id", "GET", "/scim/v2/Users/%2e", "", 404, ""},

		// Duplicate members: which one wins would be the parser's choice.
		{"userName twice", "POST", "/scim/v2/Users", `{"userName":"a","userName":"b"}`, 400, scim.InvalidSyntax},
		{"userName in two cases", "POST", "/scim/v2/Users", `{"userName":"a","USERNAME":"b"}`, 400, scim.InvalidValue},
		{"name and name.givenName", "POST", "/scim/v2/Users", `{"userName":"a","name":{"givenName":"x"},"name.givenName":"y"}`, 400, scim.InvalidValue},
		{"extension attribute twice", "POST", "/scim/v2/Users", `{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"x"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"y"}`, 400, scim.InvalidValue},
		{"op twice in an operation", "PATCH", "/scim/v2/Users/USER", op(`{"op":"add","op":"remove","path":"title","value":"x"}`), 400, scim.InvalidSyntax},

		// Numbers where strings belong.
		{"externalId a number", "POST", "/scim/v2/Users", `{"userName":"a","externalId":42}`, 400, scim.InvalidValue},
		{"email value a number", "POST", "/scim/v2/Users", `{"userName":"a","emails":[{"value":5}]}`, 400, scim.InvalidValue},
		{"displayName a huge number", "POST", "/scim/v2/Groups", `{"displayName":1e999}`, 400, scim.InvalidValue},
		{"member value a number", "PATCH", "/scim/v2/Groups/GROUP", op(`{"op":"Add","path":"members","value":[{"value":7}]}`), 400, scim.InvalidValue},
		{"PATCH value a number", "PATCH", "/scim/v2/Users/USER", op(`{"op":"Replace","path":"displayName","value":42}`), 400, scim.InvalidValue},
		{"PATCH path a number", "PATCH", "/scim/v2/Users/USER", op(`{"op":"Replace","path":5,"value":"x"}`), 400, scim.InvalidPath},
		{"PATCH op a number", "PATCH", "/scim/v2/Users/USER", op(`{"op":5,"path":"title","value":"x"}`), 400, scim.InvalidSyntax},
		{"filter comparing userName with a number", "GET", filter("Users", `userName eq 42`), "", 200, ""},
	}
}

// distinct returns n distinct JSON strings joined by commas.
func distinct(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d"`, i)
	}
	return b.String()
}

// TestHostileInputOnBothStores sends every hostile case to each store: none
// may be a 5xx, each gets its 4xx SCIM error (or a 2xx that finds or
// changes nothing), and the directory is the same afterwards.
func TestHostileInputOnBothStores(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, newServiceOn(store), httpapi.Config{})
		user := e.createUser("victim@contoso.com")
		group := e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Victims"}`).body["id"].(string)
		e.mustDo(http.StatusNoContent, http.MethodPatch, "/scim/v2/Groups/"+group, patchOp(`{"op":"Add","path":"members","value":[{"value":"`+user+`"}]}`))
		subst := strings.NewReplacer("USER", user, "GROUP", group)
		before := snapshot(t, e)
		for _, tc := range hostileCases() {
			res := e.do(tc.method, subst.Replace(tc.target), subst.Replace(tc.body))
			if res.status != tc.status {
				t.Errorf("%s: status %d, want %d\n%.300s", tc.name, res.status, tc.status, res.raw)
				continue
			}
			switch {
			case tc.status >= 400:
				checkError(t, res, tc.status, tc.scimType)
			case res.body != nil && fmt.Sprint(res.body["totalResults"]) != "0":
				t.Errorf("%s: found %v resources, want none", tc.name, res.body["totalResults"])
			}
		}
		if after := snapshot(t, e); !reflect.DeepEqual(after, before) {
			t.Errorf("the hostile requests changed the directory\n got %v\nwant %v", after, before)
		}
	})
}

// maxRequestAlloc bounds what one request may allocate: well under the
// 128 MB of the smallest Lambda, for a body of up to 1 MiB.
const maxRequestAlloc = 64 << 20

// TestHostileBodiesAllocateLittle measures the memory that the costliest
// hostile bodies of up to 1 MiB allocate in one request, answered or
// refused: each must stay under maxRequestAlloc.
func TestHostileBodiesAllocateLittle(t *testing.T) {
	e := newEnvWith(t, newService(t), httpapi.Config{})
	user := e.createUser("victim@contoso.com")
	group := e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Victims"}`).body["id"].(string)
	member := func(i int) string { return fmt.Sprintf(`{"$ref":null,"value":"0190a1b2-c3d4-7e5f-8a9b-%012d"}`, i) }
	var members []string
	for i := range 10_000 {
		members = append(members, member(i))
	}
	var ops []string
	for i := range 1000 {
		ops = append(ops, fmt.Sprintf(`{"op":"replace","path":"emails[type eq \"t%d\"].value","value":"%s"}`, i, strings.Repeat("e", 900)))
	}
	for _, tc := range []struct{ name, method, target, body string }{
		{"the most emails a body may hold", "POST", "/scim/v2/Users", `{"userName":"x","emails":[` + repeat(`"e"`, 49_900) + `]}`},
		{"the most distinct emails", "POST", "/scim/v2/Users", `{"userName":"x","emails":[` + distinct(49_900) + `]}`},
		{"more elements than allowed", "POST", "/scim/v2/Users", `{"userName":"x","emails":[` + repeat(`"e"`, 250_000) + `]}`},
		{"the most members a PATCH may name", "PATCH", "/scim/v2/Groups/" + group, patchOp(`{"op":"Add","path":"members","value":[` + strings.Join(members, ",") + `]}`)},
		{"1000 filtered operations of 900 bytes", "PATCH", "/scim/v2/Users/" + user, patchOp(ops...)},
		{"1000 operations adding 45 emails each", "PATCH", "/scim/v2/Users/" + user, patchOp(repeat(`{"op":"add","path":"emails","value":[`+distinct(45)+`]}`, 1000))},
		{"a userName of 1 MiB", "POST", "/scim/v2/Users", `{"userName":"` + strings.Repeat("u", 1<<20-64) + `"}`},
		{"1 MiB of nesting", "POST", "/scim/v2/Users", strings.Repeat("[", 1<<20)},
		{"40,000 unknown attributes", "POST", "/scim/v2/Users", `{"userName":"x",` + strings.TrimPrefix(strings.ReplaceAll(distinct(40_000), ",", `:1,`), "") + `:1}`},
	} {
		if len(tc.body) > 1<<20 {
			t.Fatalf("%s: body of %d bytes is over the limit", tc.name, len(tc.body))
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res := e.do(tc.method, tc.target, tc.body)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%-40s %7d bytes: status %d, %5.1f MiB allocated", tc.name, len(tc.body), res.status, float64(alloc)/(1<<20))
		if res.status >= 500 {
			t.Errorf("%s: status %d", tc.name, res.status)
		}
		if alloc > maxRequestAlloc {
			t.Errorf("%s: %d MiB allocated, want under %d MiB", tc.name, alloc>>20, maxRequestAlloc>>20)
		}
	}
}
