package events_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/events/eventstest"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
)

// brief is what a test expects of one event.
type brief struct {
	typ        events.Type
	version    int64
	attributes []string
	members    []string
}

func briefs(evs []events.Event) []brief {
	var out []brief
	for _, e := range evs {
		out = append(out, brief{e.Type, e.Version, e.Attributes, e.Members})
	}
	return out
}

func TestDerive(t *testing.T) {
	user := func(v int64, doc string) *directory.Record {
		return record(directory.KindUser, adeleID, v, int(v), doc)
	}
	group := func(v int64, doc string) *directory.Record {
		return record(directory.KindGroup, salesID, v, int(v), doc)
	}
	const manager = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
	for _, tc := range []struct {
		name   string
		change events.Change
		want   []brief
	}{
		{"a user created", events.Change{After: user(1, adeleDoc)}, []brief{{events.UserCreated, 1, nil, nil}}},
		{
			"a user's title, department and manager changed",
			events.Change{Before: user(1, adeleDoc), After: user(2, adeleMovedDoc)},
			[]brief{{events.UserUpdated, 2, []string{"title", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", manager}, nil}},
		},
		{
			"a user disabled",
			events.Change{Before: user(2, adeleMovedDoc), After: user(3, adeleDisabledDoc)},
			[]brief{{events.UserDeactivated, 3, nil, nil}},
		},
		{
			"a user disabled and moved in one change",
			events.Change{Before: user(1, adeleDoc), After: user(2, adeleDisabledDoc)},
			[]brief{
				{events.UserDeactivated, 2, nil, nil},
				{events.UserUpdated, 2, []string{"active", "title", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", manager}, nil},
			},
		},
		{
			"a user re-enabled",
			events.Change{Before: user(3, adeleDisabledDoc), After: user(4, adeleMovedDoc)},
			[]brief{{events.UserReactivated, 4, nil, nil}},
		},
		{
			"a user whose active flag was set where it was absent",
			events.Change{Before: user(1, `{"userName":"a"}`), After: user(2, `{"active":true,"userName":"a"}`)},
			[]brief{{events.UserUpdated, 2, []string{"active"}, nil}},
		},
		{
			"a user's extension attribute removed",
			events.Change{Before: user(2, adeleMovedDoc), After: user(3, strings.Replace(adeleMovedDoc, `,"manager":{"value":"`+meganID+`"}`, "", 1))},
			[]brief{{events.UserUpdated, 3, []string{manager}, nil}},
		},
		{
			"a user's new version without a visible change",
			events.Change{Before: user(1, adeleDoc), After: user(2, adeleDoc)},
			[]brief{{events.UserUpdated, 2, []string{}, nil}},
		},
		{
			"a user deleted",
			events.Change{Before: user(4, adeleMovedDoc), At: t0},
			[]brief{{events.UserDeleted, 5, nil, nil}},
		},
		{"a group created", events.Change{After: group(1, salesDoc)}, []brief{{events.GroupCreated, 1, nil, nil}}},
		{
			"a group created with members",
			events.Change{After: group(1, salesDoc), Members: directory.MemberChange{Added: []string{meganID, adeleID, meganID}}},
			[]brief{{events.GroupCreated, 1, nil, nil}, {events.GroupMembersAdded, 1, nil, []string{adeleID, meganID}}},
		},
		{
			"a group renamed",
			events.Change{Before: group(1, salesDoc), After: group(2, salesRenamedDoc)},
			[]brief{{events.GroupUpdated, 2, []string{"displayName"}, nil}},
		},
		{
			"members added and removed in one change",
			events.Change{Before: group(2, salesDoc), After: group(3, salesDoc), Members: directory.MemberChange{Added: []string{meganID}, Removed: []string{adeleID}}},
			[]brief{{events.GroupMembersAdded, 3, nil, []string{meganID}}, {events.GroupMembersRemoved, 3, nil, []string{adeleID}}},
		},
		{
			"a group's new version without a visible change",
			events.Change{Before: group(2, salesDoc), After: group(3, salesDoc)},
			[]brief{{events.GroupUpdated, 3, []string{}, nil}},
		},
		{
			"a group deleted",
			events.Change{Before: group(7, salesDoc), At: t0},
			[]brief{{events.GroupDeleted, 8, nil, nil}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := events.Derive(tc.change)
			if err != nil {
				t.Fatal(err)
			}
			if got := briefs(evs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			checkEvents(t, tc.change, evs)
		})
	}
}

// checkEvents checks what every event of a change must hold: the schema,
// its id, its identity and time, and its resource.
func checkEvents(t *testing.T, c events.Change, evs []events.Event) {
	t.Helper()
	v, err := eventstest.Load(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	rec := c.After
	if rec == nil {
		rec = c.Before
	}
	for _, e := range evs {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(b); err != nil {
			t.Errorf("%s does not validate: %v\n%s", e.Type, err, b)
		}
		if want := events.ID(rec.Kind, rec.ID, e.Version, e.Type); e.ID != want {
			t.Errorf("%s: id %s, want %s", e.Type, e.ID, want)
		}
		if e.ResourceType != rec.Kind || e.ResourceID != rec.ID {
			t.Errorf("%s: about %s %s, want %s %s", e.Type, e.ResourceType, e.ResourceID, rec.Kind, rec.ID)
		}
		wantTime := c.At
		if c.After != nil {
			wantTime = c.After.LastModified
		}
		if !e.Time.Equal(wantTime) {
			t.Errorf("%s: time %v, want %v", e.Type, e.Time, wantTime)
		}
		var again events.Event
		if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, e) {
			t.Errorf("%s: decoding its JSON gives %+v (%v), want %+v", e.Type, again, err, e)
		}
		if c.After == nil {
			continue
		}
		var res map[string]any
		if err := json.Unmarshal(e.Resource, &res); err != nil {
			t.Fatalf("%s: resource: %v", e.Type, err)
		}
		meta, _ := res["meta"].(map[string]any)
		if res["id"] != rec.ID || meta["version"] != codec.ETag(c.After.Version) {
			t.Errorf("%s: resource id %v at %v, want %s at %s", e.Type, res["id"], meta["version"], rec.ID, codec.ETag(c.After.Version))
		}
	}
}

func TestDeriveRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change events.Change
		want   string
	}{
		{"no record", events.Change{}, "without a record"},
		{
			"records of two resources",
			events.Change{Before: record(directory.KindUser, adeleID, 1, 0, adeleDoc), After: record(directory.KindUser, meganID, 2, 0, adeleDoc)},
			"a change from",
		},
		{"a document that is not an object", events.Change{After: record(directory.KindUser, adeleID, 1, 0, `[1]`)}, "not a JSON object"},
		{"a document that is not JSON", events.Change{Before: record(directory.KindGroup, salesID, 1, 0, `{"displayName":`)}, "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs, err := events.Derive(tc.change)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, %v; want an error about %q", typesOf(evs), err, tc.want)
			}
		})
	}
}

// TestDeriveOmitsAResourceTooLarge stores a user as large as the service
// allows: its event carries no resource, and says so.
func TestDeriveOmitsAResourceTooLarge(t *testing.T) {
	doc := `{"active":true,"nickName":"` + strings.Repeat("x", directory.MaxDocBytes-60) + `","userName":"big@contoso.com"}`
	c := events.Change{After: record(directory.KindUser, adeleID, 1, 0, doc)}
	evs, err := events.Derive(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Resource != nil || !evs[0].ResourceOmitted {
		t.Fatalf("got %+v, want one event without its resource", briefs(evs))
	}
	b, _ := json.Marshal(evs[0])
	if len(b) > events.MaxBytes {
		t.Errorf("the event is %d bytes, over %d", len(b), events.MaxBytes)
	}
	c.After.Doc = []byte(`{"userName":"small@contoso.com"}`)
	if evs, _ := events.Derive(c); len(evs) != 1 || evs[0].ResourceOmitted {
		t.Errorf("a small user's event omits its resource")
	}
}

// TestIDIsAUUIDv5 checks event ids against values computed independently
// (Python's uuid.uuid5 in the namespace docs/events.md gives).
func TestIDIsAUUIDv5(t *testing.T) {
	for _, tc := range []struct {
		kind    directory.Kind
		id      string
		version int64
		typ     events.Type
		want    string
	}{
		{directory.KindUser, adeleID, 3, events.UserDeactivated, "0a486d69-f57a-51e3-805b-2482352d2ce2"},
		{directory.KindGroup, salesID, 2, events.GroupMembersAdded, "a3a8623a-281f-5703-81de-ad0f13be7d54"},
	} {
		if got := events.ID(tc.kind, tc.id, tc.version, tc.typ); got != tc.want {
			t.Errorf("ID(%s, %s, %d, %s) = %s, want %s", tc.kind, tc.id, tc.version, tc.typ, got, tc.want)
		}
	}
}

// TestSchemaRefusesWrongEvents feeds the schema events that break its
// rules, so that it is known to catch them.
func TestSchemaRefusesWrongEvents(t *testing.T) {
	v, err := eventstest.Load(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := events.Derive(examples()[8].change) // Group Members Added
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(evs[0])
	if err := v.Validate(good); err != nil {
		t.Fatalf("the unchanged event does not validate: %v", err)
	}
	for _, tc := range []struct{ name, from, to string }{
		{"an unknown type", `"type":"Group Members Added"`, `"type":"Group Renamed"`},
		{"a user's field on a group", `"displayName":`, `"userName":`},
		{"no members", `"members":[`, `"others":[`},
		{"an id that is no UUIDv5", `"id":"`, `"id":"x`},
		{"a time without milliseconds", `.000Z"`, `Z"`},
		{"a version of 0", `"version":3`, `"version":0`},
		{"the group's members in the resource", `"resource":{`, `"resource":{"members":[],`},
		{"an unknown field", `"version":`, `"extra":1,"version":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			if bad == string(good) {
				t.Fatalf("%q is not in %s", tc.from, good)
			}
			if err := v.Validate([]byte(bad)); err == nil {
				t.Errorf("the schema accepts %s", bad)
			}
		})
	}
}

func TestValidatorRefusesUnknownKeywords(t *testing.T) {
	if _, err := eventstest.New([]byte(`{"type":"object","propertyNames":{"pattern":"^a"}}`)); err == nil {
		t.Error("a schema with propertyNames was accepted; the validator does not implement it")
	}
}
