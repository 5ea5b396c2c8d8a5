package pebblestore

import (
	"context"

	"github.com/cockroachdb/pebble/v2"
)

// AddMembers makes users members of a group, in both directions, in one
// batch. Existing memberships stay as they are; neither the group nor the
// users are checked to exist.
func (s *Store) AddMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrapf(&err, "add members to group %q", groupID)
	return s.link(ctx, groupID, userIDs, func(b *pebble.Batch, k []byte) error { return b.Set(k, nil, nil) })
}

// RemoveMembers removes memberships of a group in one batch; absent ones
// are ignored.
func (s *Store) RemoveMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrapf(&err, "remove members from group %q", groupID)
	return s.link(ctx, groupID, userIDs, func(b *pebble.Batch, k []byte) error { return b.Delete(k, nil) })
}

// link applies op to both directions of each membership of groupID and
// userIDs. It reads nothing: a membership is a key, whatever was there.
func (s *Store) link(ctx context.Context, groupID string, userIDs []string, op func(*pebble.Batch, []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(userIDs) == 0 {
		return nil
	}
	return s.write(func(b *pebble.Batch) error {
		for _, u := range userIDs {
			if err := op(b, tableMembers.key(pair(groupID, u))); err != nil {
				return err
			}
			if err := op(b, tableGroups.key(pair(u, groupID))); err != nil {
				return err
			}
		}
		return nil
	})
}

// Members returns the ids of a group's members in byte order; a group
// without members, or no group, has none.
func (s *Store) Members(ctx context.Context, groupID string) (ids []string, err error) {
	defer wrapf(&err, "members of group %q", groupID)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return partners(s.direct(), tableMembers, groupID)
}

// unlink removes every membership of id, where from is the table keyed
// by id first (a user's groups or a group's members) and to the other.
func unlink(r reader, b *pebble.Batch, from, to table, id string) error {
	ps, err := partners(r, from, id)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if err := b.Delete(from.key(pair(id, p)), nil); err != nil {
			return err
		}
		if err := b.Delete(to.key(pair(p, id)), nil); err != nil {
			return err
		}
	}
	return nil
}
