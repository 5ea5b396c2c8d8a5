package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// patchOp wraps PATCH operations in a PatchOp body (RFC 7644 §3.5.2).
func patchOp(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

// together runs fn(0) … fn(n-1) in goroutines released at once.
func together(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// mixedCase returns s with the letters chosen by the bits of i upper-cased.
func mixedCase(s string, i int) string {
	b := []byte(s)
	for j := range b {
		if (i>>(j%5))&1 == 1 {
			b[j] = strings.ToUpper(string(b[j]))[0]
		}
	}
	return string(b)
}

func TestConcurrentCreatesOfOneUserName(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		answers := make([]response, 32)
		together(len(answers), func(i int) {
			answers[i] = e.do(http.MethodPost, "/scim/v2/Users", fmt.Sprintf(`{"userName":%q}`, mixedCase("race.user@contoso.com", i)))
		})
		created := 0
		for i, res := range answers {
			switch res.status {
			case http.StatusCreated:
				created++
			case http.StatusConflict:
				checkError(t, res, http.StatusConflict, scim.Uniqueness)
			default:
				t.Errorf("POST %d: status %d, want 201 or 409\n%s", i, res.status, res.raw)
			}
		}
		if created != 1 {
			t.Errorf("%d creates succeeded, want exactly 1", created)
		}
		res := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users?filter="+esc(`userName eq "RACE.USER@contoso.com"`), "")
		if got := fmt.Sprint(res.body["totalResults"]); got != "1" {
			t.Errorf("filter on the userName: totalResults %s, want 1", got)
		}
	})
}

func TestConcurrentMemberAddsToOneGroup(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		group := e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", `{"displayName":"Busy"}`).body["id"].(string)
		users := make([]string, 32)
		for i := range users {
			users[i] = e.createUser(fmt.Sprintf("member%d@contoso.com", i))
		}
		statuses := make([]int, len(users))
		together(len(users), func(i int) {
			statuses[i] = e.do(http.MethodPatch, "/scim/v2/Groups/"+group,
				patchOp(`{"op":"Add","path":"members","value":[{"value":"`+users[i]+`"}]}`)).status
		})
		for i, s := range statuses {
			if s != http.StatusNoContent {
				t.Errorf("PATCH %d: status %d, want 204", i, s)
			}
		}
		sameIDs(t, "members after 32 concurrent adds", memberIDs(t, e, group), users)
	})
}

// memberIDs returns a group's members as GET /Groups/{id} shows them.
func memberIDs(t testing.TB, e *env, group string) []string {
	t.Helper()
	res := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Groups/"+group, "")
	var ids []string
	members, _ := res.body["members"].([]any)
	for _, m := range members {
		id, _ := m.(map[string]any)["value"].(string)
		ids = append(ids, id)
	}
	return ids
}

func sameIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %d ids %v, want %d %v", what, len(got), got, len(want), want)
	}
}

// attributeChanges are 16 PATCHes of one user, each of another attribute,
// and where each one's value shows in the resource.
var attributeChanges = []struct{ op, path, want string }{
	{`{"op":"Replace","path":"displayName","value":"V1"}`, "displayName", "V1"},
	{`{"op":"Add","path":"nickName","value":"V2"}`, "nickName", "V2"},
	{`{"op":"Replace","path":"title","value":"V3"}`, "title", "V3"},
	{`{"op":"Replace","path":"userType","value":"V4"}`, "userType", "V4"},
	{`{"op":"Replace","path":"preferredLanguage","value":"V5"}`, "preferredLanguage", "V5"},
	{`{"op":"Replace","path":"locale","value":"V6"}`, "locale", "V6"},
	{`{"op":"Replace","path":"timezone","value":"V7"}`, "timezone", "V7"},
	{`{"op":"Replace","path":"name.givenName","value":"V8"}`, "name.givenName", "V8"},
	{`{"op":"Replace","path":"name.familyName","value":"V9"}`, "name.familyName", "V9"},
	{`{"op":"Replace","path":"name.formatted","value":"V10"}`, "name.formatted", "V10"},
	{`{"op":"Replace","path":"emails[type eq \"work\"].value","value":"v11@contoso.com"}`, "emails.work.value", "v11@contoso.com"},
	{`{"op":"Replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"V12"}`, "phoneNumbers.mobile.value", "V12"},
	{`{"op":"Replace","path":"addresses[type eq \"work\"].locality","value":"V13"}`, "addresses.work.locality", "V13"},
	{`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"V14"}`, "enterprise.department", "V14"},
	{`{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"V15"}`, "enterprise.employeeNumber", "V15"},
	{`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter","value":"V16"}`, "enterprise.costCenter", "V16"},
}

// attribute returns the value at path in a user: a dotted path whose
// middle element, for a multi-valued attribute, is the type of the element.
func attribute(user map[string]any, path string) any {
	var v any = user
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			if part == "enterprise" {
				part = scim.EnterpriseUser.ID
			}
			v = x[part]
		case []any:
			v = nil
			for _, el := range x {
				if m, ok := el.(map[string]any); ok && m["type"] == part {
					v = m
				}
			}
		default:
			return nil
		}
	}
	return v
}

func TestConcurrentPatchesOfOneUserLoseNothing(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		id := e.createUser("patched@contoso.com")
		answers := make([]response, len(attributeChanges))
		retries := make([]int, len(attributeChanges))
		together(len(attributeChanges), func(i int) {
			answers[i], retries[i] = e.retrying(http.MethodPatch, "/scim/v2/Users/"+id, patchOp(attributeChanges[i].op))
		})
		for i, res := range answers {
			if res.status != http.StatusOK {
				t.Errorf("PATCH of %s: status %d, want 200\n%s", attributeChanges[i].path, res.status, res.raw)
			}
		}
		t.Logf("retries of 503 answers per PATCH: %v", retries)
		user := e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users/"+id, "").body
		for _, c := range attributeChanges {
			if got := attribute(user, c.path); got != c.want {
				t.Errorf("%s = %v after 16 concurrent PATCHes, want %q: an update was lost", c.path, got, c.want)
			}
		}
		if got, want := attribute(user, "meta.version"), codec.ETag(1+int64(len(attributeChanges))); got != want {
			t.Errorf("meta.version = %v, want %s: one version per change", got, want)
		}
	})
}

// TestUserDeletedWhileAddedToGroups deletes a user while PATCHes add it to
// groups. The service checks that members exist before it writes their
// memberships, and a delete can land in between, so a membership of the
// deleted user can survive the race (both stores; see dynamo.Store.Delete);
// the reconciler is what removes such orphans. The test shows the race, then
// that after a reconciler run no group has a member that does not exist.
func TestUserDeletedWhileAddedToGroups(t *testing.T) {
	onStores(t, func(t *testing.T, store directory.Store) {
		e := newEnvWith(t, directory.New(store, directory.Options{}), httpapi.Config{})
		groups := make([]string, 6)
		for i := range groups {
			groups[i] = e.mustDo(http.StatusCreated, http.MethodPost, "/scim/v2/Groups", fmt.Sprintf(`{"displayName":"Team %d"}`, i)).body["id"].(string)
		}
		var deleted []string
		for round := range 8 {
			user := e.createUser(fmt.Sprintf("leaver%d@contoso.com", round))
			deleted = append(deleted, user)
			statuses := make([]int, len(groups)+1)
			together(len(statuses), func(i int) {
				if i == len(groups) {
					statuses[i] = e.do(http.MethodDelete, "/scim/v2/Users/"+user, "").status
					return
				}
				statuses[i] = e.do(http.MethodPatch, "/scim/v2/Groups/"+groups[i],
					patchOp(`{"op":"Add","path":"members","value":[{"value":"`+user+`"}]}`)).status
			})
			if s := statuses[len(groups)]; s != http.StatusNoContent {
				t.Fatalf("round %d: DELETE status %d, want 204", round, s)
			}
			for i, s := range statuses[:len(groups)] {
				if s != http.StatusNoContent && s != http.StatusBadRequest {
					t.Errorf("round %d: PATCH of group %d: status %d, want 204, or 400 for a member already gone", round, i, s)
				}
			}
		}
		orphans := func() int {
			n := 0
			for _, g := range groups {
				members, err := store.Members(t.Context(), g)
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range deleted {
					if slices.Contains(members, u) {
						n++
					}
				}
			}
			return n
		}
		before := orphans()
		if before == 0 {
			return
		}
		t.Logf("the race left %d memberships of deleted users", before)
		report, ok := reconcileOnce(t, store)
		if !ok {
			t.Skipf("%d memberships of deleted users, and the reconciler does not run on this store yet", before)
		}
		if after := orphans(); after != 0 {
			t.Errorf("after a reconciler run %d memberships of deleted users remain (report %+v)", after, report)
		}
	})
}
