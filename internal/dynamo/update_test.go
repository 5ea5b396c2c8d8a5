package dynamo_test

import (
	"errors"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// A stale update that also moves a unique key must fail on the version and
// claim nothing: the key move is a second request, made only after the
// first one's failed condition showed the version still matches.
func TestStaleUpdateMovingAKeyClaimsNothing(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()
	u := storetest.NewUser("u1", "alice")
	mustDo(t, "Create", s.Create(ctx, u))
	v2 := *u
	v2.Version = 2
	mustDo(t, "Update", s.Update(ctx, &v2, 1))

	stale := *u
	stale.Version, stale.Keys.UserName = 2, "alice2"
	if err := s.Update(ctx, &stale, 1); !errors.Is(err, directory.ErrVersion) {
		t.Errorf("stale Update moving userName: got %v, want %q", err, directory.ErrVersion)
	}
	mustLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", 1)
	mustDo(t, "Create with the userName the stale update wanted", s.Create(ctx, storetest.NewUser("u2", "alice2")))
}
