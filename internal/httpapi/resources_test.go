package httpapi_test

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// TestCreateAnswers checks a POST's answer: 201, the full resource, and a
// Location and ETag that agree with its meta (RFC 7644 §3.3).
func TestCreateAnswers(t *testing.T) {
	e := newEnv(t)
	res := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Users", `{"userName":"a@contoso.com","active":false}`)
	id, _ := res.body["id"].(string)
	if id == "" {
		t.Fatalf("no id in %s", res.raw)
	}
	if got, want := res.header.Get("Location"), "http://example.com/scim/v2/Users/"+id; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got, want := lookup(res.body, "meta.location"), res.header.Get("Location"); got != want {
		t.Errorf("meta.location = %v, want %q", got, want)
	}
	if got, want := res.header.Get("ETag"), lookup(res.body, "meta.version"); got != want || got == "" {
		t.Errorf("ETag = %q, want meta.version %v", got, want)
	}
	if got := res.body["active"]; got != false {
		t.Errorf("active = %v, want false (returned even when false)", got)
	}
}

// TestBodyContentTypes checks the media types a body may be sent as.
func TestBodyContentTypes(t *testing.T) {
	e := newEnv(t)
	for i, ct := range []string{"", "application/scim+json", "application/json", "application/scim+json; charset=utf-8",
		"APPLICATION/JSON;CHARSET=UTF-8", "Application/Scim+Json", "application/json; charset"} {
		body := fmt.Sprintf(`{"userName":"user%d"}`, i)
		if res := e.do("POST", "/scim/v2/Users", body, "Content-Type", ct); res.status != http.StatusCreated {
			t.Errorf("Content-Type %q: status %d\n%s", ct, res.status, res.raw)
		}
	}
}

// TestLocationFollowsTheClient checks that URLs in responses use the scheme
// and host the client used, as the proxy in front reports them, and that a
// forged host cannot inject into them.
func TestLocationFollowsTheClient(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name    string
		headers []string
		tls     bool
		want    string
	}{
		{"plain", nil, false, "http://example.com/"},
		{"TLS", nil, true, "https://example.com/"},
		{"API Gateway", []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "abc.execute-api.eu-west-1.amazonaws.com"}, false, "https://abc.execute-api.eu-west-1.amazonaws.com/"},
		{"proxy chain", []string{"X-Forwarded-Proto", "https, http", "X-Forwarded-Host", "scim.example.org, inner"}, false, "https://scim.example.org/"},
		{"forged host", []string{"X-Forwarded-Host", `evil.com/"><x`}, false, "http://example.com/"},
		{"forged scheme", []string{"X-Forwarded-Proto", "javascript"}, false, "http://example.com/"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/scim/v2/Groups", strings.NewReader(fmt.Sprintf(`{"displayName":"g%d"}`, i)))
			req.Header.Set("Authorization", "Bearer "+testToken)
			for j := 0; j < len(tc.headers); j += 2 {
				req.Header.Set(tc.headers[j], tc.headers[j+1])
			}
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			res := e.send(req)
			if got := res.header.Get("Location"); !strings.HasPrefix(got, tc.want+"scim/v2/Groups/") {
				t.Errorf("Location = %q, want it under %q", got, tc.want)
			}
		})
	}
}

// TestPaging checks startIndex and count (RFC 7644 §3.4.2.4) over 7 users:
// defaults, clamping of out-of-range values, and exact totalResults.
func TestPaging(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 7; i++ {
		e.createUser(fmt.Sprintf("user%d", i))
	}
	tests := []struct {
		query               string
		startIndex, perPage int
		firstUser           string
	}{
		{"", 1, 7, "user1"},
		{"?startIndex=1&count=5", 1, 5, "user1"},
		{"?startIndex=6&count=5", 6, 2, "user6"},
		{"?startIndex=8&count=5", 8, 0, ""},
		{"?startIndex=0&count=2", 1, 2, "user1"},
		{"?startIndex=-5", 1, 7, "user1"},
		{"?count=0", 1, 0, ""},
		{"?count=-3", 1, 0, ""},
		{"?count=100000", 1, 7, "user1"},
		{"?STARTINDEX=3&Count=1", 3, 1, "user3"},
		{"?count=", 1, 7, "user1"},
		{"?aadOptscim062020&count=2&unknown=%zz", 1, 2, "user1"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res := e.mustDo(http.StatusOK, "GET", "/scim/v2/Users"+tc.query, "")
			got := fmt.Sprint(res.body["totalResults"], " ", res.body["startIndex"], " ", res.body["itemsPerPage"])
			if want := fmt.Sprint(7, " ", tc.startIndex, " ", tc.perPage); got != want {
				t.Errorf("totalResults startIndex itemsPerPage = %s, want %s", got, want)
			}
			list := res.body["Resources"].([]any)
			if len(list) != tc.perPage {
				t.Fatalf("%d Resources, want %d", len(list), tc.perPage)
			}
			if len(list) > 0 {
				if got := list[0].(map[string]any)["userName"]; got != tc.firstUser {
					t.Errorf("first userName = %v, want %s", got, tc.firstUser)
				}
			}
		})
	}
}

// TestCountClampedToMaxResults checks that a count above 100 returns 100.
func TestCountClampedToMaxResults(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 101; i++ {
		e.createUser(fmt.Sprintf("u%03d", i))
	}
	res := e.mustDo(http.StatusOK, "GET", "/scim/v2/Users?count=500", "")
	if got := fmt.Sprint(res.body["totalResults"], " ", res.body["itemsPerPage"]); got != "101 100" {
		t.Errorf("totalResults itemsPerPage = %s, want 101 100", got)
	}
}

// TestProjection checks attributes and excludedAttributes (RFC 7644
// §3.4.2.5) on GET, list and search, and that excluding members also stops
// the group's members being read.
func TestProjection(t *testing.T) {
	e := newEnv(t)
	uid := e.createUser("a@contoso.com")
	gid := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups", fmt.Sprintf(`{"displayName":"G","members":[{"value":%q}]}`, uid)).body["id"].(string)
	tests := []struct {
		name, method, target, body string
		present, absent            []string
	}{
		{"GET with attributes", "GET", "/scim/v2/Users/" + uid + "?attributes=userName", "",
			[]string{"id", "schemas", "userName"}, []string{"active", "meta", "groups"}},
		{"GET excluding groups", "GET", "/scim/v2/Users/" + uid + "?excludedAttributes=groups,active", "",
			[]string{"id", "userName", "meta"}, []string{"groups", "active"}},
		{"group without members", "GET", "/scim/v2/Groups/" + gid + "?excludedAttributes=members", "",
			[]string{"id", "displayName", "meta"}, []string{"members"}},
		{"group with members", "GET", "/scim/v2/Groups/" + gid, "",
			[]string{"id", "displayName", "members"}, nil},
		{"lookup without members", "GET", "/scim/v2/Groups?excludedAttributes=members&filter=displayName+eq+%22g%22", "",
			[]string{"id", "displayName"}, []string{"members"}},
		{"search with attribute array", "POST", "/scim/v2/Groups/.search", `{"attributes":["displayName"],"filter":"displayName eq \"G\""}`,
			[]string{"id", "displayName"}, []string{"members", "meta"}},
		{"search with excluded string", "POST", "/scim/v2/Users/.search", `{"excludedAttributes":"meta, groups","startIndex":"1","count":1}`,
			[]string{"id", "userName"}, []string{"meta", "groups"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.mustDo(http.StatusOK, tc.method, tc.target, tc.body)
			r := res.body
			if list, ok := r["Resources"].([]any); ok {
				if len(list) != 1 {
					t.Fatalf("%d resources, want 1\n%s", len(list), res.raw)
				}
				r = list[0].(map[string]any)
			}
			for _, k := range tc.present {
				if _, ok := r[k]; !ok {
					t.Errorf("%s missing from %v", k, r)
				}
			}
			for _, k := range tc.absent {
				if _, ok := r[k]; ok {
					t.Errorf("%s present in %v", k, r)
				}
			}
		})
	}
}

// TestRootSearch checks POST /.search across users and groups (RFC 7644
// §3.4.3), with paging over the concatenated results.
func TestRootSearch(t *testing.T) {
	e := newEnv(t)
	e.createUser("alpha")
	e.createUser("beta")
	e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups", `{"displayName":"gamma"}`)
	tests := []struct {
		body    string
		total   int
		members []string
	}{
		{`{}`, 3, []string{"alpha", "beta", "gamma"}},
		{`{"startIndex":2,"count":2}`, 3, []string{"beta", "gamma"}},
		{`{"startIndex":3}`, 3, []string{"gamma"}},
		{`{"count":1}`, 3, []string{"alpha"}},
		{`{"filter":"userName sw \"a\""}`, 1, []string{"alpha"}},
		{`{"filter":"displayName eq \"GAMMA\""}`, 1, []string{"gamma"}},
		{`{"filter":"meta.resourceType eq \"Group\""}`, 1, []string{"gamma"}},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			res := e.mustDo(http.StatusOK, "POST", "/scim/v2/.search", tc.body)
			if got := fmt.Sprint(res.body["totalResults"]); got != fmt.Sprint(tc.total) {
				t.Errorf("totalResults = %s, want %d", got, tc.total)
			}
			var names []string
			for _, r := range res.body["Resources"].([]any) {
				m := r.(map[string]any)
				names = append(names, fmt.Sprint(m["userName"], m["displayName"]))
			}
			got := strings.ReplaceAll(strings.Join(names, ","), "<nil>", "")
			if want := strings.Join(tc.members, ","); got != want {
				t.Errorf("resources %s, want %s", got, want)
			}
		})
	}
}

// TestConditionalRequests checks ETags: If-None-Match on GET (304) and
// If-Match on writes (412 when stale), neither required.
func TestConditionalRequests(t *testing.T) {
	e := newEnv(t)
	res := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Users", `{"userName":"a"}`)
	id, etag := res.body["id"].(string), res.header.Get("ETag")
	user := "/scim/v2/Users/" + id
	replace := `{"Operations":[{"op":"replace","path":"title","value":"Boss"}]}`

	if got := e.do("GET", user, "", "If-None-Match", etag); got.status != http.StatusNotModified || len(got.raw) != 0 || got.header.Get("ETag") != etag {
		t.Errorf("If-None-Match current: status %d, ETag %q, %d bytes; want 304, %q, none", got.status, got.header.Get("ETag"), len(got.raw), etag)
	}
	if got := e.do("GET", user, "", "If-None-Match", `"1", `+strings.TrimPrefix(etag, "W/")); got.status != http.StatusNotModified {
		t.Errorf("If-None-Match list with the strong form: status %d, want 304", got.status)
	}
	if got := e.do("PATCH", user, replace, "If-Match", `W/"7"`); got.status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match on PATCH: status %d, want 412", got.status)
	}
	next := e.do("PATCH", user, replace, "If-Match", etag)
	if next.status != http.StatusOK || next.header.Get("ETag") == etag {
		t.Fatalf("current If-Match on PATCH: status %d ETag %q; want 200 and a new ETag", next.status, next.header.Get("ETag"))
	}
	if got := e.do("GET", user, "", "If-None-Match", etag); got.status != http.StatusOK {
		t.Errorf("If-None-Match stale: status %d, want 200", got.status)
	}
	if got := e.do("DELETE", user, "", "If-Match", etag); got.status != http.StatusPreconditionFailed {
		t.Errorf("stale If-Match on DELETE: status %d, want 412", got.status)
	}
	if got := e.do("DELETE", user, "", "If-Match", next.header.Get("ETag")); got.status != http.StatusNoContent {
		t.Errorf("current If-Match on DELETE: status %d, want 204", got.status)
	}
}

// TestPatchAnswers checks that PATCH answers a user with 200 and the
// resource, and a group with 204 and no body (docs/entra.md §4.7).
func TestPatchAnswers(t *testing.T) {
	e := newEnv(t)
	uid := e.createUser("a")
	gid := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups", `{"displayName":"G"}`).body["id"].(string)
	u := e.mustDo(http.StatusOK, "PATCH", "/scim/v2/Users/"+uid, `{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`)
	if u.body["active"] != false || u.header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("user PATCH answered %s", u.raw)
	}
	g := e.mustDo(http.StatusNoContent, "PATCH", "/scim/v2/Groups/"+gid, fmt.Sprintf(`{"Operations":[{"op":"Add","path":"members","value":[{"value":%q}]}]}`, uid))
	if len(g.raw) != 0 || g.header.Get("ETag") == "" {
		t.Errorf("group PATCH answered %d bytes, ETag %q; want none and an ETag", len(g.raw), g.header.Get("ETag"))
	}
}

// TestPutGroupAnswersWithItsMembers checks that a group's PUT answers with
// the members it set, as POST does, subject to attributes and
// excludedAttributes (RFC 7644 §3.5.1, §3.9), on both stores.
func TestPutGroupAnswersWithItsMembers(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, newServiceOn(store), httpapi.Config{})
		u1, u3, u5 := e.createUser("u1"), e.createUser("u3"), e.createUser("u5")
		for _, tc := range []struct {
			name, query string
			put         []string // the members the PUT sends
			members     []string // the answer's; nil: no members attribute
			displayName bool
		}{
			{"by default", "", []string{u3, u5, u3}, []string{u3, u5}, true},
			{"when asked for", "?attributes=members,displayName", []string{u3, u5}, []string{u3, u5}, true},
			{"only when asked for", "?attributes=meta", []string{u3, u5}, nil, false},
			{"not when excluded", "?excludedAttributes=members", []string{u3, u5}, nil, true},
			{"not when there are none", "", nil, nil, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				gid := e.mustDo(http.StatusCreated, "POST", "/scim/v2/Groups",
					fmt.Sprintf(`{"displayName":%q,"members":[{"value":%q}]}`, "Tour Guides "+tc.name, u1)).body["id"].(string)
				var vals []string
				for _, id := range tc.put {
					vals = append(vals, fmt.Sprintf(`{"value":%q}`, id))
				}
				res := e.mustDo(http.StatusOK, "PUT", "/scim/v2/Groups/"+gid+tc.query, fmt.Sprintf(
					`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides 2 %s","members":[%s]}`,
					tc.name, strings.Join(vals, ",")))
				members, ok := res.body["members"].([]any)
				if ok != (tc.members != nil) {
					t.Fatalf("members in the answer: %v, want %v\n%s", ok, tc.members != nil, res.raw)
				}
				var got []string
				for _, m := range members {
					id, _ := m.(map[string]any)["value"].(string)
					got = append(got, id)
				}
				sameIDs(t, "members in the answer", got, tc.members)
				if _, ok := res.body["displayName"]; ok != tc.displayName {
					t.Errorf("displayName in the answer: %v, want %v\n%s", ok, tc.displayName, res.raw)
				}
				sameIDs(t, "members read back", memberIDs(t, e, gid), slices.Compact(slices.Sorted(slices.Values(tc.put))))
			})
		}
	})
}
