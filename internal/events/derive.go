package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/scim"
)

// Change is one committed change of a user or group, as its store knows it.
type Change struct {
	// Before and After are the record before and after the change: Before
	// is nil for a create, After for a delete. Their Groups are ignored.
	Before, After *directory.Record
	// Members is what the change did to a group's members (the
	// directory.MemberChange its version recorded).
	Members directory.MemberChange
	// At is when a delete happened; other changes happened at
	// After.LastModified.
	At time.Time
}

// Derive returns the events of c, in the order a consumer should apply
// them; they share c's version, so each has its own type:
//
//   - a create is User Created or Group Created;
//   - a delete is User Deleted or Group Deleted, at the last version plus
//     one;
//   - a user whose active flag changed is User Deactivated or User
//     Reactivated, and User Updated as well if other attributes changed;
//   - a group whose attributes changed is Group Updated, and Group Members
//     Added and Group Members Removed list the members c added and removed;
//   - any other new version is User Updated or Group Updated, listing the
//     attributes that changed (none, if only the version moved), so that
//     every version yields an event.
//
// It fails when c has no record, its records are of different resources, a
// document is not a JSON object, or an event would be longer than MaxBytes
// even without its resource.
func Derive(c Change) (evs []Event, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("events: %w", err)
		}
	}()
	switch {
	case c.Before == nil && c.After == nil:
		return nil, errors.New("a change without a record")
	case c.Before != nil && c.After != nil && (c.Before.Kind != c.After.Kind || c.Before.ID != c.After.ID):
		return nil, fmt.Errorf("a change from %s %q to %s %q", c.Before.Kind, c.Before.ID, c.After.Kind, c.After.ID)
	case c.After == nil:
		before, err := attributes(c.Before)
		if err != nil {
			return nil, err
		}
		e := identity(c.Before, before, c.Before.Version+1, c.At)
		e.setType(deleted(c.Before.Kind))
		return []Event{e}, nil
	}

	after, err := attributes(c.After)
	if err != nil {
		return nil, err
	}
	var types []Type
	var changed []string
	if c.Before == nil {
		types = append(types, created(c.After.Kind))
	} else {
		before, err := attributes(c.Before)
		if err != nil {
			return nil, err
		}
		changed = changedAttributes(before, after)
		if c.After.Kind == directory.KindUser {
			switch wasActive, isActive := active(before), active(after); {
			case wasActive && !isActive:
				types = append(types, UserDeactivated)
			case !wasActive && isActive:
				types = append(types, UserReactivated)
			}
		}
		// A user's active flag has events of its own.
		if slices.ContainsFunc(changed, func(a string) bool { return a != "active" || c.After.Kind != directory.KindUser }) {
			types = append(types, updated(c.After.Kind))
		}
	}
	if c.After.Kind == directory.KindGroup {
		if len(c.Members.Added) > 0 {
			types = append(types, GroupMembersAdded)
		}
		if len(c.Members.Removed) > 0 {
			types = append(types, GroupMembersRemoved)
		}
	}
	if len(types) == 0 {
		types = append(types, updated(c.After.Kind))
	}

	res, err := directory.ResourceOf(c.After)
	if err != nil {
		return nil, err
	}
	resource, err := json.Marshal(res.Attrs())
	if err != nil {
		return nil, fmt.Errorf("encode %s %q: %w", c.After.Kind, c.After.ID, err)
	}
	for _, t := range types {
		e := identity(c.After, after, c.After.Version, c.After.LastModified)
		e.setType(t)
		e.Resource = resource
		switch t {
		case UserUpdated, GroupUpdated:
			e.Attributes = append([]string{}, changed...)
		case GroupMembersAdded:
			e.Members = sortedIDs(c.Members.Added)
		case GroupMembersRemoved:
			e.Members = sortedIDs(c.Members.Removed)
		}
		if err := e.bound(); err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	return evs, nil
}

// identity returns an event about rec at version, without a type: its id
// fields from the attributes attrs of rec.
func identity(rec *directory.Record, attrs map[string]any, version int64, at time.Time) Event {
	e := Event{ResourceType: rec.Kind, ResourceID: rec.ID, Version: version, Time: at.UTC().Truncate(time.Millisecond)}
	e.ExternalID, _ = attrs["externalId"].(string)
	if rec.Kind == directory.KindGroup {
		e.DisplayName, _ = attrs["displayName"].(string)
	} else {
		e.UserName, _ = attrs["userName"].(string)
	}
	return e
}

// setType gives e its type and the id that goes with it.
func (e *Event) setType(t Type) {
	e.Type = t
	e.ID = ID(e.ResourceType, e.ResourceID, e.Version, t)
}

// bound drops e's resource if e would otherwise be longer than MaxBytes.
func (e *Event) bound() error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	if len(b) <= MaxBytes {
		return nil
	}
	e.Resource, e.ResourceOmitted = nil, true
	if b, err = json.Marshal(e); err != nil {
		return fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	if len(b) > MaxBytes {
		return fmt.Errorf("%s of %s %q is %d bytes long without the resource, over %d", e.Type, e.ResourceType, e.ResourceID, len(b), MaxBytes)
	}
	return nil
}

func created(k directory.Kind) Type { return pick(k, UserCreated, GroupCreated) }
func updated(k directory.Kind) Type { return pick(k, UserUpdated, GroupUpdated) }
func deleted(k directory.Kind) Type { return pick(k, UserDeleted, GroupDeleted) }

func pick(k directory.Kind, user, group Type) Type {
	if k == directory.KindGroup {
		return group
	}
	return user
}

// attributes decodes a record's document.
func attributes(rec *directory.Record) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(rec.Doc))
	dec.UseNumber()
	var attrs map[string]any
	if err := dec.Decode(&attrs); err != nil || attrs == nil {
		return nil, fmt.Errorf("decode %s %q: the stored document is not a JSON object", rec.Kind, rec.ID)
	}
	return attrs, nil
}

// active reports a user's active flag; without one a user is active, as the
// service creates it.
func active(attrs map[string]any) bool {
	v, ok := attrs["active"].(bool)
	return v || !ok
}

// changedAttributes returns the names of the attributes whose values differ
// between two documents, sorted: the attributes of an extension each by
// its full name (urn:…:name), all others by name.
func changedAttributes(before, after map[string]any) []string {
	var names []string
	for _, k := range unionKeys(before, after) {
		b, a := before[k], after[k]
		bm, bIsExt := b.(map[string]any)
		am, aIsExt := a.(map[string]any)
		if scim.IsURN(k) && (bIsExt || b == nil) && (aIsExt || a == nil) {
			for _, sub := range unionKeys(bm, am) {
				if !reflect.DeepEqual(bm[sub], am[sub]) {
					names = append(names, k+":"+sub)
				}
			}
			continue
		}
		if !reflect.DeepEqual(b, a) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

func unionKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// sortedIDs returns ids sorted and without repeats.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
