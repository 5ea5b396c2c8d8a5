package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Get returns a copy of a record, a user with its groups. It fails with
// directory.ErrNotFound.
func (s *Store) Get(_ context.Context, kind directory.Kind, id string) (*directory.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	kd, err := s.kind(kind)
	if err != nil {
		return nil, err
	}
	rec, ok := kd.records[id]
	if !ok {
		return nil, fmt.Errorf("memstore: get %s %q: %w", kind, id, directory.ErrNotFound)
	}
	return s.load(rec, true), nil
}

// load returns the caller's copy of a stored record, with a user's groups
// when withGroups is set.
func (s *Store) load(rec *directory.Record, withGroups bool) *directory.Record {
	c := *rec
	c.Doc = slices.Clone(rec.Doc)
	if withGroups && rec.Kind == directory.KindUser {
		c.Groups = sorted(s.groups[rec.ID])
	}
	return &c
}

// Lookup returns the records of kind whose key equals value, users with
// their groups; none for an empty value.
func (s *Store) Lookup(_ context.Context, kind directory.Kind, key directory.Key, value string) ([]*directory.Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	kd, err := s.kind(kind)
	if err != nil {
		return nil, err
	}
	if value == "" {
		return nil, nil
	}
	var ids []string
	switch {
	case directory.IsUnique(kind, key):
		if id, ok := kd.unique[uniqueKey{key, value}]; ok {
			ids = []string{id}
		}
	case slices.Contains(kd.sharedKeys, key):
		ids = sorted(kd.shared[uniqueKey{key, value}])
	case key == directory.KeyUserName, key == directory.KeyDisplayName:
		// Not a key of this kind: no record holds it.
	default:
		return nil, fmt.Errorf("memstore: lookup: unknown key %q", key)
	}
	recs := make([]*directory.Record, 0, len(ids))
	for _, id := range ids {
		recs = append(recs, s.load(kd.records[id], true))
	}
	return recs, nil
}

// List returns a page of the kind's records in id order and the kind's
// total.
func (s *Store) List(_ context.Context, kind directory.Kind, opts directory.ListOptions) ([]*directory.Record, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	kd, err := s.kind(kind)
	if err != nil {
		return nil, 0, err
	}
	start := max(opts.StartIndex, 1) - 1
	if opts.Count <= 0 || start >= len(kd.ids) {
		return nil, len(kd.ids), nil
	}
	page := kd.ids[start:min(len(kd.ids), start+opts.Count)]
	recs := make([]*directory.Record, len(page))
	for i, id := range page {
		recs[i] = s.load(kd.records[id], opts.WithGroups)
	}
	return recs, len(kd.ids), nil
}

// MissingUsers returns those of ids that are not stored users, in order.
func (s *Store) MissingUsers(_ context.Context, ids []string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var missing []string
	for _, id := range ids {
		if _, ok := s.kinds[directory.KindUser].records[id]; !ok {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// AddMembers makes users members of a group; neither is checked to exist.
func (s *Store) AddMembers(_ context.Context, groupID string, userIDs []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range userIDs {
		link(s.members, groupID, u)
		link(s.groups, u, groupID)
	}
	return nil
}

// RemoveMembers removes memberships; absent ones are ignored.
func (s *Store) RemoveMembers(_ context.Context, groupID string, userIDs []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range userIDs {
		delete(s.members[groupID], u)
		delete(s.groups[u], groupID)
	}
	return nil
}

// Members returns a group's members in byte order.
func (s *Store) Members(_ context.Context, groupID string) ([]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sorted(s.members[groupID]), nil
}

func link(m map[string]set, a, b string) {
	if m[a] == nil {
		m[a] = set{}
	}
	m[a][b] = struct{}{}
}

// sorted returns a set's elements in byte order, nil for none.
func sorted(s set) []string {
	if len(s) == 0 {
		return nil
	}
	out := make([]string, 0, len(s))
	for x := range s {
		out = append(out, x)
	}
	slices.Sort(out)
	return out
}
