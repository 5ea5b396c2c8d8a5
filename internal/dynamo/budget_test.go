package dynamo_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// budget is one SCIM operation as the service drives the store, and the
// most DynamoDB requests it may cost (the budget table of issue 3, written
// up in docs/performance.md).
type budget struct {
	name string
	max  int64
	// noQuery forbids Queries: the operation must read no membership.
	noQuery bool
	// setup fills a fresh store; run is the measured operation.
	setup func(t *testing.T, s *dynamo.Store)
	run   func(t *testing.T, s *dynamo.Store)
}

func TestRequestBudget(t *testing.T) {
	var cases []budget
	cases = append(cases,
		budget{"GET /Users?filter=userName eq (hit)", 2, false, oneUser(3), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", 1)
		}},
		budget{"GET /Users?filter=userName eq (miss)", 2, false, oneUser(0), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindUser, directory.KeyUserName, "nobody", 0)
		}},
		budget{"GET /Users?filter=externalId eq (1 match)", 2, false, sharingExternalID(1, 0), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick", 1)
		}},
		budget{"GET /Users?filter=externalId eq (miss)", 2, false, sharingExternalID(1, 0), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindUser, directory.KeyExternalID, "nobody", 0)
		}},
		budget{"GET /Users?filter=externalId eq (3 matches)", 2 + 2, false, sharingExternalID(3, 0), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick", 3)
		}},
		budget{"GET /Users?filter=externalId eq (2 matches, one in a table written before issue 11)", 2 + 1, false, sharingExternalID(2, 1),
			func(t *testing.T, s *dynamo.Store) {
				mustLookup(t, s, directory.KindUser, directory.KeyExternalID, "mail-nick", 2)
			}},
		budget{"GET /Users/{id} (in 3 groups)", 1, false, oneUser(3), func(t *testing.T, s *dynamo.Store) {
			mustGet(t, s, directory.KindUser, "u1")
		}},
		budget{"POST /Users", 1, false, nothing, func(t *testing.T, s *dynamo.Store) {
			u := storetest.NewUser("u1", "alice")
			u.Keys.ExternalID, u.Keys.Email = "ext-1", "alice@example.com"
			mustDo(t, "Create", s.Create(t.Context(), u))
		}},
		budget{"PATCH /Users/{id} (active)", 2, false, oneUser(3), patchUser(func(k *directory.Keys) {})},
		budget{"PATCH /Users/{id} (userName)", 3, false, oneUser(3), patchUser(func(k *directory.Keys) { k.UserName = "alice2" })},
		budget{"PATCH /Users/{id} (externalId)", 3, false, oneUser(3), patchUser(func(k *directory.Keys) { k.ExternalID = "ext-2" })},
		budget{"POST /Groups", 1, false, nothing, func(t *testing.T, s *dynamo.Store) {
			g := storetest.NewGroup("g1", "Sales")
			g.Keys.ExternalID = "gext-1"
			mustDo(t, "Create", s.Create(t.Context(), g))
		}},
		budget{"GET /Groups?filter=displayName eq&excludedAttributes=members", 2, true, oneGroup(5), func(t *testing.T, s *dynamo.Store) {
			mustLookup(t, s, directory.KindGroup, directory.KeyDisplayName, "sales", 1)
		}},
		budget{"GET /Groups/{id}?excludedAttributes=members", 1, false, oneGroup(5), func(t *testing.T, s *dynamo.Store) {
			mustGet(t, s, directory.KindGroup, "g1")
		}},
	)
	for _, m := range []int{0, 30, 60} {
		cases = append(cases, budget{fmt.Sprintf("DELETE /Users/{id} in %d groups", m), 3 + ceil(m, 25), false, oneUser(m),
			func(t *testing.T, s *dynamo.Store) {
				mustDo(t, "Delete", s.Delete(t.Context(), directory.KindUser, "u1"))
			}})
	}
	for _, k := range []int{1, 100, 250} {
		cases = append(cases,
			budget{fmt.Sprintf("PATCH /Groups/{id} adding %d members", k), 2 + 2*ceil(k, 100), true, groupAndUsers(k, false),
				patchMembers(k, true)},
			budget{fmt.Sprintf("PATCH /Groups/{id} removing %d members", k), 2 + 2*ceil(k, 100), true, groupAndUsers(k, true),
				patchMembers(k, false)})
	}
	for _, n := range []int{0, 1500} {
		cases = append(cases, budget{fmt.Sprintf("GET /Groups/{id} with %d members", n), 2 + ceil(n, 1000), false, oneGroup(n),
			func(t *testing.T, s *dynamo.Store) {
				mustGet(t, s, directory.KindGroup, "g1")
				if ids, err := s.Members(t.Context(), "g1"); err != nil || len(ids) != n {
					t.Fatalf("Members: got %d ids, error %v; want %d", len(ids), err, n)
				}
			}})
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, counter := newStore(t)
			tc.setup(t, s)
			counter.Reset()
			tc.run(t, s)
			got := counter.Total()
			t.Logf("| %s | %d | %d | %v |", tc.name, tc.max, got, counter.Counts())
			if got > tc.max {
				t.Errorf("got %d requests %v, want at most %d", got, counter.Counts(), tc.max)
			}
			if n := counter.Counts()["Query"]; tc.noQuery && n > 0 {
				t.Errorf("got %d Queries, want none: the operation must not read memberships", n)
			}
		})
	}
}

func ceil(n, d int) int64 { return int64((n + d - 1) / d) }

func nothing(*testing.T, *dynamo.Store) {}

// oneUser stores user u1 (alice, ext-1) as a member of m groups.
func oneUser(m int) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		u := storetest.NewUser("u1", "alice")
		u.Keys.ExternalID = "ext-1"
		mustDo(t, "Create", s.Create(t.Context(), u))
		groups := make([]*directory.Record, m)
		for i := range groups {
			groups[i] = storetest.NewGroup(fmt.Sprintf("g%03d", i), fmt.Sprintf("group %d", i))
		}
		mustDo(t, "Seed", s.Seed(t.Context(), groups, "", nil))
		for _, g := range groups {
			mustDo(t, "AddMembers", s.AddMembers(t.Context(), g.ID, []string{"u1"}))
		}
	}
}

// sharingExternalID stores n users, each a member of a group, holding the
// externalId "mail-nick", the first legacy of them as a table written
// before issue 11 holds them.
func sharingExternalID(n, legacy int) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		mustDo(t, "Create", s.Create(t.Context(), storetest.NewGroup("g1", "Sales")))
		for i := range n {
			u := storetest.NewUser(fmt.Sprintf("u%d", i), fmt.Sprintf("user%d", i))
			u.Keys.ExternalID = "mail-nick"
			mustDo(t, "Create", s.Create(t.Context(), u))
			mustDo(t, "AddMembers", s.AddMembers(t.Context(), "g1", []string{u.ID}))
			if i < legacy {
				mustDo(t, "SeedLegacyExternalID", s.SeedLegacyExternalID(t.Context(), u))
			}
		}
	}
}

// oneGroup stores group g1 (Sales) with n members.
func oneGroup(n int) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		mustDo(t, "Create", s.Create(t.Context(), storetest.NewGroup("g1", "Sales")))
		mustDo(t, "Seed", s.Seed(t.Context(), nil, "g1", userIDs(n)))
	}
}

// groupAndUsers stores group g1 and k users, members of g1 if members.
func groupAndUsers(k int, members bool) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		mustDo(t, "Create", s.Create(t.Context(), storetest.NewGroup("g1", "Sales")))
		ids := userIDs(k)
		users := make([]*directory.Record, k)
		for i, id := range ids {
			users[i] = storetest.NewUser(id, id)
		}
		var memberIDs []string
		if members {
			memberIDs = ids
		}
		mustDo(t, "Seed", s.Seed(t.Context(), users, "g1", memberIDs))
	}
}

// patchUser reads u1 and writes it back with its keys changed by change, as
// the service's PATCH does.
func patchUser(change func(*directory.Keys)) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		rec := mustGet(t, s, directory.KindUser, "u1")
		prev := rec.Version
		rec.Version, rec.LastModified, rec.Doc = prev+1, time.Now(), []byte(`{"active":false}`)
		change(&rec.Keys)
		mustDo(t, "Update", s.Update(t.Context(), rec, prev))
	}
}

// patchMembers adds or removes k members of g1 as the service's members
// PATCH does: read the group, check the added users exist, write the
// memberships, touch the group.
func patchMembers(k int, add bool) func(t *testing.T, s *dynamo.Store) {
	return func(t *testing.T, s *dynamo.Store) {
		mustGet(t, s, directory.KindGroup, "g1")
		ids := userIDs(k)
		change := directory.MemberChange{Removed: ids}
		if add {
			change = directory.MemberChange{Added: ids}
			missing, err := s.MissingUsers(t.Context(), ids)
			if err != nil || len(missing) != 0 {
				t.Fatalf("MissingUsers: got %q, error %v; want none", missing, err)
			}
			mustDo(t, "AddMembers", s.AddMembers(t.Context(), "g1", ids))
		} else {
			mustDo(t, "RemoveMembers", s.RemoveMembers(t.Context(), "g1", ids))
		}
		if _, err := s.Touch(t.Context(), directory.KindGroup, "g1", time.Now(), change); err != nil {
			t.Fatalf("Touch: %v", err)
		}
	}
}

func userIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%08d", i)
	}
	return ids
}

func mustDo(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustGet(t *testing.T, s *dynamo.Store, kind directory.Kind, id string) *directory.Record {
	t.Helper()
	rec, err := s.Get(t.Context(), kind, id)
	if err != nil {
		t.Fatalf("Get(%s %q): %v", kind, id, err)
	}
	return rec
}

func mustLookup(t *testing.T, s *dynamo.Store, kind directory.Kind, k directory.Key, value string, want int) {
	t.Helper()
	recs, err := s.Lookup(t.Context(), kind, k, value)
	if err != nil || len(recs) != want {
		t.Fatalf("Lookup(%s %s %q): got %d records, error %v; want %d", kind, k, value, len(recs), err, want)
	}
}
