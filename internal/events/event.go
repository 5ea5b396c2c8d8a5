// Package events is the vocabulary of the bridge's change events: what
// happened to a user or group, derived from a committed change alone — the
// record before it, the record after it and the members it added or
// removed — so that the same change yields the same events, with the same
// ids and bodies, whichever store it was made on. The DynamoDB store's
// stream feeds it on AWS (dynamo.StreamChange), the embedded store's outbox
// locally. docs/events.md describes every event, and
// docs/events.schema.json is their JSON Schema.
//
// It imports only the standard library and the scim (with its codec) and
// directory vocabularies, and does no I/O.
package events

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// Type names what happened: EventBridge's detail-type of the event.
type Type string

// The event types (docs/events.md).
const (
	UserCreated         Type = "User Created"
	UserUpdated         Type = "User Updated"
	UserDeactivated     Type = "User Deactivated"
	UserReactivated     Type = "User Reactivated"
	UserDeleted         Type = "User Deleted"
	GroupCreated        Type = "Group Created"
	GroupUpdated        Type = "Group Updated"
	GroupDeleted        Type = "Group Deleted"
	GroupMembersAdded   Type = "Group Members Added"
	GroupMembersRemoved Type = "Group Members Removed"
)

// Types are all event types, in the order docs/events.md describes them.
var Types = []Type{
	UserCreated, UserUpdated, UserDeactivated, UserReactivated, UserDeleted,
	GroupCreated, GroupUpdated, GroupDeleted, GroupMembersAdded, GroupMembersRemoved,
}

// Source names the bridge as the producer of its events: EventBridge's
// source field.
const Source = "scim-bridge"

// MaxBytes bounds an event's JSON: an event whose resource would make it
// longer carries none (ResourceOmitted). EventBridge takes entries of up to
// 256 KiB counting the source and detail-type too
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html),
// and a webhook envelope needs room as well.
const MaxBytes = 250 << 10

// Event is one change event. Its JSON is the body docs/events.md shows: the
// detail of an EventBridge event, the data of a CloudEvent.
type Event struct {
	// ID is derived from the change itself (see ID): the same change has
	// the same id on either store and in every delivery of it.
	ID   string
	Type Type
	// ResourceType is the resource's kind, as SCIM's meta.resourceType
	// names it: "User" or "Group".
	ResourceType directory.Kind
	ResourceID   string
	// ExternalID, and UserName (users) or DisplayName (groups), identify
	// the resource as stored after the change (before it, for a delete).
	ExternalID  string
	UserName    string
	DisplayName string
	// Version is the resource's version after the change: meta.version
	// W/"n" is W/"Version". A delete counts as a change: its version is
	// the last stored one plus one.
	Version int64
	// Time is when the change happened: meta.lastModified after it, or
	// when the store recorded a delete.
	Time time.Time
	// Attributes names the attributes that changed (User Updated, Group
	// Updated; never nil for those): core attributes by name, extension
	// attributes by their full name (RFC 7644 §3.10), such as
	// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager".
	Attributes []string
	// Members are the ids of the members added or removed (Group Members
	// Added, Group Members Removed), sorted.
	Members []string
	// Resource is the resource's JSON as stored after the change, as a GET
	// returns it but without meta.location, a user's groups or a group's
	// members; none for a delete, or when ResourceOmitted.
	Resource json.RawMessage
	// ResourceOmitted is set when the resource would have made the event
	// longer than MaxBytes; GET the resource instead.
	ResourceOmitted bool
}

// wire is the JSON form of an Event.
type wire struct {
	ID              string          `json:"id"`
	Type            Type            `json:"type"`
	ResourceType    directory.Kind  `json:"resourceType"`
	ResourceID      string          `json:"resourceId"`
	ExternalID      string          `json:"externalId,omitempty"`
	UserName        string          `json:"userName,omitempty"`
	DisplayName     string          `json:"displayName,omitempty"`
	Version         int64           `json:"version"`
	Time            string          `json:"time"`
	Attributes      *[]string       `json:"attributes,omitempty"`
	Members         []string        `json:"members,omitempty"`
	Resource        json.RawMessage `json:"resource,omitempty"`
	ResourceOmitted bool            `json:"resourceOmitted,omitempty"`
}

// MarshalJSON encodes e as docs/events.md shows: time in UTC with
// milliseconds, attributes present exactly when e has them (also empty).
func (e Event) MarshalJSON() ([]byte, error) {
	w := wire{
		ID: e.ID, Type: e.Type, ResourceType: e.ResourceType, ResourceID: e.ResourceID,
		ExternalID: e.ExternalID, UserName: e.UserName, DisplayName: e.DisplayName,
		Version: e.Version, Time: e.Time.UTC().Format(codec.TimeLayout),
		Members: e.Members, Resource: e.Resource, ResourceOmitted: e.ResourceOmitted,
	}
	if e.Attributes != nil {
		w.Attributes = &e.Attributes
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes an event encoded by MarshalJSON.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("events: decode an event: %w", err)
	}
	at, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return fmt.Errorf("events: decode event %s: time: %w", w.ID, err)
	}
	*e = Event{
		ID: w.ID, Type: w.Type, ResourceType: w.ResourceType, ResourceID: w.ResourceID,
		ExternalID: w.ExternalID, UserName: w.UserName, DisplayName: w.DisplayName,
		Version: w.Version, Time: at, Members: w.Members, Resource: w.Resource, ResourceOmitted: w.ResourceOmitted,
	}
	if w.Attributes != nil {
		e.Attributes = *w.Attributes
	}
	return nil
}

// namespace is the UUID namespace of event ids, fixed for the bridge.
var namespace = [16]byte{0x21, 0x0c, 0xb8, 0xc2, 0xfd, 0xfc, 0x48, 0x54, 0x90, 0x2d, 0x0d, 0xe5, 0x17, 0x66, 0x1e, 0x5f}

// ID returns the id of the event of type t about version of the resource
// kind/id: the name-based UUID (version 5, RFC 9562 §5.5) of
// "<kind>/<id>/<version>/<type>" in the namespace
// 210cb8c2-fdfc-4854-902d-0de517661e5f. A consumer can compute it, and drop
// duplicates by it.
func ID(kind directory.Kind, id string, version int64, t Type) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(string(kind) + "/" + id + "/" + strconv.FormatInt(version, 10) + "/" + string(t)))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // the RFC's variant
	s := hex.EncodeToString(u[:])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
