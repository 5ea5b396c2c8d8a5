package boltstore

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// AddMembers makes users members of a group, in both directions, in one
// transaction. Existing memberships stay as they are; neither the group nor
// the users are checked to exist.
func (s *Store) AddMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrapf(&err, "add members to group %q", groupID)
	return s.link(ctx, groupID, userIDs, func(b *bolt.Bucket, k []byte) error { return b.Put(k, nil) })
}

// RemoveMembers removes memberships of a group in one transaction; absent
// ones are ignored.
func (s *Store) RemoveMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrapf(&err, "remove members from group %q", groupID)
	return s.link(ctx, groupID, userIDs, (*bolt.Bucket).Delete)
}

// link applies op to both directions of each membership of groupID and
// userIDs.
func (s *Store) link(ctx context.Context, groupID string, userIDs []string, op func(*bolt.Bucket, []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(userIDs) == 0 {
		return nil
	}
	userIDs = slices.Clone(userIDs)
	return s.write(func(tx *bolt.Tx) error {
		members, groups := tx.Bucket(bucketMembers), tx.Bucket(bucketGroups)
		for _, u := range userIDs {
			if err := op(members, pair(groupID, u)); err != nil {
				return err
			}
			if err := op(groups, pair(u, groupID)); err != nil {
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
	err = s.db.View(func(tx *bolt.Tx) error {
		ids = partners(tx.Bucket(bucketMembers), groupID)
		return nil
	})
	return ids, err
}

// unlink removes every membership of id, where from is the bucket keyed
// by id first (a user's groups or a group's members) and to the other.
func unlink(from, to *bolt.Bucket, id string) error {
	// The partners are collected before deleting, because deleting under
	// a bbolt cursor can make it skip the next key.
	for _, p := range partners(from, id) {
		if err := from.Delete(pair(id, p)); err != nil {
			return err
		}
		if err := to.Delete(pair(p, id)); err != nil {
			return err
		}
	}
	return nil
}
