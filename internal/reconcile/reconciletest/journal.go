package reconciletest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/journal"
)

var journalTests = []test{
	{"failures are read back by window", testFailures},
	{"seen marks keep the latest time", testSeen},
	{"state is saved with versions", testState},
}

func failure(at time.Time, status int, id string) journal.Failure {
	return journal.Failure{
		Time: at, Expires: at.Add(journal.DefaultRetention), Method: "PATCH", Route: "/Users/{id}",
		Status: status, ScimType: "invalidValue", Detail: "detail of " + id, ResourceID: id,
		ClientRequestID: "crid-" + id,
	}
}

func testFailures(t *testing.T, s Store, _ Breaker) {
	ctx := t.Context()
	var fs []journal.Failure
	// Across midnight, to cross any partition by day.
	for i, at := range []time.Time{now.Add(-25 * time.Hour), now.Add(-2 * time.Hour), now.Add(-time.Hour), now} {
		f := failure(at.Add(123456789*time.Nanosecond), 400+i, string(rune('a'+i)))
		fs = append(fs, f)
		if err := s.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name         string
		since, until time.Time
		limit        int
		want         []journal.Failure
	}{
		{"all", now.Add(-30 * time.Hour), now.Add(time.Hour), 10, fs},
		{"since excludes its own time", fs[0].Time, now.Add(time.Hour), 10, fs[1:]},
		{"until includes its own time", now.Add(-30 * time.Hour), fs[2].Time, 10, fs[:3]},
		{"limit keeps the oldest", now.Add(-30 * time.Hour), now, 2, fs[:2]},
		{"empty window", fs[3].Time, now.Add(time.Hour), 10, nil},
	} {
		got, err := s.Failures(ctx, tc.since, tc.until, tc.limit)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range got {
			if i < len(tc.want) && got[i].Time.Equal(tc.want[i].Time) && got[i].Expires.Unix() == tc.want[i].Expires.Unix() {
				got[i].Time, got[i].Expires = tc.want[i].Time, tc.want[i].Expires
			}
		}
		if !reflect.DeepEqual(got, tc.want) && (len(got) != 0 || len(tc.want) != 0) {
			t.Errorf("%s: got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

func testSeen(t *testing.T, s Store, _ Breaker) {
	ctx := t.Context()
	if got, err := s.LastSeen(ctx, journal.SeenRequest); err != nil || !got.IsZero() {
		t.Fatalf("LastSeen before any mark: got %v, %v; want zero", got, err)
	}
	later, earlier := now.Add(time.Minute+time.Millisecond), now
	for _, at := range []time.Time{later, earlier} {
		if err := s.MarkSeen(ctx, journal.SeenRequest, at); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.LastSeen(ctx, journal.SeenRequest); err != nil || !got.Equal(later) {
		t.Errorf("LastSeen(request): got %v, %v; want %v", got, err, later)
	}
	if got, err := s.LastSeen(ctx, journal.SeenPreviousToken); err != nil || !got.IsZero() {
		t.Errorf("LastSeen(previous-token): got %v, %v; want zero", got, err)
	}
}

func testState(t *testing.T, s Store, _ Breaker) {
	ctx := t.Context()
	if data, version, err := s.LoadState(ctx); err != nil || data != nil || version != 0 {
		t.Fatalf("LoadState of a new store: got %q, %d, %v; want nothing", data, version, err)
	}
	if err := s.SaveState(ctx, []byte(`{"a":1}`), 0); err != nil {
		t.Fatal(err)
	}
	data, version, err := s.LoadState(ctx)
	if err != nil || string(data) != `{"a":1}` || version != 1 {
		t.Errorf("LoadState: got %q, %d, %v; want {\"a\":1}, 1", data, version, err)
	}
	if err := s.SaveState(ctx, []byte(`{"b":2}`), 0); !errors.Is(err, directory.ErrVersion) {
		t.Errorf("SaveState over a newer version: got %v, want directory.ErrVersion", err)
	}
	if err := s.SaveState(ctx, []byte(`{"b":2}`), 1); err != nil {
		t.Errorf("SaveState at the saved version: %v", err)
	}
}
