package storetest

import (
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

var recordTests = []test{
	{"create then get returns every field", testRoundTrip},
	{"create keeps its own copy of Doc", testDocCopied},
	{"writes ignore Groups", testWritesIgnoreGroups},
	{"get of a missing record is not found", testGetMissing},
	{"update with the current version replaces the record", testUpdate},
	{"update with a stale version fails", testUpdateStale},
	{"update of a missing record is not found", testUpdateMissing},
	{"touch bumps version and lastModified only", testTouch},
	{"delete removes a user, its keys and memberships", testDeleteUser},
	{"delete removes a group, its keys and memberships", testDeleteGroup},
}

func testRoundTrip(t *testing.T, s directory.Store) {
	// Sub-millisecond times in a zone other than UTC: the store must keep
	// the instant to the millisecond at least.
	zone := time.FixedZone("UTC+2", 2*60*60)
	created := time.Date(2026, 3, 4, 5, 6, 7, 123456789, zone)
	user := &directory.Record{
		Kind: directory.KindUser, ID: "0190a5b2-user", Version: 1,
		Created: created, LastModified: created.Add(1500 * time.Microsecond),
		Keys: directory.Keys{UserName: "zoë@example.com", ExternalID: "Ext-1", Email: "zoë.w@example.com"},
		// Not compact and not ASCII: the bytes must come back as stored.
		Doc: []byte("{\"userName\": \"Zoë@example.com\",\n \"active\":true}"),
	}
	group := &directory.Record{
		Kind: directory.KindGroup, ID: "0190a5b2-group", Version: 1,
		Created: created, LastModified: created,
		Keys: directory.Keys{DisplayName: "sales", ExternalID: "g-Ext"},
		Doc:  []byte(`{"displayName":"Sales"}`),
	}
	for _, want := range []*directory.Record{user, group} {
		t.Run(string(want.Kind), func(t *testing.T) {
			create(t, s, want)
			sameRecord(t, get(t, s, want.Kind, want.ID), want)
		})
	}
}

func testDocCopied(t *testing.T, s directory.Store) {
	rec := NewUser("u1", "alice")
	want := string(rec.Doc)
	create(t, s, rec)
	rec.Doc[0] = 'X'
	got := get(t, s, directory.KindUser, "u1")
	got.Doc[0] = 'Y'
	if got := get(t, s, directory.KindUser, "u1"); string(got.Doc) != want {
		t.Errorf("got Doc %q after changing the caller's copies, want %q", got.Doc, want)
	}
}

func testWritesIgnoreGroups(t *testing.T, s directory.Store) {
	user := NewUser("u1", "alice")
	user.Groups = []string{"g1"}
	create(t, s, user)
	if got := get(t, s, directory.KindUser, "u1").Groups; len(got) != 0 {
		t.Errorf("after Create: got Groups %q, want none", got)
	}
	user.Version = 2
	if err := s.Update(t.Context(), user, 1); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := get(t, s, directory.KindUser, "u1").Groups; len(got) != 0 {
		t.Errorf("after Update: got Groups %q, want none", got)
	}
	if got := members(t, s, "g1"); len(got) != 0 {
		t.Errorf("got members of g1 %q, want none", got)
	}
}

func testGetMissing(t *testing.T, s directory.Store) {
	create(t, s, NewUser("u1", "alice"))
	_, err := s.Get(t.Context(), directory.KindUser, "nobody")
	isErr(t, "Get(User nobody)", err, directory.ErrNotFound)
	// Kinds are separate: a user's id is no group's id.
	_, err = s.Get(t.Context(), directory.KindGroup, "u1")
	isErr(t, "Get(Group u1)", err, directory.ErrNotFound)
}

func testUpdate(t *testing.T, s directory.Store) {
	old := NewUser("u1", "alice")
	old.Keys.ExternalID, old.Keys.Email = "ext-1", "alice@old.example"
	create(t, s, old, NewGroup("g1", "Sales"))
	if err := s.AddMembers(t.Context(), "g1", []string{"u1"}); err != nil {
		t.Fatalf("AddMembers: %v", err)
	}
	// Same userName and externalId (a record must not collide with
	// itself), new email and Doc.
	next := *old
	next.Version = 2
	next.LastModified = old.LastModified.Add(time.Hour)
	next.Keys.Email = "alice@new.example"
	next.Doc = []byte(`{"userName":"alice","title":"CTO"}`)
	if err := s.Update(t.Context(), &next, 1); err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := next
	want.Groups = []string{"g1"} // memberships survive an update
	sameRecord(t, get(t, s, directory.KindUser, "u1"), &want)
	sameSet(t, "Lookup(email old)", lookup(t, s, directory.KindUser, directory.KeyEmail, "alice@old.example"), nil)
	sameSet(t, "Lookup(email new)", lookup(t, s, directory.KindUser, directory.KeyEmail, "alice@new.example"), []string{"u1"})
}

func testUpdateStale(t *testing.T, s directory.Store) {
	v1 := NewGroup("g1", "Sales")
	create(t, s, v1)
	v2 := *v1
	v2.Version, v2.Doc = 2, []byte(`{"displayName":"Sales","v":2}`)
	if err := s.Update(t.Context(), &v2, 1); err != nil {
		t.Fatalf("Update to 2: %v", err)
	}
	stale := *v1
	stale.Version, stale.Doc = 2, []byte(`{"displayName":"Sales","v":"stale"}`)
	isErr(t, "Update from 1 again", s.Update(t.Context(), &stale, 1), directory.ErrVersion)
	sameRecord(t, get(t, s, directory.KindGroup, "g1"), &v2)
}

func testUpdateMissing(t *testing.T, s directory.Store) {
	rec := NewUser("u1", "alice")
	rec.Version = 2
	isErr(t, "Update(missing)", s.Update(t.Context(), rec, 1), directory.ErrNotFound)
	_, err := s.Get(t.Context(), directory.KindUser, "u1")
	isErr(t, "Get after Update(missing)", err, directory.ErrNotFound)
	sameSet(t, "Lookup(userName)", lookup(t, s, directory.KindUser, directory.KeyUserName, "alice"), nil)
}

func testTouch(t *testing.T, s directory.Store) {
	rec := NewGroup("g1", "Sales")
	create(t, s, rec)
	at := rec.LastModified.Add(time.Minute)
	v, err := s.Touch(t.Context(), directory.KindGroup, "g1", at, directory.MemberChange{Added: []string{"u1"}, Removed: []string{"u2"}})
	if err != nil {
		t.Fatalf("Touch: %v", err)
	}
	if v != 2 {
		t.Errorf("Touch: got version %d, want 2", v)
	}
	want := *rec
	want.Version, want.LastModified = 2, at
	sameRecord(t, get(t, s, directory.KindGroup, "g1"), &want)
	// A touch is a change: an update based on what was read before fails.
	next := *rec
	next.Version = 2
	isErr(t, "Update from the pre-touch version", s.Update(t.Context(), &next, 1), directory.ErrVersion)

	_, err = s.Touch(t.Context(), directory.KindGroup, "nothing", at, directory.MemberChange{})
	isErr(t, "Touch(missing)", err, directory.ErrNotFound)
}

func testDeleteUser(t *testing.T, s directory.Store) {
	u1, u2 := NewUser("u1", "alice"), NewUser("u2", "bob")
	u1.Keys.ExternalID = "ext-1"
	u1.Keys.Email, u2.Keys.Email = "team@example.com", "team@example.com"
	create(t, s, u1, u2, NewGroup("g1", "Sales"), NewGroup("g2", "Ops"))
	addMembers(t, s, "g1", "u1", "u2")
	addMembers(t, s, "g2", "u1")

	if err := s.Delete(t.Context(), directory.KindUser, "u1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(t.Context(), directory.KindUser, "u1")
	isErr(t, "Get after Delete", err, directory.ErrNotFound)
	sameSet(t, "members of g1", members(t, s, "g1"), []string{"u2"})
	sameSet(t, "members of g2", members(t, s, "g2"), nil)
	sameSet(t, "Lookup(email)", lookup(t, s, directory.KindUser, directory.KeyEmail, "team@example.com"), []string{"u2"})
	sameSet(t, "Lookup(userName)", lookup(t, s, directory.KindUser, directory.KeyUserName, "alice"), nil)
	sameSet(t, "Lookup(externalId)", lookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-1"), nil)

	// Its userName is free again.
	again := NewUser("u3", "alice")
	again.Keys.ExternalID = "ext-1"
	create(t, s, again)
	assertTotal(t, s, directory.KindUser, 2)

	isErr(t, "Delete again", s.Delete(t.Context(), directory.KindUser, "u1"), directory.ErrNotFound)
}

func testDeleteGroup(t *testing.T, s directory.Store) {
	g1 := NewGroup("g1", "Sales")
	g1.Keys.ExternalID = "gext-1"
	create(t, s, g1, NewGroup("g2", "Ops"), NewUser("u1", "alice"))
	addMembers(t, s, "g1", "u1")
	addMembers(t, s, "g2", "u1")

	if err := s.Delete(t.Context(), directory.KindGroup, "g1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	_, err := s.Get(t.Context(), directory.KindGroup, "g1")
	isErr(t, "Get after Delete", err, directory.ErrNotFound)
	sameSet(t, "groups of u1", get(t, s, directory.KindUser, "u1").Groups, []string{"g2"})
	sameSet(t, "members of g1", members(t, s, "g1"), nil)

	again := NewGroup("g3", "SALES")
	again.Keys.ExternalID = "gext-1"
	create(t, s, again)
	assertTotal(t, s, directory.KindGroup, 2)

	isErr(t, "Delete again", s.Delete(t.Context(), directory.KindGroup, "g1"), directory.ErrNotFound)
	isErr(t, "Delete(never stored)", s.Delete(t.Context(), directory.KindGroup, "zzz"), directory.ErrNotFound)
}
