package reconciletest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

var invariantTests = []test{
	{"a consistent store needs nothing", testConsistent},
	{"orphan memberships are removed", testOrphanMembers},
	{"orphan uniqueness items are released", testOrphanUniques},
	{"missing uniqueness items are claimed", testMissingUniques},
	{"orphan index entries are dropped", testOrphanEntries},
	{"missing index entries are added", testMissingEntries},
	{"externalId uniqueness items of an older store claim nothing and are replaced", testLegacyUniques},
	{"a key held twice is a conflict, not stolen", testConflict},
	{"counters are set to what they count", testCounters},
	{"an interrupted delete is finished", testInterruptedDelete},
}

func testConsistent(t *testing.T, s Store, _ Breaker) {
	create(t, s, user("u1", "alice"), user("u2", "bob"), storetest.NewGroup("g1", "Sales"))
	addMembers(t, s, "g1", "u1", "u2")
	rep := reconcileOnce(t, s, reconcile.Options{})
	if rep.Found != 0 || rep.Repaired != 0 {
		t.Errorf("found %d, repaired %d in a consistent store: %+v", rep.Found, rep.Repaired, rep.Invariants)
	}
	if !rep.PassComplete || !rep.CountersChecked {
		t.Errorf("pass complete %v, counters checked %v; want both", rep.PassComplete, rep.CountersChecked)
	}
	for inv, want := range map[reconcile.Invariant]int{
		reconcile.UniqueKeys: 3, reconcile.Membership: 2, reconcile.Counter: 2, reconcile.Delete: 3,
	} {
		if got := rep.Invariants[inv].Checked; got < want {
			t.Errorf("%s: checked %d, want at least %d", inv, got, want)
		}
	}
}

func testOrphanMembers(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"), storetest.NewGroup("g1", "Sales"))
	addMembers(t, s, "g1", "u1")
	b.PutMember(t, "g1", "ghost-user")
	b.PutMember(t, "ghost-group", "u1")
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.Membership, 2, 2)
	wantMembers(t, s, "g1", "u1")
	wantMembers(t, s, "ghost-group")
	wantGroups(t, s, "u1", "g1")
	wantClean(t, s, 0)
}

func testOrphanUniques(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"))
	b.PutUnique(t, directory.Unique{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "ghost"}, "no-such-user")
	// A key the record no longer holds, as a rename that lost its second
	// step would leave it.
	b.PutUnique(t, directory.Unique{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "alice-before"}, "u1")
	b.PutUnique(t, directory.Unique{Kind: directory.KindGroup, Key: directory.KeyDisplayName, Value: "old sales"}, "g9")
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.UniqueOwner, 3, 3)
	// Released keys can be taken again.
	create(t, s, user("u2", "ghost"), user("u3", "alice-before"), storetest.NewGroup("g1", "old sales"))
	wantLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", "u1")
	wantClean(t, s, 0)
}

func testMissingUniques(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"), storetest.NewGroup("g1", "sales"))
	b.DeleteUnique(t, directory.Unique{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "alice"})
	b.DeleteUnique(t, directory.Unique{Kind: directory.KindGroup, Key: directory.KeyDisplayName, Value: "sales"})
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.UniqueKeys, 2, 2)
	wantLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", "u1")
	wantLookup(t, s, directory.KindGroup, directory.KeyDisplayName, "sales", "g1")
	if err := s.Create(t.Context(), user("u2", "alice")); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("Create of a claimed userName: got %v, want a conflict", err)
	}
	wantClean(t, s, 0)
}

func testConflict(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"))
	twin := storetest.NewUser("u2", "alice")
	b.PutRecord(t, twin)
	b.SetCounter(t, directory.KindUser, 2)
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.UniqueKeys, 1, 0)
	want := []reconcile.Conflict{{Kind: directory.KindUser, Key: directory.KeyUserName, ID: "u2", Holder: "u1"}}
	if !reflect.DeepEqual(rep.Conflicts, want) {
		t.Errorf("conflicts: got %+v, want %+v", rep.Conflicts, want)
	}
	wantLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", "u1")
	wantClean(t, s, 1)
}

func testCounters(t *testing.T, s Store, b Breaker) {
	create(t, s, users(3)...)
	create(t, s, storetest.NewGroup("g1", "Sales"))
	b.SetCounter(t, directory.KindUser, 7)
	b.SetCounter(t, directory.KindGroup, -2)
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.Counter, 2, 2)
	wantTotal(t, s, directory.KindUser, 3)
	wantTotal(t, s, directory.KindGroup, 1)
	wantClean(t, s, 0)
}

func testInterruptedDelete(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"), user("u2", "bob"), storetest.NewGroup("g1", "Sales"), storetest.NewGroup("g2", "Ops"))
	addMembers(t, s, "g1", "u1", "u2")
	addMembers(t, s, "g2", "u1")
	if !b.MarkDeleting(t, directory.KindUser, "u1") || !b.MarkDeleting(t, directory.KindGroup, "g1") {
		t.Skip("this store's deletes cannot be interrupted")
	}
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.Delete, 2, 2)
	wantGone(t, s, directory.KindUser, "u1")
	wantGone(t, s, directory.KindGroup, "g1")
	wantGroups(t, s, "u2")
	wantMembers(t, s, "g2")
	create(t, s, user("u1b", "alice"), storetest.NewGroup("g1b", "Sales"))
	wantTotal(t, s, directory.KindUser, 2)
	wantTotal(t, s, directory.KindGroup, 2)
	wantClean(t, s, 0)
}

func testOrphanEntries(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"))
	b.PutEntry(t, directory.Entry{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ghost", ID: "no-such-user"})
	// A value the record no longer holds, as a change that lost its
	// second step would leave it.
	b.PutEntry(t, directory.Entry{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-before", ID: "u1"})
	b.PutEntry(t, directory.Entry{Kind: directory.KindGroup, Key: directory.KeyExternalID, Value: "gext", ID: "g9"})
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.EntryOwner, 3, 3)
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-before")
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-u1", "u1")
	wantClean(t, s, 0)
}

func testMissingEntries(t *testing.T, s Store, b Breaker) {
	g1 := storetest.NewGroup("g1", "Sales")
	g1.Keys.ExternalID = "gext-1"
	create(t, s, user("u1", "alice"), g1)
	b.DeleteEntry(t, directory.Entry{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-u1", ID: "u1"})
	b.DeleteEntry(t, directory.Entry{Kind: directory.KindGroup, Key: directory.KeyExternalID, Value: "gext-1", ID: "g1"})
	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.EntryKeys, 2, 2)
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-u1", "u1")
	wantLookup(t, s, directory.KindGroup, directory.KeyExternalID, "gext-1", "g1")
	wantClean(t, s, 0)
}

// testLegacyUniques builds what a store written before issue 11 holds,
// when externalId was unique: an externalId uniqueness item per record and
// no index entry. Such an item must be found by a lookup, never refuse a
// second record with the value, and be replaced by the record's entry.
func testLegacyUniques(t *testing.T, s Store, b Breaker) {
	g1 := storetest.NewGroup("g1", "Sales")
	g1.Keys.ExternalID = "gext-1"
	create(t, s, user("u1", "alice"), g1)
	for _, rec := range []*directory.Record{user("u1", "alice"), g1} {
		b.DeleteEntry(t, directory.Entry{Kind: rec.Kind, Key: directory.KeyExternalID, Value: rec.Keys.ExternalID, ID: rec.ID})
		b.PutUnique(t, directory.Unique{Kind: rec.Kind, Key: directory.KeyExternalID, Value: rec.Keys.ExternalID}, rec.ID)
	}
	// One naming a record deleted since.
	b.PutUnique(t, directory.Unique{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-gone"}, "gone")

	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-u1", "u1")
	twin := user("u2", "alice@fabrikam.com")
	twin.Keys.ExternalID = "ext-u1"
	g2 := storetest.NewGroup("g2", "Sales EMEA")
	g2.Keys.ExternalID = "gext-1"
	create(t, s, twin, g2) // never a conflict
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-u1", "u1", "u2")
	wantLookup(t, s, directory.KindGroup, directory.KeyExternalID, "gext-1", "g1", "g2")
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-gone")

	rep := reconcileOnce(t, s, reconcile.Options{})
	wantCounts(t, rep, reconcile.LegacyUnique, 3, 3)
	wantLookup(t, s, directory.KindUser, directory.KeyExternalID, "ext-u1", "u1", "u2")
	wantLookup(t, s, directory.KindGroup, directory.KeyExternalID, "gext-1", "g1", "g2")
	wantClean(t, s, 0)
}
