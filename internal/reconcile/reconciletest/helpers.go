package reconciletest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// now is the clock of every run of the contract.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// reconcileOnce runs the reconciler over s with opts (Store and Now filled
// in) and fails t on an error.
func reconcileOnce(t *testing.T, s Store, opts reconcile.Options) reconcile.Report {
	t.Helper()
	opts.Store = s
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	rep, err := reconcile.Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// wantCounts checks one invariant's counts in rep.
func wantCounts(t *testing.T, rep reconcile.Report, inv reconcile.Invariant, found, repaired int) {
	t.Helper()
	c := rep.Invariants[inv]
	if c == nil {
		t.Fatalf("report has no %s counts: %+v", inv, rep)
	}
	if c.Found != found || c.Repaired != repaired {
		t.Errorf("%s: found %d, repaired %d; want %d, %d", inv, c.Found, c.Repaired, found, repaired)
	}
}

// wantClean runs the reconciler again and checks it finds nothing to
// repair, but for the conflicts it reports.
func wantClean(t *testing.T, s Store, conflicts int) {
	t.Helper()
	rep := reconcileOnce(t, s, reconcile.Options{})
	if rep.Found != conflicts || rep.Repaired != 0 || len(rep.Conflicts) != conflicts {
		t.Errorf("second run: found %d, repaired %d, conflicts %v; want %d found, none repaired\n%+v",
			rep.Found, rep.Repaired, rep.Conflicts, conflicts, rep.Invariants)
	}
}

func create(t *testing.T, s Store, recs ...*directory.Record) {
	t.Helper()
	for _, rec := range recs {
		if err := s.Create(t.Context(), rec); err != nil {
			t.Fatalf("Create(%s %s): %v", rec.Kind, rec.ID, err)
		}
	}
}

func addMembers(t *testing.T, s Store, gid string, uids ...string) {
	t.Helper()
	if err := s.AddMembers(t.Context(), gid, uids); err != nil {
		t.Fatalf("AddMembers(%s): %v", gid, err)
	}
}

// user returns a user with an externalId as well as a userName.
func user(id, userName string) *directory.Record {
	rec := storetest.NewUser(id, userName)
	rec.Keys.ExternalID = "ext-" + id
	return rec
}

func wantMembers(t *testing.T, s Store, gid string, want ...string) {
	t.Helper()
	got, err := s.Members(t.Context(), gid)
	if err != nil {
		t.Fatalf("Members(%s): %v", gid, err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
		t.Errorf("members of %s: got %v, want %v", gid, got, want)
	}
}

func wantGroups(t *testing.T, s Store, uid string, want ...string) {
	t.Helper()
	rec, err := s.Get(t.Context(), directory.KindUser, uid)
	if err != nil {
		t.Fatalf("Get(user %s): %v", uid, err)
	}
	slices.Sort(rec.Groups)
	if !slices.Equal(rec.Groups, want) && (len(rec.Groups) != 0 || len(want) != 0) {
		t.Errorf("groups of %s: got %v, want %v", uid, rec.Groups, want)
	}
}

func wantLookup(t *testing.T, s Store, kind directory.Kind, key directory.Key, value string, want ...string) {
	t.Helper()
	recs, err := s.Lookup(t.Context(), kind, key, value)
	if err != nil {
		t.Fatalf("Lookup(%s %s %q): %v", kind, key, value, err)
	}
	var got []string
	for _, rec := range recs {
		got = append(got, rec.ID)
	}
	if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
		t.Errorf("Lookup(%s %s %q): got %v, want %v", kind, key, value, got, want)
	}
}

func wantTotal(t *testing.T, s Store, kind directory.Kind, want int) {
	t.Helper()
	_, total, err := s.List(t.Context(), kind, directory.ListOptions{StartIndex: 1})
	if err != nil {
		t.Fatalf("List(%s): %v", kind, err)
	}
	if total != want {
		t.Errorf("total of %s: got %d, want %d", kind, total, want)
	}
}

func wantGone(t *testing.T, s Store, kind directory.Kind, id string) {
	t.Helper()
	if _, err := s.Get(t.Context(), kind, id); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("Get(%s %s): got %v, want not found", kind, id, err)
	}
}

// users returns n users u000 … with userNames user000 ….
func users(n int) []*directory.Record {
	out := make([]*directory.Record, n)
	for i := range out {
		out[i] = user(fmt.Sprintf("u%03d", i), fmt.Sprintf("user%03d", i))
	}
	return out
}
