package events_test

import (
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/events"
)

// The resources of the examples: Adele Vance, her manager Megan Bowen and
// the group Sales, with the ids events/ and the Lambda tests use.
const (
	adeleID = "0190a1b2-0000-7000-8000-000000000001"
	meganID = "0190a1b2-0000-7000-8000-000000000002"
	salesID = "0190a1b2-0000-7000-8000-000000000101"
)

// t0 is when the examples' first change happened.
var t0 = time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)

// record returns the stored record kind/id at version, changed last at
// t0 plus minutes.
func record(kind directory.Kind, id string, version int64, minutes int, doc string) *directory.Record {
	return &directory.Record{
		Kind: kind, ID: id, Version: version,
		Created: t0, LastModified: t0.Add(time.Duration(minutes) * time.Minute),
		Doc: []byte(doc),
	}
}

// Adele's stored documents, as the service keeps them (canonical JSON).
const (
	adeleDoc = `{"active":true,"displayName":"Adele Vance","emails":[{"primary":true,"type":"work","value":"adele.vance@contoso.com"}],` +
		`"externalId":"adele.vance","name":{"familyName":"Vance","givenName":"Adele"},"title":"Retail Manager","userName":"adele.vance@contoso.com",` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Retail"}}`
	adeleMovedDoc = `{"active":true,"displayName":"Adele Vance","emails":[{"primary":true,"type":"work","value":"adele.vance@contoso.com"}],` +
		`"externalId":"adele.vance","name":{"familyName":"Vance","givenName":"Adele"},"title":"Regional Manager","userName":"adele.vance@contoso.com",` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"` + meganID + `"}}}`
	adeleDisabledDoc = `{"active":false,"displayName":"Adele Vance","emails":[{"primary":true,"type":"work","value":"adele.vance@contoso.com"}],` +
		`"externalId":"adele.vance","name":{"familyName":"Vance","givenName":"Adele"},"title":"Regional Manager","userName":"adele.vance@contoso.com",` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"` + meganID + `"}}}`
	salesDoc        = `{"displayName":"Sales","externalId":"5e2b7c1d-3f4a-4b8e-9d6c-1a2b3c4d5e6f"}`
	salesRenamedDoc = `{"displayName":"Sales EMEA","externalId":"5e2b7c1d-3f4a-4b8e-9d6c-1a2b3c4d5e6f"}`
)

// example is one change of the examples in docs/events.md and the event
// type it is the example of.
type example struct {
	typ    events.Type
	change events.Change
}

// examples are a user's and a group's lives, one change per event type, in
// the order of events.Types.
func examples() []example {
	user := func(v int64, minutes int, doc string) *directory.Record {
		return record(directory.KindUser, adeleID, v, minutes, doc)
	}
	group := func(v int64, minutes int, doc string) *directory.Record {
		return record(directory.KindGroup, salesID, v, minutes, doc)
	}
	return []example{
		{events.UserCreated, events.Change{After: user(1, 0, adeleDoc)}},
		{events.UserUpdated, events.Change{Before: user(1, 0, adeleDoc), After: user(2, 5, adeleMovedDoc)}},
		{events.UserDeactivated, events.Change{Before: user(2, 5, adeleMovedDoc), After: user(3, 40, adeleDisabledDoc)}},
		{events.UserReactivated, events.Change{Before: user(3, 40, adeleDisabledDoc), After: user(4, 80, adeleMovedDoc)}},
		{events.UserDeleted, events.Change{Before: user(4, 80, adeleMovedDoc), At: t0.Add(30 * 24 * time.Hour)}},
		{events.GroupCreated, events.Change{After: group(1, 1, salesDoc)}},
		{events.GroupUpdated, events.Change{Before: group(1, 1, salesDoc), After: group(2, 6, salesRenamedDoc)}},
		{events.GroupDeleted, events.Change{Before: group(4, 9, salesRenamedDoc), At: t0.Add(2 * time.Hour)}},
		{events.GroupMembersAdded, events.Change{
			Before: group(2, 6, salesRenamedDoc), After: group(3, 7, salesRenamedDoc),
			Members: directory.MemberChange{Added: []string{meganID, adeleID}},
		}},
		{events.GroupMembersRemoved, events.Change{
			Before: group(3, 7, salesRenamedDoc), After: group(4, 9, salesRenamedDoc),
			Members: directory.MemberChange{Removed: []string{meganID}},
		}},
	}
}
