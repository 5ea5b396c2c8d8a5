package storetest

import (
	"errors"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

var keyTests = []test{
	{"lookup finds records by each key", testLookup},
	{"create with a taken unique key conflicts and stores nothing", testCreateConflict},
	{"externalId is shared: every holder is created and found", testSharedExternalID},
	{"unique keys are per kind", testKeysPerKind},
	{"keys compare exactly and empty keys are not indexed", testKeysExact},
	{"update moving unique keys frees the old values", testUpdateMovesKeys},
	{"update colliding on a unique key keeps the old keys", testUpdateConflict},
}

func testLookup(t *testing.T, s directory.Store) {
	u1, u2, u3 := NewUser("u1", "alice"), NewUser("u2", "bob"), NewUser("u3", "carol")
	u1.Keys.ExternalID, u1.Keys.Email = "ext-1", "team@example.com"
	u2.Keys.ExternalID, u2.Keys.Email = "ext-2", "team@example.com"
	u3.Keys.Email = "carol@example.com"
	g1, g2 := NewGroup("g1", "Sales"), NewGroup("g2", "Ops")
	g1.Keys.ExternalID = "gext-1"
	stored := []*directory.Record{u1, u2, u3, g1, g2}
	create(t, s, stored...)

	const user, group = directory.KindUser, directory.KindGroup
	for _, tc := range []struct {
		name  string
		kind  directory.Kind
		key   directory.Key
		value string
		want  []string
	}{
		{"userName", user, directory.KeyUserName, "alice", []string{"u1"}},
		{"absent userName", user, directory.KeyUserName, "dave", nil},
		{"user externalId", user, directory.KeyExternalID, "ext-2", []string{"u2"}},
		{"group externalId", group, directory.KeyExternalID, "gext-1", []string{"g1"}},
		{"group externalId among users", user, directory.KeyExternalID, "gext-1", nil},
		{"displayName", group, directory.KeyDisplayName, "sales", []string{"g1"}},
		{"displayName among users", user, directory.KeyDisplayName, "sales", nil},
		{"email shared by two", user, directory.KeyEmail, "team@example.com", []string{"u1", "u2"}},
		{"email of one", user, directory.KeyEmail, "carol@example.com", []string{"u3"}},
		{"absent email", user, directory.KeyEmail, "nobody@example.com", nil},
		{"empty externalId", user, directory.KeyExternalID, "", nil},
		{"empty group externalId", group, directory.KeyExternalID, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := s.Lookup(t.Context(), tc.kind, tc.key, tc.value)
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			sameSet(t, "ids", ids(recs), tc.want)
			for _, got := range recs {
				for _, want := range stored {
					if want.Kind == got.Kind && want.ID == got.ID {
						sameRecord(t, got, want)
					}
				}
			}
		})
	}
}

func testCreateConflict(t *testing.T, s directory.Store) {
	u1, g1 := NewUser("u1", "alice"), NewGroup("g1", "Sales")
	u1.Keys.ExternalID, g1.Keys.ExternalID = "ext-1", "gext-1"
	create(t, s, u1, g1)

	for _, tc := range []struct {
		name string
		rec  *directory.Record
		key  directory.Key // the key that collides
		free directory.Key // a key of rec that must stay free
	}{
		{"userName", withKeys(NewUser("u9", "ALICE"), "ext-9", "u9@example.com"), directory.KeyUserName, directory.KeyExternalID},
		{"displayName", withKeys(NewGroup("g9", "SALES"), "gext-9", ""), directory.KeyDisplayName, directory.KeyExternalID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Create(t.Context(), tc.rec)
			isErr(t, "Create", err, directory.ErrConflict)
			var ce *directory.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("Create: got error %v, want a *directory.ConflictError", err)
			}
			want := directory.ConflictError{Kind: tc.rec.Kind, Key: tc.key, Value: tc.rec.Keys.Get(tc.key)}
			if *ce != want {
				t.Errorf("got %+v, want %+v", *ce, want)
			}

			_, err = s.Get(t.Context(), tc.rec.Kind, tc.rec.ID)
			isErr(t, "Get of the failed record", err, directory.ErrNotFound)
			for _, key := range []directory.Key{tc.free, directory.KeyEmail} {
				if v := tc.rec.Keys.Get(key); v != "" {
					sameSet(t, "Lookup("+string(key)+")", lookup(t, s, tc.rec.Kind, key, v), nil)
				}
			}
		})
	}
	assertTotal(t, s, directory.KindUser, 1)
	assertTotal(t, s, directory.KindGroup, 1)
	// The failed records' other keys can be taken.
	create(t, s, withKeys(NewUser("u7", "dave"), "ext-9", ""), withKeys(NewGroup("g7", "Ops"), "gext-9", ""))
}

// testSharedExternalID checks that externalId is not unique (RFC 7643
// §3.1): two users, and two groups, holding one are both created, and a
// lookup finds every holder, also after one of them changes or goes.
func testSharedExternalID(t *testing.T, s directory.Store) {
	u1, u2 := withKeys(NewUser("u1", "alice"), "mail-nick", ""), withKeys(NewUser("u2", "alice@fabrikam.com"), "mail-nick", "")
	g1, g2 := withKeys(NewGroup("g1", "Sales"), "gext", ""), withKeys(NewGroup("g2", "Sales EMEA"), "gext", "")
	create(t, s, u1, u2, g1, g2)
	sameSet(t, "users with externalId mail-nick", lookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick"), []string{"u1", "u2"})
	sameSet(t, "groups with externalId gext", lookup(t, s, directory.KindGroup, directory.KeyExternalID, "gext"), []string{"g1", "g2"})

	// A third holder by update; then one moves away and one goes.
	u3 := withKeys(NewUser("u3", "carol"), "", "")
	create(t, s, u3)
	next := *u3
	next.Version, next.Keys.ExternalID = 2, "mail-nick"
	if err := s.Update(t.Context(), &next, 1); err != nil {
		t.Fatalf("Update of u3 to a shared externalId: %v", err)
	}
	sameSet(t, "after u3 took it", lookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick"), []string{"u1", "u2", "u3"})
	moved := *u1
	moved.Version, moved.Keys.ExternalID = 2, "other"
	if err := s.Update(t.Context(), &moved, 1); err != nil {
		t.Fatalf("Update of u1 away from it: %v", err)
	}
	if err := s.Delete(t.Context(), directory.KindUser, "u2"); err != nil {
		t.Fatalf("Delete(u2): %v", err)
	}
	sameSet(t, "after u1 moved and u2 went", lookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick"), []string{"u3"})
	sameSet(t, "u1's new value", lookup(t, s, directory.KindUser, directory.KeyExternalID, "other"), []string{"u1"})
	assertTotal(t, s, directory.KindUser, 2)
	assertTotal(t, s, directory.KindGroup, 2)
}

// withKeys sets a fixture's externalId and email.
func withKeys(rec *directory.Record, externalID, email string) *directory.Record {
	rec.Keys.ExternalID, rec.Keys.Email = externalID, email
	return rec
}

func testKeysPerKind(t *testing.T, s directory.Store) {
	user, group := withKeys(NewUser("u1", "x"), "x", ""), withKeys(NewGroup("g1", "x"), "x", "")
	create(t, s, user, group)
	sameSet(t, "users with externalId x", lookup(t, s, directory.KindUser, directory.KeyExternalID, "x"), []string{"u1"})
	sameSet(t, "groups with externalId x", lookup(t, s, directory.KindGroup, directory.KeyExternalID, "x"), []string{"g1"})
}

func testKeysExact(t *testing.T, s directory.Store) {
	// The service folds what is case-insensitive; the store compares bytes,
	// so externalIds differing in case are two keys.
	create(t, s,
		withKeys(NewUser("u1", "alice"), "abc", ""),
		withKeys(NewUser("u2", "bob"), "ABC", ""),
		NewUser("u3", "carol"), NewUser("u4", "dave"), // no externalId, no email
		NewGroup("g1", "Sales"), NewGroup("g2", "Ops"))
	sameSet(t, "Lookup(abc)", lookup(t, s, directory.KindUser, directory.KeyExternalID, "abc"), []string{"u1"})
	sameSet(t, "Lookup(ABC)", lookup(t, s, directory.KindUser, directory.KeyExternalID, "ABC"), []string{"u2"})
	assertTotal(t, s, directory.KindUser, 4)
}

func testUpdateMovesKeys(t *testing.T, s directory.Store) {
	old := withKeys(NewUser("u1", "alice"), "ext-1", "")
	create(t, s, old)
	next := *old
	next.Version = 2
	next.Keys = directory.Keys{UserName: "alice2"} // externalId cleared
	if err := s.Update(t.Context(), &next, 1); err != nil {
		t.Fatalf("Update: %v", err)
	}
	sameSet(t, "Lookup(alice)", lookup(t, s, directory.KindUser, directory.KeyUserName, "alice"), nil)
	sameSet(t, "Lookup(alice2)", lookup(t, s, directory.KindUser, directory.KeyUserName, "alice2"), []string{"u1"})
	sameSet(t, "Lookup(ext-1)", lookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-1"), nil)
	// The old userName is free.
	create(t, s, withKeys(NewUser("u2", "alice"), "ext-1", ""))
	sameSet(t, "Lookup(ext-1) again", lookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-1"), []string{"u2"})
}

func testUpdateConflict(t *testing.T, s directory.Store) {
	u1, u2 := NewUser("u1", "alice"), NewUser("u2", "bob")
	create(t, s, u1, u2)
	next := *u1
	next.Version = 2
	next.Keys = directory.Keys{UserName: "bob", ExternalID: "ext-new", Email: "new@example.com"}
	err := s.Update(t.Context(), &next, 1)
	var ce *directory.ConflictError
	if !errors.As(err, &ce) || ce.Key != directory.KeyUserName || ce.Value != "bob" {
		t.Fatalf("Update: got error %v, want a *directory.ConflictError on userName \"bob\"", err)
	}
	sameRecord(t, get(t, s, directory.KindUser, "u1"), u1)
	sameSet(t, "Lookup(alice)", lookup(t, s, directory.KindUser, directory.KeyUserName, "alice"), []string{"u1"})
	sameSet(t, "Lookup(bob)", lookup(t, s, directory.KindUser, directory.KeyUserName, "bob"), []string{"u2"})
	sameSet(t, "Lookup(ext-new)", lookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-new"), nil)
	sameSet(t, "Lookup(email)", lookup(t, s, directory.KindUser, directory.KeyEmail, "new@example.com"), nil)
	isErr(t, "Create(alice) while u1 holds it", s.Create(t.Context(), NewUser("u3", "alice")), directory.ErrConflict)
}
