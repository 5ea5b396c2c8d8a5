package reconciletest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

var runTests = []test{
	{"a dry run repairs nothing", testDryRun},
	{"work is bounded and resumes where it stopped", testBounded},
	{"users disabled for long are purged", testPurge},
}

// breakAll breaks one of each invariant a store can break.
func breakAll(t *testing.T, s Store, b Breaker) {
	create(t, s, user("u1", "alice"), storetest.NewGroup("g1", "Sales"))
	addMembers(t, s, "g1", "u1")
	b.PutMember(t, "g1", "ghost")
	b.PutUnique(t, directory.Unique{Kind: directory.KindUser, Key: directory.KeyUserName, Value: "ghost"}, "ghost")
	b.DeleteEntry(t, directory.Entry{Kind: directory.KindUser, Key: directory.KeyExternalID, Value: "ext-u1", ID: "u1"})
	b.SetCounter(t, directory.KindGroup, 5)
}

func testDryRun(t *testing.T, s Store, b Breaker) {
	breakAll(t, s, b)
	for range 2 {
		rep := reconcileOnce(t, s, reconcile.Options{DryRun: true})
		if rep.Found != 4 || rep.Repaired != 0 || !rep.DryRun {
			t.Errorf("dry run: found %d, repaired %d; want 4 found, none repaired\n%+v", rep.Found, rep.Repaired, rep.Invariants)
		}
	}
	wantMembers(t, s, "g1", "ghost", "u1")
	wantTotal(t, s, directory.KindGroup, 5)
	if rep := reconcileOnce(t, s, reconcile.Options{}); rep.Repaired != 4 {
		t.Errorf("run after dry runs: repaired %d, want 4", rep.Repaired)
	}
	wantClean(t, s, 0)
}

func testBounded(t *testing.T, s Store, b Breaker) {
	create(t, s, users(12)...)
	b.PutMember(t, "ghost-group", "u011")
	b.SetCounter(t, directory.KindUser, 20)
	const maxItems = 8
	var runs, membersRepaired int
	for {
		runs++
		if runs > 20 {
			t.Fatal("no complete pass after 20 runs")
		}
		rep := reconcileOnce(t, s, reconcile.Options{MaxItems: maxItems, PageSize: 3})
		if rep.Checked > maxItems {
			t.Errorf("run %d checked %d items, more than %d", runs, rep.Checked, maxItems)
		}
		if rep.CountersChecked || rep.Invariants[reconcile.Counter].Found != 0 {
			t.Errorf("run %d checked counters on a partial pass", runs)
		}
		membersRepaired += rep.Invariants[reconcile.Membership].Repaired
		if rep.PassComplete {
			break
		}
	}
	if runs < 3 {
		t.Errorf("a pass over 37 items took %d runs of %d items", runs, maxItems)
	}
	if membersRepaired != 1 {
		t.Errorf("repaired %d memberships over the pass, want 1", membersRepaired)
	}
	rep := reconcileOnce(t, s, reconcile.Options{})
	if !rep.CountersChecked {
		t.Error("a run over the whole store did not check counters")
	}
	wantCounts(t, rep, reconcile.Counter, 1, 1)
	wantTotal(t, s, directory.KindUser, 12)
}

// disabledUser returns a user whose active is false, last changed at at.
func disabledUser(id, userName string, active bool, at time.Time) *directory.Record {
	rec := user(id, userName)
	rec.Doc, _ = json.Marshal(map[string]any{"userName": userName, "active": active})
	rec.Created, rec.LastModified = at, at
	return rec
}

func testPurge(t *testing.T, s Store, _ Breaker) {
	day := 24 * time.Hour
	create(t, s,
		disabledUser("old", "old", false, now.Add(-100*day)),
		disabledUser("recent", "recent", false, now.Add(-10*day)),
		disabledUser("active", "active", true, now.Add(-200*day)),
		storetest.NewGroup("g1", "Sales"))
	addMembers(t, s, "g1", "old", "recent", "active")
	if rep := reconcileOnce(t, s, reconcile.Options{}); rep.Purged != nil {
		t.Errorf("purged %v with purging off", rep.Purged)
	}
	rep := reconcileOnce(t, s, reconcile.Options{PurgeDisabledAfter: 90 * day})
	if len(rep.Purged) != 1 || rep.Purged[0] != "old" {
		t.Errorf("purged %v, want [old]", rep.Purged)
	}
	wantCounts(t, rep, reconcile.Purge, 1, 1)
	wantGone(t, s, directory.KindUser, "old")
	wantMembers(t, s, "g1", "active", "recent")
	wantLookup(t, s, directory.KindUser, directory.KeyUserName, "old")
	wantTotal(t, s, directory.KindUser, 2)
	if rep := reconcileOnce(t, s, reconcile.Options{PurgeDisabledAfter: 90 * day}); rep.Found != 0 || rep.Repaired != 0 {
		t.Errorf("second purge: found %d, repaired %d; want none", rep.Found, rep.Repaired)
	}
}
