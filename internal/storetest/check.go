package storetest

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// create stores recs one after the other, failing t on the first error.
func create(t *testing.T, s directory.Store, recs ...*directory.Record) {
	t.Helper()
	for _, rec := range recs {
		if err := s.Create(t.Context(), rec); err != nil {
			t.Fatalf("Create(%s %q): %v", rec.Kind, rec.ID, err)
		}
	}
}

// createAll stores recs from a few goroutines, which keeps the scale cases
// fast on stores whose writes wait for a disk or a network round trip.
func createAll(t *testing.T, s directory.Store, recs []*directory.Record) {
	t.Helper()
	parallel(t, len(recs), func(i int) error { return s.Create(t.Context(), recs[i]) })
}

// parallel calls fn(0) … fn(n-1) from up to eight goroutines and fails t
// with the first error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, n)
	)
	for range min(n, 8) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := fn(i); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// get returns a stored record, failing t if it cannot.
func get(t *testing.T, s directory.Store, kind directory.Kind, id string) *directory.Record {
	t.Helper()
	rec, err := s.Get(t.Context(), kind, id)
	if err != nil {
		t.Fatalf("Get(%s %q): %v", kind, id, err)
	}
	return rec
}

// members returns a group's members, failing t if it cannot.
func members(t *testing.T, s directory.Store, groupID string) []string {
	t.Helper()
	ids, err := s.Members(t.Context(), groupID)
	if err != nil {
		t.Fatalf("Members(%q): %v", groupID, err)
	}
	return ids
}

// addMembers adds userIDs to a group, failing t if it cannot.
func addMembers(t *testing.T, s directory.Store, groupID string, userIDs ...string) {
	t.Helper()
	if err := s.AddMembers(t.Context(), groupID, userIDs); err != nil {
		t.Fatalf("AddMembers(%q, %q): %v", groupID, userIDs, err)
	}
}

// assertTotal reports a kind's total count differing from want.
func assertTotal(t *testing.T, s directory.Store, kind directory.Kind, want int) {
	t.Helper()
	_, total, err := s.List(t.Context(), kind, directory.ListOptions{StartIndex: 1})
	if err != nil {
		t.Fatalf("List(%s): %v", kind, err)
	}
	if total != want {
		t.Errorf("List(%s): got total %d, want %d", kind, total, want)
	}
}

// lookup returns the ids of the records Lookup finds, failing t if it
// cannot.
func lookup(t *testing.T, s directory.Store, kind directory.Kind, key directory.Key, value string) []string {
	t.Helper()
	recs, err := s.Lookup(t.Context(), kind, key, value)
	if err != nil {
		t.Fatalf("Lookup(%s %s %q): %v", kind, key, value, err)
	}
	return ids(recs)
}

// ids returns the ids of recs in order.
func ids(recs []*directory.Record) []string {
	out := make([]string, len(recs))
	for i, rec := range recs {
		out[i] = rec.ID
	}
	return out
}

// sameRecord reports every field of got that differs from want. Times must
// agree to the millisecond; Groups are compared as sets.
func sameRecord(t *testing.T, got, want *directory.Record) {
	t.Helper()
	if got.Kind != want.Kind || got.ID != want.ID {
		t.Errorf("got record %s %q, want %s %q", got.Kind, got.ID, want.Kind, want.ID)
		return
	}
	if got.Version != want.Version {
		t.Errorf("%s %q: got Version %d, want %d", got.Kind, got.ID, got.Version, want.Version)
	}
	sameTime(t, got.ID+" Created", got.Created, want.Created)
	sameTime(t, got.ID+" LastModified", got.LastModified, want.LastModified)
	if got.Keys != want.Keys {
		t.Errorf("%s %q: got Keys %+v, want %+v", got.Kind, got.ID, got.Keys, want.Keys)
	}
	if !bytes.Equal(got.Doc, want.Doc) {
		t.Errorf("%s %q: got Doc %q, want %q", got.Kind, got.ID, got.Doc, want.Doc)
	}
	sameSet(t, got.ID+" Groups", got.Groups, want.Groups)
}

// sameTime reports a time that is not within a millisecond of want.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want).Abs(); d >= time.Millisecond {
		t.Errorf("%s: got %v, want %v (off by %v)", what, got, want, d)
	}
}

// sameSet reports got and want differing as sets of strings: order does not
// matter, nil and empty are the same, and a repeated id is a difference.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %d %q, want %d %q", what, len(got), abbrev(g), len(want), abbrev(w))
	}
}

// abbrev shortens long id lists in failure messages.
func abbrev(ids []string) []string {
	if len(ids) > 10 {
		return append(ids[:10:10], "…")
	}
	return ids
}

// isErr reports err not wrapping target.
func isErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want one wrapping %q", what, err, target)
	}
}
