package dynamo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Create stores a new record, claiming its unique keys, writing its index
// entries and counting it, in one transaction. A unique key that another
// record holds is a *directory.ConflictError; an id that is taken wraps
// directory.ErrConflict.
func (s *Store) Create(ctx context.Context, rec *directory.Record) (err error) {
	defer wrap(&err, "create %s %q", rec.Kind, rec.ID)
	writes := []txWrite{{
		TransactWriteItem: types.TransactWriteItem{Put: &types.Put{
			TableName:                s.table,
			Item:                     recordItem(rec),
			ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
			ExpressionAttributeNames: map[string]string{"#pk": attrPK},
		}},
		onFail: func(item) error { return fmt.Errorf("id is taken: %w", directory.ErrConflict) },
	}}
	for _, u := range directory.Uniques(rec) {
		writes = append(writes, s.claim(u.Kind, rec.ID, u.Key, u.Value))
	}
	for _, e := range directory.Entries(rec) {
		writes = append(writes, s.putEntry(e))
	}
	return s.transact(ctx, append(writes, s.count(rec.Kind, 1)))
}

// putEntry writes the index entry e. It needs no condition: the entry is
// its record's alone, and writing it twice changes nothing.
func (s *Store) putEntry(e directory.Entry) txWrite {
	return txWrite{TransactWriteItem: types.TransactWriteItem{Put: &types.Put{TableName: s.table, Item: entryItem(e)}}}
}

// deleteEntry deletes the index entry e, if it is there.
func (s *Store) deleteEntry(e directory.Entry) txWrite {
	return txWrite{TransactWriteItem: types.TransactWriteItem{Delete: &types.Delete{TableName: s.table, Key: entryKey(e)}}}
}

// claim writes the uniqueness item of key k = v for record id; it fails with
// a *directory.ConflictError if another record holds it.
func (s *Store) claim(kind directory.Kind, id string, k directory.Key, v string) txWrite {
	it := uniqueKey(kind, k, v)
	it[attrID] = str(id)
	return txWrite{
		TransactWriteItem: types.TransactWriteItem{Put: &types.Put{
			TableName:                 s.table,
			Item:                      it,
			ConditionExpression:       aws.String("attribute_not_exists(#pk) OR #id = :id"),
			ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#id": attrID},
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(id)},
		}},
		onFail: func(item) error { return &directory.ConflictError{Kind: kind, Key: k, Value: v} },
	}
}

// release deletes the uniqueness item of key k = v if record id holds it.
func (s *Store) release(kind directory.Kind, id string, k directory.Key, v string) txWrite {
	return txWrite{
		TransactWriteItem: types.TransactWriteItem{Delete: &types.Delete{
			TableName:                           s.table,
			Key:                                 uniqueKey(kind, k, v),
			ConditionExpression:                 aws.String("attribute_not_exists(#pk) OR #id = :id"),
			ExpressionAttributeNames:            map[string]string{"#pk": attrPK, "#id": attrID},
			ExpressionAttributeValues:           map[string]types.AttributeValue{":id": str(id)},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}},
		onFail: func(old item) error {
			return &heldError{kind: kind, key: k, value: v, holder: getS(old, attrID)}
		},
	}
}

// heldError says a uniqueness item to release names another record: damage
// that only the reconciler's repairs create or report.
type heldError struct {
	kind   directory.Kind
	key    directory.Key
	value  string
	holder string
}

func (e *heldError) Error() string {
	return fmt.Sprintf("%s %s %q is held by record %q, not by this one", e.kind, e.key, e.value, e.holder)
}

// count adds delta to one shard of the kind's counter.
func (s *Store) count(kind directory.Kind, delta int64) txWrite {
	return txWrite{TransactWriteItem: types.TransactWriteItem{Update: &types.Update{
		TableName:                 s.table,
		Key:                       countKey(kind, rand.IntN(counterShards)),
		UpdateExpression:          aws.String("ADD #n :d"),
		ExpressionAttributeNames:  map[string]string{"#n": attrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(delta)},
	}}}
}
