package dynamo_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

func TestListPagingContinuesWhereThePreviousPageEnded(t *testing.T) {
	client, table, counter := newTable(t)
	s := dynamo.New(client, table)
	const n, page = 1200, 100
	users := make([]*directory.Record, n)
	want := make([]string, n)
	for i := range users {
		want[i] = fmt.Sprintf("u%08d", i)
		users[i] = storetest.NewUser(want[i], want[i])
	}
	mustDo(t, "Seed", s.Seed(t.Context(), users, "", nil))

	listPage := func(s *dynamo.Store, start int) {
		t.Helper()
		counter.Reset()
		recs, _, err := s.List(t.Context(), directory.KindUser, directory.ListOptions{StartIndex: start, Count: page})
		if err != nil {
			t.Fatalf("List(%d): %v", start, err)
		}
		var got []string
		for _, rec := range recs {
			got = append(got, rec.ID)
		}
		if w := want[start-1 : min(start-1+page, n)]; !slices.Equal(got, w) {
			t.Fatalf("List(%d): got ids %q…, want %q…", start, got[:min(len(got), 3)], w[:min(len(w), 3)])
		}
	}

	// Paging in order: every page is one Query of the counter's shards,
	// one Query continuing after the previous page, and one BatchGetItem.
	for start := 1; start <= n; start += page {
		listPage(s, start)
		if got := counter.Counts(); got["Query"] != 2 || counter.Total() != 3 {
			t.Errorf("page at %d: got requests %v, want two Queries and BatchGetItem once", start, got)
		}
	}

	// A Store that has not served the earlier pages skips their keys, 1000
	// per Query.
	listPage(dynamo.New(client, table), 1101)
	if got := counter.Counts()["Query"]; got != 3 {
		t.Errorf("page at 1101 without a cursor: got %d Queries, want 3 (counter, two pages of keys)", got)
	}
}
