package storetest

import (
	"fmt"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

var memberTests = []test{
	{"add members is idempotent and members returns the set", testAddMembers},
	{"remove members ignores absent ones", testRemoveMembers},
	{"a large group", testLargeGroup},
	{"a user in many groups", testManyGroups},
	{"missing users are the ids that are not users", testMissingUsers},
}

func testAddMembers(t *testing.T, s directory.Store) {
	users(t, s, 3)
	create(t, s, NewGroup("g1", "Sales"))
	addMembers(t, s, "g1", "u00000001", "u00000002")
	addMembers(t, s, "g1", "u00000002", "u00000003", "u00000003")
	addMembers(t, s, "g1")
	sameSet(t, "members", members(t, s, "g1"), []string{"u00000001", "u00000002", "u00000003"})

	sameSet(t, "Get groups", get(t, s, directory.KindUser, "u00000002").Groups, []string{"g1"})
	recs, err := s.Lookup(t.Context(), directory.KindUser, directory.KeyUserName, "u00000002")
	if err != nil || len(recs) != 1 {
		t.Fatalf("Lookup: got %d records, error %v; want 1", len(recs), err)
	}
	sameSet(t, "Lookup groups", recs[0].Groups, []string{"g1"})
}

func testRemoveMembers(t *testing.T, s directory.Store) {
	users(t, s, 2)
	create(t, s, NewGroup("g1", "Sales"), NewGroup("g2", "Empty"))
	addMembers(t, s, "g1", "u00000001", "u00000002")
	for _, ids := range [][]string{{"u00000001", "ghost"}, {"u00000001"}, nil} {
		if err := s.RemoveMembers(t.Context(), "g1", ids); err != nil {
			t.Fatalf("RemoveMembers(%q): %v", ids, err)
		}
	}
	sameSet(t, "members of g1", members(t, s, "g1"), []string{"u00000002"})
	sameSet(t, "groups of u00000001", get(t, s, directory.KindUser, "u00000001").Groups, nil)
	sameSet(t, "members of g2", members(t, s, "g2"), nil)
}

// scale returns n, or n/5 under testing.Short.
func scale(n int) int {
	if testing.Short() {
		return n / 5
	}
	return n
}

func testLargeGroup(t *testing.T, s directory.Store) {
	create(t, s, NewGroup("g1", "Everyone"))
	// Entra adds members in PATCHes of up to a hundred; the users need not
	// be stored for AddMembers.
	n := scale(2500)
	want := make([]string, n)
	for i := range want {
		want[i] = fmt.Sprintf("u%08d", i)
	}
	for i := 0; i < n; i += 100 {
		addMembers(t, s, "g1", want[i:min(i+100, n)]...)
	}
	sameSet(t, "members", members(t, s, "g1"), want)

	if err := s.RemoveMembers(t.Context(), "g1", want[n/2:n/2+1]); err != nil {
		t.Fatalf("RemoveMembers: %v", err)
	}
	want = append(want[:n/2:n/2], want[n/2+1:]...)
	sameSet(t, "members after removing one", members(t, s, "g1"), want)
}

func testManyGroups(t *testing.T, s directory.Store) {
	create(t, s, NewUser("u1", "alice"))
	groups := make([]*directory.Record, scale(60))
	want := make([]string, len(groups))
	for i := range groups {
		want[i] = fmt.Sprintf("g%08d", i)
		groups[i] = NewGroup(want[i], want[i])
	}
	createAll(t, s, groups)
	parallel(t, len(want), func(i int) error { return s.AddMembers(t.Context(), want[i], []string{"u1"}) })

	sameSet(t, "Get groups", get(t, s, directory.KindUser, "u1").Groups, want)
	recs, err := s.Lookup(t.Context(), directory.KindUser, directory.KeyUserName, "alice")
	if err != nil || len(recs) != 1 {
		t.Fatalf("Lookup: got %d records, error %v; want 1", len(recs), err)
	}
	sameSet(t, "Lookup groups", recs[0].Groups, want)

	if err := s.RemoveMembers(t.Context(), want[0], []string{"u1"}); err != nil {
		t.Fatalf("RemoveMembers: %v", err)
	}
	sameSet(t, "groups after leaving one", get(t, s, directory.KindUser, "u1").Groups, want[1:])
	sameSet(t, "members of the group left", members(t, s, want[0]), nil)

	if err := s.Delete(t.Context(), directory.KindUser, "u1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, g := range want[1:] {
		sameSet(t, "members of "+g+" after the user's delete", members(t, s, g), nil)
	}
}

func testMissingUsers(t *testing.T, s directory.Store) {
	create(t, s, NewUser("u1", "alice"), NewUser("u2", "bob"), NewGroup("g1", "Sales"))
	for _, tc := range []struct {
		name string
		ids  []string
		want []string
	}{
		{"none asked", nil, nil},
		{"all stored", []string{"u2", "u1"}, nil},
		{"mixed", []string{"u1", "ghost", "g1", "u2"}, []string{"ghost", "g1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.MissingUsers(t.Context(), tc.ids)
			if err != nil {
				t.Fatalf("MissingUsers: %v", err)
			}
			sameSet(t, "missing", got, tc.want)
		})
	}
}
