package directory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/bench/memstore"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// countingStore counts the calls the service makes and can fail Update with
// ErrVersion a set number of times, to exercise the retry loop.
type countingStore struct {
	directory.Store
	calls        map[string]int
	staleUpdates atomic.Int32
	touches      []directory.MemberChange
}

func (c *countingStore) count(op string) { c.calls[op]++ }

func (c *countingStore) Get(ctx context.Context, k directory.Kind, id string) (*directory.Record, error) {
	c.count("Get")
	return c.Store.Get(ctx, k, id)
}

func (c *countingStore) Lookup(ctx context.Context, k directory.Kind, key directory.Key, v string) ([]*directory.Record, error) {
	c.count("Lookup")
	return c.Store.Lookup(ctx, k, key, v)
}

func (c *countingStore) List(ctx context.Context, k directory.Kind, o directory.ListOptions) ([]*directory.Record, int, error) {
	c.count("List")
	return c.Store.List(ctx, k, o)
}

func (c *countingStore) Update(ctx context.Context, r *directory.Record, prev int64) error {
	c.count("Update")
	if c.staleUpdates.Add(-1) >= 0 {
		return directory.ErrVersion
	}
	return c.Store.Update(ctx, r, prev)
}

// touches are the member changes the service recorded, in order.
func (c *countingStore) Touch(ctx context.Context, k directory.Kind, id string, at time.Time, change directory.MemberChange) (int64, error) {
	c.count("Touch")
	c.touches = append(c.touches, change)
	return c.Store.Touch(ctx, k, id, at, change)
}

func (c *countingStore) Members(ctx context.Context, id string) ([]string, error) {
	c.count("Members")
	return c.Store.Members(ctx, id)
}

func newService(t *testing.T) (*directory.Service, *countingStore) {
	t.Helper()
	st, err := pebblestore.Open(filepath.Join(t.TempDir(), "directory"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &countingStore{Store: st, calls: map[string]int{}}
	return directory.New(cs, directory.Options{}), cs
}

func body(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ops(t *testing.T, s string) []patch.Op {
	t.Helper()
	o, err := patch.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func wantSCIM(t *testing.T, err error, status int, scimType string) {
	t.Helper()
	var se *scim.Error
	if !errors.As(err, &se) {
		t.Fatalf("got error %v, want a *scim.Error %d", err, status)
	}
	if se.Status != status || se.ScimType != scimType {
		t.Fatalf("got %d %q (%s), want %d %q", se.Status, se.ScimType, se.Detail, status, scimType)
	}
}

func createUser(t *testing.T, svc *directory.Service, userName string) *directory.Resource {
	t.Helper()
	r, err := svc.Create(context.Background(), scim.Users, body(t, `{"userName":"`+userName+`","emails":[{"type":"work","value":"`+userName+`"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestUserNameIsUniqueUnderTheFilterFolding(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	createUser(t, svc, "kate@contoso.com")
	_, err := svc.Create(ctx, scim.Users, body(t, `{"userName":"\u212Aate@CONTOSO.com"}`))
	wantSCIM(t, err, http.StatusConflict, scim.Uniqueness)

	f, _ := filter.Parse(`userName eq "\u212AATE@contoso.com"`)
	page, err := svc.Query(ctx, scim.Users, directory.Query{Filter: f, StartIndex: 1, Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalResults != 1 {
		t.Errorf("a filter equal under folding found %d users, want the one a 409 protects", page.TotalResults)
	}
}

func TestCreateDefaultsActiveAndComputesMeta(t *testing.T) {
	r := createUser(t, mustService(t), "a@x")
	if r.Attrs()["active"] != true {
		t.Errorf("active = %v, want true when the body leaves it out", r.Attrs()["active"])
	}
	meta := r.Attrs()["meta"].(map[string]any)
	if meta["resourceType"] != "User" || meta["version"] != `W/"1"` || meta["created"] != meta["lastModified"] {
		t.Errorf("meta = %v", meta)
	}
	if len(r.ID) != 36 {
		t.Errorf("id %q is not a UUID", r.ID)
	}
}

func mustService(t *testing.T) *directory.Service { s, _ := newService(t); return s }

func TestGroupMembersMustBeUsers(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	u := createUser(t, svc, "a@x")
	_, err := svc.Create(ctx, scim.Groups, body(t, `{"displayName":"G","members":[{"value":"`+u.ID+`"},{"value":"nobody"}]}`))
	wantSCIM(t, err, http.StatusBadRequest, scim.InvalidValue)

	g, err := svc.Create(ctx, scim.Groups, body(t, `{"displayName":"G"}`))
	if err != nil {
		t.Fatalf("the failed create must leave the name free: %v", err)
	}
	_, err = svc.Patch(ctx, scim.Groups, g.ID, ops(t, `{"Operations":[{"op":"add","path":"members","value":[{"value":"`+u.ID+`"},{"value":"ghost"}]}]}`), "", true)
	wantSCIM(t, err, http.StatusBadRequest, scim.InvalidValue)
	got, _ := svc.Get(ctx, scim.Groups, g.ID, true)
	if _, ok := got.Attrs()["members"]; ok {
		t.Errorf("a PATCH with an unknown member applied part of itself: %v", got.Attrs()["members"])
	}
}

func TestMembershipsDriveUsersGroupsAndSurviveDisable(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	u := createUser(t, svc, "a@x")
	g, err := svc.Create(ctx, scim.Groups, body(t, `{"displayName":"G"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Patch(ctx, scim.Groups, g.ID, ops(t, `{"Operations":[{"op":"Add","path":"members","value":[{"value":"`+u.ID+`"}]}]}`), "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Patch(ctx, scim.Users, u.ID, ops(t, `{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`), "", false); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Get(ctx, scim.Users, u.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	groups, _ := got.Attrs()["groups"].([]any)
	if got.Attrs()["active"] != false || len(groups) != 1 || groups[0].(map[string]any)["value"] != g.ID {
		t.Errorf("disabled user: active=%v groups=%v, want false and [%s]", got.Attrs()["active"], groups, g.ID)
	}
	if err := svc.Delete(ctx, scim.Users, u.ID, ""); err != nil {
		t.Fatal(err)
	}
	gg, _ := svc.Get(ctx, scim.Groups, g.ID, true)
	if m, ok := gg.Attrs()["members"]; ok {
		t.Errorf("deleted user still a member: %v", m)
	}
}

func TestPatchRetriesALostVersionRace(t *testing.T) {
	ctx := context.Background()
	svc, cs := newService(t)
	u := createUser(t, svc, "a@x")
	cs.staleUpdates.Store(2)
	r, err := svc.Patch(ctx, scim.Users, u.ID, ops(t, `{"Operations":[{"op":"replace","path":"title","value":"Boss"}]}`), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Attrs()["title"] != "Boss" || r.Version != 2 || cs.calls["Update"] != 3 {
		t.Errorf("title=%v version=%d updates=%d, want Boss, 2, 3", r.Attrs()["title"], r.Version, cs.calls["Update"])
	}
	cs.staleUpdates.Store(100)
	_, err = svc.Patch(ctx, scim.Users, u.ID, ops(t, `{"Operations":[{"op":"replace","path":"title","value":"CEO"}]}`), "", false)
	wantSCIM(t, err, http.StatusServiceUnavailable, "")
}

func TestIfMatchMustHoldWhenSent(t *testing.T) {
	ctx := context.Background()
	svc := mustService(t)
	u := createUser(t, svc, "a@x")
	_, err := svc.Patch(ctx, scim.Users, u.ID, ops(t, `{"Operations":[{"op":"replace","path":"title","value":"x"}]}`), `W/"7"`, false)
	wantSCIM(t, err, http.StatusPreconditionFailed, "")
	if _, err := svc.Patch(ctx, scim.Users, u.ID, ops(t, `{"Operations":[{"op":"replace","path":"title","value":"x"}]}`), `W/"1"`, false); err != nil {
		t.Errorf("matching If-Match refused: %v", err)
	}
	wantSCIM(t, svc.Delete(ctx, scim.Users, u.ID, `"1"`), http.StatusPreconditionFailed, "")
}

func TestQueryUsesAnIndexForEntraLookups(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, filter string
		want         int
	}{
		{"userName in another case", `userName eq "B@X"`, 1},
		{"externalId", `externalId eq "ext-b"`, 1},
		{"unquoted userName", `userName eq B@X`, 1},
		{"externalId written as a number", `externalId eq 12345`, 1},
		{"work email", `emails[type eq "work"].value eq "b@x"`, 1},
		{"id and manager reference check", `id eq "%s" and manager eq "nobody"`, 0},
		{"miss", `userName eq "4f1c2d8e-0000-4000-8000-000000000000"`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, cs := newService(t)
			createUser(t, svc, "a@x")
			if _, err := svc.Create(ctx, scim.Users, body(t, `{"userName":"c@x","externalId":"12345"}`)); err != nil {
				t.Fatal(err)
			}
			b, err := svc.Create(ctx, scim.Users, body(t, `{"userName":"b@x","externalId":"ext-b","emails":[{"type":"work","value":"b@x"}]}`))
			if err != nil {
				t.Fatal(err)
			}
			fs := tt.filter
			if bytes.Contains([]byte(fs), []byte("%s")) {
				fs = fmtID(fs, b.ID)
			}
			f, err := filter.Parse(fs)
			if err != nil {
				t.Fatal(err)
			}
			cs.calls = map[string]int{}
			page, err := svc.Query(ctx, scim.Users, directory.Query{Filter: f, StartIndex: 1, Count: 100})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalResults != tt.want || cs.calls["List"] != 0 {
				t.Errorf("found %d (want %d) with calls %v; an indexed lookup must not list", page.TotalResults, tt.want, cs.calls)
			}
		})
	}
}

func fmtID(f, id string) string { return string(bytes.Replace([]byte(f), []byte("%s"), []byte(id), 1)) }

func TestQueryWithoutIndexWalksAndPages(t *testing.T) {
	ctx := context.Background()
	svc := mustService(t)
	var ids []string
	for _, n := range []string{"ann", "bob", "abe", "cat", "amy"} {
		ids = append(ids, createUser(t, svc, n+"@x").ID)
	}
	f, _ := filter.Parse(`userName sw "A"`)
	page, err := svc.Query(ctx, scim.Users, directory.Query{Filter: f, StartIndex: 2, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalResults != 3 || len(page.Resources) != 1 || page.Resources[0].ID != ids[2] {
		t.Errorf("got total %d, %d resources; want 3 and the second match (abe)", page.TotalResults, len(page.Resources))
	}
	all, err := svc.Query(ctx, scim.Users, directory.Query{StartIndex: 1, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all.Resources {
		got = append(got, r.ID)
	}
	if !sort.StringsAreSorted(got) || all.TotalResults != 5 {
		t.Errorf("list: total %d, ids %v; want 5 in creation order", all.TotalResults, got)
	}
}

func TestGroupLookupWithoutMembersReadsNoMembership(t *testing.T) {
	ctx := context.Background()
	svc, cs := newService(t)
	if _, err := svc.Create(ctx, scim.Groups, body(t, `{"displayName":"Sales Team"}`)); err != nil {
		t.Fatal(err)
	}
	f, _ := filter.Parse(`displayName eq "SALES TEAM"`)
	cs.calls = map[string]int{}
	page, err := svc.Query(ctx, scim.Groups, directory.Query{Filter: f, StartIndex: 1, Count: 100})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalResults != 1 || cs.calls["Members"] != 0 {
		t.Errorf("found %d, calls %v; want 1 and no Members read", page.TotalResults, cs.calls)
	}
}

// TestMemberChangesGetVersionsOfTheirOwn checks that every member change is
// recorded with a version of the group that names it, after the document's
// own version, in parts of at most MaxChangeMembers: what the group's
// change events are derived from (docs/events.md).
func TestMemberChangesGetVersionsOfTheirOwn(t *testing.T) {
	ctx := context.Background()
	// In memory: a thousand commits to a file would take seconds.
	cs := &countingStore{Store: memstore.New(), calls: map[string]int{}}
	svc := directory.New(cs, directory.Options{})
	var ids []string
	for i := range directory.MaxChangeMembers + 2 {
		ids = append(ids, createUser(t, svc, fmt.Sprintf("u%d@x", i)).ID)
	}
	members := func(ids ...string) string {
		var parts []string
		for _, id := range ids {
			parts = append(parts, `{"value":"`+id+`"}`)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	g, err := svc.Create(ctx, scim.Groups, body(t, `{"displayName":"G","members":`+members(ids[0])+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Version != 2 || !sameChanges(cs.touches, []directory.MemberChange{{Added: ids[:1]}}) {
		t.Errorf("create with a member: version %d, changes of %v members; want 2 and the member added", g.Version, sizes(cs.touches))
	}

	cs.touches = nil
	r, err := svc.Patch(ctx, scim.Groups, g.ID, ops(t, `{"Operations":[
		{"op":"replace","path":"displayName","value":"H"},
		{"op":"add","path":"members","value":`+members(ids[1:]...)+`},
		{"op":"remove","path":"members","value":`+members(ids[0])+`}]}`), "", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.MemberChange{
		{Added: ids[1 : 1+directory.MaxChangeMembers]},
		{Added: ids[1+directory.MaxChangeMembers:], Removed: ids[:1]},
	}
	if !sameChanges(cs.touches, want) {
		t.Errorf("rename, add %d and remove 1: changes of %v members, want %v", len(ids)-1, sizes(cs.touches), sizes(want))
	}
	// Version 3 is the rename; 4 and 5 the member changes.
	if r.Version != 5 || cs.calls["Update"] != 1 {
		t.Errorf("version %d after %d updates, want 5 after 1", r.Version, cs.calls["Update"])
	}

	cs.touches = nil
	if _, err := svc.Patch(ctx, scim.Groups, g.ID, ops(t, `{"Operations":[{"op":"replace","path":"displayName","value":"I"}]}`), "", false); err != nil {
		t.Fatal(err)
	}
	if len(cs.touches) != 0 {
		t.Errorf("a rename recorded member changes %v", cs.touches)
	}
}

// sameChanges compares member changes, an empty list being none.
func sameChanges(a, b []directory.MemberChange) bool {
	return reflect.DeepEqual(sizes(a), sizes(b)) && slices.EqualFunc(a, b, func(x, y directory.MemberChange) bool {
		return slices.Equal(x.Added, y.Added) && slices.Equal(x.Removed, y.Removed)
	})
}

// sizes returns how many members each change added and removed.
func sizes(changes []directory.MemberChange) [][2]int {
	var out [][2]int
	for _, c := range changes {
		out = append(out, [2]int{len(c.Added), len(c.Removed)})
	}
	return out
}
