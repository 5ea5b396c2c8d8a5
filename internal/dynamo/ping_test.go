package dynamo_test

import (
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
)

func TestPingReadsOnce(t *testing.T) {
	s, counter := newStore(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := counter.Counts(); counter.Total() != 1 || got["GetItem"] != 1 {
		t.Errorf("a ping cost %v, want one GetItem", got)
	}
	client, _, _ := newTable(t)
	if err := dynamo.New(client, "no-such-table").Ping(t.Context()); err == nil {
		t.Error("a ping of a missing table succeeded")
	}
}
