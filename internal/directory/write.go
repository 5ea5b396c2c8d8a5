package directory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// Create creates a user or group from a client's body (RFC 7644 §3.3). A
// group's members must be existing users. Returns a 400 *scim.Error for an
// invalid body or unknown members and a 409 (uniqueness) when a user's
// userName or a group's displayName is taken (directory.UniqueKeys).
func (s *Service) Create(ctx context.Context, rt *scim.ResourceType, body map[string]any) (*Resource, error) {
	attrs, members, err := s.decodeBody(ctx, rt, body)
	if err != nil {
		return nil, err
	}
	if rt == scim.Users {
		if _, ok := attrs["active"]; !ok {
			attrs["active"] = true
		}
	}
	rec, err := record(rt, s.newID(), attrs)
	if err != nil {
		return nil, err
	}
	rec.Version = 1
	rec.Created = s.nowMilli()
	rec.LastModified = rec.Created
	if err := s.store.Create(ctx, rec); err != nil {
		return nil, wrap("create", rt, rec.ID, scimError(rt, rec.ID, attrs, err))
	}
	if len(members) > 0 {
		if err := s.store.AddMembers(ctx, rec.ID, members); err != nil {
			return nil, wrap("add members to", rt, rec.ID, err)
		}
		v, err := s.recordMembers(ctx, rec.Kind, rec.ID, rec.LastModified, MemberChange{Added: members})
		if err != nil {
			return nil, wrap("touch", rt, rec.ID, scimError(rt, rec.ID, nil, err))
		}
		rec.Version = v
	}
	return resource(rt, rec, members)
}

// recordMembers bumps the version of group id for each part of at most
// MaxChangeMembers ids of change, which that version records, after the
// memberships were written: a change event is published only for a change
// that committed. It returns the last version.
func (s *Service) recordMembers(ctx context.Context, kind Kind, id string, at time.Time, change MemberChange) (int64, error) {
	var v int64
	for len(change.Added)+len(change.Removed) > 0 {
		var part MemberChange
		n := min(len(change.Added), MaxChangeMembers)
		part.Added, change.Added = change.Added[:n], change.Added[n:]
		n = min(len(change.Removed), MaxChangeMembers-n)
		part.Removed, change.Removed = change.Removed[:n], change.Removed[n:]
		var err error
		if v, err = s.store.Touch(ctx, kind, id, at, part); err != nil {
			return 0, err
		}
	}
	return v, nil
}

// decodeBody normalises a POST or PUT body and takes a group's members out
// of it, after checking that each is an existing user.
func (s *Service) decodeBody(ctx context.Context, rt *scim.ResourceType, body map[string]any) (map[string]any, []string, error) {
	attrs, err := rt.Normalize(body)
	if err != nil {
		return nil, nil, err
	}
	members, err := s.takeMembers(ctx, rt, attrs)
	return attrs, members, err
}

// takeMembers removes a group body's members from attrs and returns their
// ids, after checking that each is an existing user.
func (s *Service) takeMembers(ctx context.Context, rt *scim.ResourceType, attrs map[string]any) ([]string, error) {
	if rt != scim.Groups {
		return nil, nil
	}
	list, _ := attrs["members"].([]any)
	delete(attrs, "members")
	var ids []string
	seen := map[string]bool{}
	for _, m := range list {
		v, _ := m.(map[string]any)["value"].(string)
		if v == "" {
			return nil, scim.BadRequest(scim.InvalidValue, "every member needs a value: the id of a user")
		}
		if !seen[v] {
			seen[v] = true
			ids = append(ids, v)
		}
	}
	return ids, s.checkUsers(ctx, ids)
}

func (s *Service) checkUsers(ctx context.Context, ids []string) error {
	var missing, stored []string
	for _, id := range ids {
		if storable(id) {
			stored = append(stored, id)
		} else {
			missing = append(missing, id)
		}
	}
	if len(stored) > 0 {
		m, err := s.store.MissingUsers(ctx, stored)
		if err != nil {
			return fmt.Errorf("directory: check members: %w", err)
		}
		missing = append(missing, m...)
	}
	if len(missing) > 0 {
		return missingMembers(missing)
	}
	return nil
}

// Replace replaces a resource's attributes (PUT, RFC 7644 §3.5.1); read-only
// attributes are kept, and a group's members become exactly those given,
// which the result holds, as Create's does. ifMatch, when set, must match
// the current version (else 412).
func (s *Service) Replace(ctx context.Context, rt *scim.ResourceType, id string, body map[string]any, ifMatch string) (*Resource, error) {
	attrs, members, err := s.decodeBody(ctx, rt, body)
	if err != nil {
		return nil, err
	}
	change := patch.Members{Replace: rt == scim.Groups, Add: members}
	return s.update(ctx, rt, id, ifMatch, false, func(map[string]any) (map[string]any, patch.Members, error) {
		return attrs, change, nil
	})
}

// Patch applies PATCH operations (RFC 7644 §3.5.2) all-or-nothing. A lost
// version race is retried by re-reading and re-applying. withMembers asks for
// a group's members in the result. Returns 400 *scim.Error for operations
// that do not apply, 404 for a missing resource, 409 for a taken unique key.
func (s *Service) Patch(ctx context.Context, rt *scim.ResourceType, id string, ops []patch.Op, ifMatch string, withMembers bool) (*Resource, error) {
	return s.update(ctx, rt, id, ifMatch, withMembers, func(attrs map[string]any) (map[string]any, patch.Members, error) {
		m, err := patch.Apply(rt, attrs, ops)
		return attrs, m, err
	})
}

// change computes a resource's new attributes and member changes from its
// current attributes.
type change func(attrs map[string]any) (map[string]any, patch.Members, error)

func (s *Service) update(ctx context.Context, rt *scim.ResourceType, id, ifMatch string, withMembers bool, apply change) (*Resource, error) {
	kind := kindOf(rt)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			// Spread the re-reads of writers that lost the same race, so
			// they do not collide again.
			if err := backoff(ctx, attempt); err != nil {
				return nil, err
			}
		}
		cur, err := s.store.Get(ctx, kind, id)
		if err != nil {
			return nil, wrap("read", rt, id, scimError(rt, id, nil, err))
		}
		if ifMatch != "" && !MatchesETag(ifMatch, cur.Version) {
			return nil, preconditionFailed(rt, id)
		}
		attrs, err := attrsOf(cur)
		if err != nil {
			return nil, err
		}
		attrs, members, err := apply(attrs)
		if err != nil {
			return nil, err
		}
		next, err := record(rt, id, attrs)
		if err != nil {
			return nil, err
		}
		next.Version, next.Created, next.LastModified, next.Groups = cur.Version+1, cur.Created, s.nowMilli(), cur.Groups
		if err := s.checkUsers(ctx, members.Add); err != nil {
			return nil, err
		}
		docChanged := string(next.Doc) != string(cur.Doc)
		if docChanged {
			err := s.store.Update(ctx, next, cur.Version)
			if errors.Is(err, ErrVersion) {
				continue
			}
			if err != nil {
				return nil, wrap("update", rt, id, scimError(rt, id, attrs, err))
			}
		}
		change, err := s.applyMembers(ctx, id, members)
		if err != nil {
			return nil, wrap("change members of", rt, id, err)
		}
		switch {
		case len(change.Added)+len(change.Removed) > 0:
			// Also after a document change: the member change gets a
			// version of its own, which records it.
			v, err := s.recordMembers(ctx, kind, id, next.LastModified, change)
			if err != nil {
				return nil, wrap("touch", rt, id, scimError(rt, id, nil, err))
			}
			next.Version = v
		case !docChanged:
			next = cur
		}
		var list []string
		switch {
		case kind != KindGroup:
		case members.Replace:
			// A replace leaves exactly the members given, so the
			// answer has them without a read (RFC 7644 §3.5.1).
			list = members.Add
		case withMembers:
			if list, err = s.store.Members(ctx, id); err != nil {
				return nil, wrap("read members of", rt, id, err)
			}
		}
		return resource(rt, next, list)
	}
	return nil, busy(rt, id)
}

// applyMembers writes a group's member changes as membership items, never
// rewriting the member list: only a full replace reads the current members.
// It returns the ids it added and removed. Without that read, an id added
// may have been a member already and one removed may have been none:
// membership is a set, and the change says what it is now.
func (s *Service) applyMembers(ctx context.Context, groupID string, m patch.Members) (MemberChange, error) {
	// An id no store can hold is no member: removing it is a no-op.
	add, remove := m.Add, slices.DeleteFunc(slices.Clone(m.Remove), func(id string) bool { return !storable(id) })
	if m.Replace {
		cur, err := s.store.Members(ctx, groupID)
		if err != nil {
			return MemberChange{}, err
		}
		add, remove = difference(m.Add, cur), difference(cur, m.Add)
	}
	if len(add) > 0 {
		if err := s.store.AddMembers(ctx, groupID, add); err != nil {
			return MemberChange{}, err
		}
	}
	if len(remove) > 0 {
		if err := s.store.RemoveMembers(ctx, groupID, remove); err != nil {
			return MemberChange{}, err
		}
	}
	return MemberChange{Added: add, Removed: remove}, nil
}

// difference returns the elements of a not in b.
func difference(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// Delete deletes a resource and its memberships (RFC 7644 §3.6). Returns a
// 404 *scim.Error when it does not exist, 412 when ifMatch does not hold.
func (s *Service) Delete(ctx context.Context, rt *scim.ResourceType, id string, ifMatch string) error {
	kind := kindOf(rt)
	if ifMatch != "" {
		cur, err := s.store.Get(ctx, kind, id)
		if err != nil {
			return wrap("read", rt, id, scimError(rt, id, nil, err))
		}
		if !MatchesETag(ifMatch, cur.Version) {
			return preconditionFailed(rt, id)
		}
	}
	if err := s.store.Delete(ctx, kind, id); err != nil {
		return wrap("delete", rt, id, scimError(rt, id, nil, err))
	}
	return nil
}

// backoff waits a random time below attempt × 10 ms, or until ctx ends.
func backoff(ctx context.Context, attempt int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(rand.N(time.Duration(attempt) * 10 * time.Millisecond)):
		return nil
	}
}
