package storetest

import (
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// epoch is the time of the first fixture; every later one is a millisecond
// younger, so fixtures made in order are created in order, as the service's
// UUIDv7 ids and clock make them.
var (
	epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ticks atomic.Int64
)

func nextTime() time.Time {
	return epoch.Add(time.Duration(ticks.Add(1)) * time.Millisecond)
}

// NewUser returns a version-1 user record with the given id and userName,
// keyed by the folded userName as the service computes it, with a small
// canonical Doc and a Created time later than every earlier fixture's.
// Callers set ExternalID and Email on the returned record as they need.
func NewUser(id, userName string) *directory.Record {
	return newRecord(directory.KindUser, id, directory.Keys{UserName: scim.Fold(userName)},
		map[string]string{"userName": userName})
}

// NewGroup returns a version-1 group record with the given id and
// displayName, keyed by the folded displayName, like NewUser.
func NewGroup(id, displayName string) *directory.Record {
	return newRecord(directory.KindGroup, id, directory.Keys{DisplayName: scim.Fold(displayName)},
		map[string]string{"displayName": displayName})
}

func newRecord(kind directory.Kind, id string, keys directory.Keys, attrs map[string]string) *directory.Record {
	at := nextTime()
	return &directory.Record{
		Kind:         kind,
		ID:           id,
		Version:      1,
		Created:      at,
		LastModified: at,
		Keys:         keys,
		Doc:          mustJSON(attrs),
	}
}

// mustJSON marshals values that cannot fail to marshal (strings, ints and
// slices and maps of them).
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("storetest: marshal fixture: " + err.Error())
	}
	return b
}
