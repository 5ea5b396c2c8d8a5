package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

var listTests = []test{
	{"list pages oldest first with the kind's total", testListPages},
	{"list of an empty kind", testListEmpty},
	{"list after delete keeps order and total", testListAfterDelete},
	{"list with groups fills users' groups", testListWithGroups},
}

// users creates n users with ids that sort in creation order, as UUIDv7s
// do, and returns their ids.
func users(t *testing.T, s directory.Store, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u%08d", i+1)
		create(t, s, NewUser(out[i], out[i]))
	}
	return out
}

func testListPages(t *testing.T, s directory.Store) {
	all := users(t, s, 7)
	create(t, s, NewGroup("g1", "Sales"), NewGroup("g2", "Ops"))

	for _, tc := range []struct {
		name         string
		start, count int
		want         []string
	}{
		{"first page", 1, 3, all[0:3]},
		{"middle page", 3, 3, all[2:5]},
		{"last page short", 6, 10, all[5:7]},
		{"exactly the rest", 5, 3, all[4:7]},
		{"everything", 1, 100, all},
		{"start just past the end", 8, 3, nil},
		{"start far past the end", 1000, 3, nil},
		{"count zero", 1, 0, nil},
		{"start below 1 counts as 1", 0, 2, all[0:2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, total, err := s.List(t.Context(), directory.KindUser, directory.ListOptions{StartIndex: tc.start, Count: tc.count})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if got := ids(recs); !slices.Equal(got, tc.want) {
				t.Errorf("got ids %q, want %q", got, tc.want)
			}
			if total != len(all) {
				t.Errorf("got total %d, want %d", total, len(all))
			}
		})
	}
	recs, total, err := s.List(t.Context(), directory.KindGroup, directory.ListOptions{StartIndex: 1, Count: 10})
	if err != nil {
		t.Fatalf("List(Group): %v", err)
	}
	if got, want := ids(recs), []string{"g1", "g2"}; !slices.Equal(got, want) || total != 2 {
		t.Errorf("List(Group): got %q total %d, want %q total 2", got, total, want)
	}
}

func testListEmpty(t *testing.T, s directory.Store) {
	create(t, s, NewUser("u1", "alice"))
	recs, total, err := s.List(t.Context(), directory.KindGroup, directory.ListOptions{StartIndex: 1, Count: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(recs) != 0 || total != 0 {
		t.Errorf("got %d records, total %d; want none, total 0", len(recs), total)
	}
}

func testListAfterDelete(t *testing.T, s directory.Store) {
	all := users(t, s, 5)
	if err := s.Delete(t.Context(), directory.KindUser, all[2]); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	want := slices.Delete(slices.Clone(all), 2, 3)
	recs, total, err := s.List(t.Context(), directory.KindUser, directory.ListOptions{StartIndex: 2, Count: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got := ids(recs); !slices.Equal(got, want[1:]) || total != len(want) {
		t.Errorf("got %q total %d, want %q total %d", got, total, want[1:], len(want))
	}
}

func testListWithGroups(t *testing.T, s directory.Store) {
	u := users(t, s, 3)
	create(t, s, NewGroup("g1", "Sales"), NewGroup("g2", "Ops"))
	addMembers(t, s, "g1", u[0], u[1])
	addMembers(t, s, "g2", u[1])

	recs, _, err := s.List(t.Context(), directory.KindUser, directory.ListOptions{StartIndex: 1, Count: 10, WithGroups: true})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	want := map[string][]string{u[0]: {"g1"}, u[1]: {"g1", "g2"}, u[2]: nil}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d", len(recs), len(want))
	}
	for _, rec := range recs {
		sameSet(t, rec.ID+" Groups", rec.Groups, want[rec.ID])
	}
}
