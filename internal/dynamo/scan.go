package dynamo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// scanSegments is how many parallel Scan segments the reconciler reads.
// The reconciler is the one reader of the whole table, off every request
// path; four segments keep a run of 100,000 items to seconds without
// competing much with Entra's traffic for the table's throughput.
const scanSegments = 4

// Segments returns the number of parallel Scan segments.
func (s *Store) Segments() int { return scanSegments }

// Scan reads up to limit items of one of the table's Scan segments with a
// strongly consistent Scan, from cursor on, and returns them as the
// reconciler sees them with the cursor to continue from ("" at the
// segment's end). Items that are not records, uniqueness items, index
// entries or memberships are directory.ItemOther. Scan is for the reconciler only: no
// request path scans the table.
func (s *Store) Scan(ctx context.Context, segment int, cursor string, limit int) (items []directory.Item, next string, err error) {
	defer wrap(&err, "scan segment %d", segment)
	in := &dynamodb.ScanInput{
		TableName:      s.table,
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(int32(limit)),
		Segment:        aws.Int32(int32(segment)),
		TotalSegments:  aws.Int32(scanSegments),
	}
	if cursor != "" {
		var k [2]string
		if err := json.Unmarshal([]byte(cursor), &k); err != nil {
			return nil, "", fmt.Errorf("bad cursor %q: %w", cursor, err)
		}
		in.ExclusiveStartKey = key(k[0], k[1])
	}
	out, err := s.client.Scan(ctx, in)
	if err != nil {
		return nil, "", err
	}
	items = make([]directory.Item, 0, len(out.Items))
	for _, it := range out.Items {
		item, err := scanned(it)
		if err != nil {
			return nil, "", err
		}
		items = append(items, item)
	}
	if out.LastEvaluatedKey != nil {
		b, _ := json.Marshal([2]string{getS(out.LastEvaluatedKey, attrPK), getS(out.LastEvaluatedKey, attrSK)})
		next = string(b)
	}
	return items, next, nil
}

// scanned returns what the reconciler sees of a table item.
func scanned(it item) (directory.Item, error) {
	pk, sk := getS(it, attrPK), getS(it, attrSK)
	switch {
	case sk == skRecord && (strings.HasPrefix(pk, pkUserPrefix) || strings.HasPrefix(pk, pkGroupPrefix)):
		kind := directory.KindUser
		if strings.HasPrefix(pk, pkGroupPrefix) {
			kind = directory.KindGroup
		}
		return recordOf(kind, it)
	case sk == skUnique || strings.HasPrefix(sk, skEntryPrefix):
		// UNIQUE#<kind>#<key>#<value>: the value may hold '#'.
		parts := strings.SplitN(pk, "#", 4)
		if len(parts) != 4 {
			return directory.Item{}, fmt.Errorf("malformed key item %q %q", pk, sk)
		}
		kind, k, value := directory.Kind(parts[1]), directory.Key(parts[2]), parts[3]
		if id, ok := strings.CutPrefix(sk, skEntryPrefix); ok {
			e := directory.Entry{Kind: kind, Key: k, Value: value, ID: id}
			return directory.Item{Type: directory.ItemEntry, Entry: e}, nil
		}
		u := directory.Unique{Kind: kind, Key: k, Value: value}
		return directory.Item{Type: directory.ItemUnique, Unique: u, Owner: getS(it, attrID)}, nil
	case strings.HasPrefix(sk, skMemberPrefix) && strings.HasPrefix(pk, pkUserPrefix):
		return directory.Item{
			Type:    directory.ItemMember,
			GroupID: strings.TrimPrefix(sk, skMemberPrefix),
			UserID:  strings.TrimPrefix(pk, pkUserPrefix),
		}, nil
	}
	return directory.Item{Type: directory.ItemOther}, nil
}

// recordOf decodes a record item, also one being deleted.
func recordOf(kind directory.Kind, it item) (directory.Item, error) {
	_, deleting := it[attrDeleting]
	rec, err := decodeFields(kind, it)
	if err != nil {
		return directory.Item{}, err
	}
	return directory.Item{Type: directory.ItemRecord, Record: rec, Deleting: deleting}, nil
}

// Records reads the records of refs, also those being deleted, with
// strongly consistent BatchGetItem requests of 100.
func (s *Store) Records(ctx context.Context, refs []directory.Ref) (out map[directory.Ref]directory.Item, err error) {
	defer wrap(&err, "read %d records", len(refs))
	keys := make([]item, len(refs))
	byPK := make(map[string]directory.Ref, len(refs))
	for i, ref := range refs {
		keys[i] = recordKey(ref.Kind, ref.ID)
		byPK[recordPK(ref.Kind, ref.ID)] = ref
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out = make(map[directory.Ref]directory.Item, len(items))
	for _, it := range items {
		ref := byPK[getS(it, attrPK)]
		if out[ref], err = recordOf(ref.Kind, it); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Owners reads the uniqueness items of keys with strongly consistent
// BatchGetItem requests of 100.
func (s *Store) Owners(ctx context.Context, keys []directory.Unique) (out map[directory.Unique]string, err error) {
	defer wrap(&err, "read %d uniqueness items", len(keys))
	ks := make([]item, len(keys))
	byPK := make(map[string]directory.Unique, len(keys))
	for i, u := range keys {
		ks[i] = uniqueKey(u.Kind, u.Key, u.Value)
		byPK[getS(ks[i], attrPK)] = u
	}
	items, err := s.batchGet(ctx, ks, attrPK, attrID)
	if err != nil {
		return nil, err
	}
	out = make(map[directory.Unique]string, len(items))
	for _, it := range items {
		out[byPK[getS(it, attrPK)]] = getS(it, attrID)
	}
	return out, nil
}

// Entries reads the index entries of entries with strongly consistent
// BatchGetItem requests of 100.
func (s *Store) Entries(ctx context.Context, entries []directory.Entry) (out map[directory.Entry]bool, err error) {
	defer wrap(&err, "read %d index entries", len(entries))
	ks := make([]item, len(entries))
	byKey := make(map[[2]string]directory.Entry, len(entries))
	for i, e := range entries {
		ks[i] = entryKey(e)
		byKey[[2]string{getS(ks[i], attrPK), getS(ks[i], attrSK)}] = e
	}
	items, err := s.batchGet(ctx, ks, attrPK, attrSK)
	if err != nil {
		return nil, err
	}
	out = make(map[directory.Entry]bool, len(items))
	for _, it := range items {
		out[byKey[[2]string{getS(it, attrPK), getS(it, attrSK)}]] = true
	}
	return out, nil
}

// Counter returns kind's counter as stored, negative if it drifted so.
func (s *Store) Counter(ctx context.Context, kind directory.Kind) (n int64, err error) {
	defer wrap(&err, "read the %s counter", kind)
	return s.sumCounter(ctx, kind)
}
