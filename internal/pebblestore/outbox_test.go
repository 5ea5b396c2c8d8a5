package pebblestore_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// outbox returns the outbox after seq: sequences and events.
func outbox(t *testing.T, s *pebblestore.Store, seq uint64) ([]uint64, []events.Event) {
	t.Helper()
	var seqs []uint64
	var evs []events.Event
	err := s.ReadOutbox(t.Context(), seq, 1000, func(n uint64, b []byte) error {
		var e events.Event
		seqs = append(seqs, n)
		evs = append(evs, e)
		return json.Unmarshal(b, &evs[len(evs)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	return seqs, evs
}

func derive(t *testing.T, c events.Change) []events.Event {
	t.Helper()
	evs, err := events.Derive(c)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// openKeepingOutbox opens a store at path that keeps its outbox. The test
// closes it, to open it again.
func openKeepingOutbox(t *testing.T, path string) *pebblestore.Store {
	t.Helper()
	s, err := pebblestore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.KeepOutbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOutboxHoldsTheEventsOfCommittedChanges checks that each change of a
// user or group writes exactly the events events.Derive gives for it, in
// order, that internal writes and failed changes write none, and that the
// sequence goes on after a reopen.
func TestOutboxHoldsTheEventsOfCommittedChanges(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "directory")
	s := openKeepingOutbox(t, path)
	user, group := storetest.NewUser("u1", "alice"), storetest.NewGroup("g1", "Sales")
	var want []events.Event
	for _, rec := range []*directory.Record{user, group} {
		if err := s.Create(ctx, rec); err != nil {
			t.Fatal(err)
		}
		want = append(want, derive(t, events.Change{After: rec})...)
	}
	// Internal writes and failed changes: no event.
	if err := s.AddMembers(ctx, "g1", []string{"u1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, storetest.NewUser("u2", "ALICE")); !errors.Is(err, directory.ErrConflict) {
		t.Fatalf("create a taken userName: %v, want a conflict", err)
	}
	stale := *user
	if err := s.Update(ctx, &stale, 7); !errors.Is(err, directory.ErrVersion) {
		t.Fatalf("update at a stale version: %v, want ErrVersion", err)
	}

	at := user.LastModified.Add(time.Minute)
	mc := directory.MemberChange{Added: []string{"u1"}}
	if _, err := s.Touch(ctx, directory.KindGroup, "g1", at, mc); err != nil {
		t.Fatal(err)
	}
	touched := *group
	touched.Version, touched.LastModified = 2, at
	want = append(want, derive(t, events.Change{Before: group, After: &touched, Members: mc})...)

	renamed := *user
	renamed.Version, renamed.LastModified = 2, at
	renamed.Doc = []byte(`{"userName":"alice","active":false}`)
	if err := s.Update(ctx, &renamed, 1); err != nil {
		t.Fatal(err)
	}
	want = append(want, derive(t, events.Change{Before: user, After: &renamed})...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened, the store still keeps its outbox.
	s = open(t, path)
	if err := s.SaveCursor(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, directory.KindUser, "u1"); err != nil {
		t.Fatal(err)
	}
	seqs, got := outbox(t, s, 0)
	if len(got) != len(want)+1 {
		t.Fatalf("outbox has %d events, want %d: %v", len(got), len(want)+1, got)
	}
	del := got[len(got)-1]
	want = append(want, derive(t, events.Change{Before: &renamed, At: del.Time})...)
	for i := range want {
		w, _ := json.Marshal(want[i])
		g, _ := json.Marshal(got[i])
		if string(g) != string(w) {
			t.Errorf("event %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
	for i, n := range seqs {
		if n != uint64(i+1) {
			t.Errorf("sequences %v, want 1, 2, …", seqs)
			break
		}
	}
	if cur, err := s.Cursor(ctx); err != nil || cur != 2 {
		t.Errorf("Cursor() = %d, %v; want 2", cur, err)
	}
	if seqs, _ := outbox(t, s, 2); len(seqs) == 0 || seqs[0] != 3 {
		t.Errorf("outbox after 2 starts at %v, want 3", seqs)
	}
}

// TestNoOutboxUnlessKept checks that a store not told to keep the outbox
// writes no events.
func TestNoOutboxUnlessKept(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "directory"))
	if err := s.Create(context.Background(), storetest.NewUser("u1", "alice")); err != nil {
		t.Fatal(err)
	}
	if seqs, _ := outbox(t, s, 0); len(seqs) != 0 {
		t.Errorf("outbox holds %v, want nothing", seqs)
	}
}

// TestPrunedOutboxKeepsItsSequence checks that SaveCursor prunes delivered
// events, and that a reopened store numbers new events after the cursor
// even when pruning emptied the outbox.
func TestPrunedOutboxKeepsItsSequence(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "directory")
	s := openKeepingOutbox(t, path)
	if err := s.Create(ctx, storetest.NewUser("u1", "alice")); err != nil {
		t.Fatal(err)
	}
	// A cursor far ahead stands for 20,000 delivered events.
	if err := s.SaveCursor(ctx, 20000); err != nil {
		t.Fatal(err)
	}
	if seqs, _ := outbox(t, s, 0); len(seqs) != 0 {
		t.Errorf("outbox after pruning holds %v, want nothing", seqs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	if err := s.Create(ctx, storetest.NewUser("u2", "bob")); err != nil {
		t.Fatal(err)
	}
	if seqs, _ := outbox(t, s, 0); len(seqs) != 1 || seqs[0] != 20001 {
		t.Errorf("outbox holds %v, want [20001]", seqs)
	}
}
