package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// AddMembers makes users members of group groupID: one membership item per
// user, put without a condition (an existing one is overwritten with the
// same content), in TransactWriteItems of up to 100, so ceil(k/100) requests
// for k users and no read. It checks neither the group nor the users.
func (s *Store) AddMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrap(&err, "add members to group %q", groupID)
	return s.writeMembers(ctx, userIDs, func(uid string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: s.table, Item: memberItem(groupID, uid)}}
	})
}

// RemoveMembers deletes the membership items of users in group groupID, in
// TransactWriteItems of up to 100, without reading; absent ones are ignored.
func (s *Store) RemoveMembers(ctx context.Context, groupID string, userIDs []string) (err error) {
	defer wrap(&err, "remove members from group %q", groupID)
	return s.writeMembers(ctx, userIDs, func(uid string) types.TransactWriteItem {
		return types.TransactWriteItem{Delete: &types.Delete{TableName: s.table, Key: memberKey(groupID, uid)}}
	})
}

// writeMembers writes one item per distinct user id, 100 per transaction (a
// transaction may not touch an item twice).
func (s *Store) writeMembers(ctx context.Context, userIDs []string, write func(uid string) types.TransactWriteItem) error {
	for _, chunk := range chunks(distinct(userIDs), maxTxItems) {
		writes := make([]txWrite, len(chunk))
		for i, uid := range chunk {
			writes[i] = txWrite{TransactWriteItem: write(uid)}
		}
		if err := s.transact(ctx, writes); err != nil {
			return err
		}
	}
	return nil
}

// Members returns the ids of a group's members, in id order, from the
// members index: ceil(n/1000) Queries or fewer for n members (a page holds
// up to 1 MB of keys). The index is eventually consistent, so on real
// DynamoDB a change made a moment ago can be missing.
func (s *Store) Members(ctx context.Context, groupID string) (ids []string, err error) {
	defer wrap(&err, "members of group %q", groupID)
	items, err := s.memberships(ctx, directory.KindGroup, groupID)
	if err != nil {
		return nil, err
	}
	ids = make([]string, len(items))
	for i, it := range items {
		ids[i] = getS(it, attrGSK)
	}
	return ids, nil
}

// MissingUsers returns those of ids that are not stored users (or are being
// deleted), each once, in the order given: ceil(k/100) BatchGetItem requests
// for k ids, projecting only the key.
func (s *Store) MissingUsers(ctx context.Context, ids []string) (missing []string, err error) {
	defer wrap(&err, "check %d users exist", len(ids))
	ids = distinct(ids)
	keys := make([]item, len(ids))
	for i, id := range ids {
		keys[i] = recordKey(directory.KindUser, id)
	}
	items, err := s.batchGet(ctx, keys, attrPK, attrDeleting)
	if err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(items))
	for _, it := range items {
		if _, deleting := it[attrDeleting]; !deleting {
			found[getS(it, attrPK)] = true
		}
	}
	for _, id := range ids {
		if !found[pkUserPrefix+id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// distinct returns ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
