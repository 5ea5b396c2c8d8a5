package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

var concurrencyTests = []test{
	{"concurrent creates of one userName have one winner", testCreateRace},
	{"concurrent member adds all land", testAddMembersRace},
	{"concurrent updates retried on version conflicts lose nothing", testUpdateRace},
}

// race runs fn(0) … fn(n-1) in n goroutines released together, and returns
// their errors by index.
func race(n int, fn func(i int) error) []error {
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testCreateRace(t *testing.T, s directory.Store) {
	// Entra retries and runs in parallel; the service folds every spelling
	// to the same key, and exactly one create may win it.
	spellings := []string{"alice@example.com", "Alice@Example.com", "ALICE@EXAMPLE.COM", "aLiCe@eXaMpLe.CoM"}
	const n = 32
	errs := race(n, func(i int) error {
		return s.Create(t.Context(), NewUser(fmt.Sprintf("u%02d", i), spellings[i%len(spellings)]))
	})
	var won int
	for i, err := range errs {
		var ce *directory.ConflictError
		switch {
		case err == nil:
			won++
		case errors.As(err, &ce) && ce.Key == directory.KeyUserName:
		default:
			t.Errorf("Create %d: got error %v, want nil or a userName conflict", i, err)
		}
	}
	if won != 1 {
		t.Errorf("got %d creates succeeding, want 1", won)
	}
	if got := lookup(t, s, directory.KindUser, directory.KeyUserName, "alice@example.com"); len(got) != 1 {
		t.Errorf("Lookup: got %q, want one user", got)
	}
	assertTotal(t, s, directory.KindUser, 1)
}

func testAddMembersRace(t *testing.T, s directory.Store) {
	const n = 32
	want := make([]string, n)
	recs := make([]*directory.Record, n)
	for i := range want {
		want[i] = fmt.Sprintf("u%08d", i)
		recs[i] = NewUser(want[i], want[i])
	}
	createAll(t, s, recs)
	create(t, s, NewGroup("g1", "Sales"))

	for i, err := range race(n, func(i int) error { return s.AddMembers(t.Context(), "g1", want[i:i+1]) }) {
		if err != nil {
			t.Errorf("AddMembers %d: %v", i, err)
		}
	}
	sameSet(t, "members", members(t, s, "g1"), want)
	for _, id := range want {
		sameSet(t, id+" groups", get(t, s, directory.KindUser, id).Groups, []string{"g1"})
	}
}

// marks is the Doc of testUpdateRace's record: who has written it.
type marks struct {
	Marks []int `json:"marks"`
}

func testUpdateRace(t *testing.T, s directory.Store) {
	rec := NewGroup("g1", "Sales")
	rec.Doc = mustJSON(marks{})
	create(t, s, rec)

	const n = 16
	for i, err := range race(n, func(i int) error { return markRetrying(t, s, i) }) {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	got := get(t, s, directory.KindGroup, "g1")
	if got.Version != 1+n {
		t.Errorf("got version %d, want %d", got.Version, 1+n)
	}
	var m marks
	if err := json.Unmarshal(got.Doc, &m); err != nil {
		t.Fatalf("decode Doc %q: %v", got.Doc, err)
	}
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	if slices.Sort(m.Marks); !slices.Equal(m.Marks, want) {
		t.Errorf("got marks %v, want %v: a write was lost", m.Marks, want)
	}
}

// markRetrying adds mark i to g1's Doc with a read-modify-write, retrying
// when another writer got there first, as the service does for PATCH.
func markRetrying(t *testing.T, s directory.Store, i int) error {
	for attempt := 0; ; attempt++ {
		rec, err := s.Get(t.Context(), directory.KindGroup, "g1")
		if err != nil {
			return err
		}
		var m marks
		if err := json.Unmarshal(rec.Doc, &m); err != nil {
			return fmt.Errorf("decode Doc %q: %w", rec.Doc, err)
		}
		m.Marks = append(m.Marks, i)
		prev := rec.Version
		rec.Version, rec.Doc = prev+1, mustJSON(m)
		err = s.Update(t.Context(), rec, prev)
		if !errors.Is(err, directory.ErrVersion) {
			return err
		}
		if attempt > 100 {
			return fmt.Errorf("still conflicting after %d attempts: %w", attempt, err)
		}
	}
}
