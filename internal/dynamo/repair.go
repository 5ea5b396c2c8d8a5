package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// ReleaseUnique deletes the uniqueness item u if it names owner, in one
// conditional DeleteItem; otherwise it fails with directory.ErrVersion.
func (s *Store) ReleaseUnique(ctx context.Context, u directory.Unique, owner string) (err error) {
	defer wrap(&err, "release %s %s", u.Kind, u.Key)
	_, err = s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 s.table,
		Key:                       uniqueKey(u.Kind, u.Key, u.Value),
		ConditionExpression:       aws.String("#id = :id"),
		ExpressionAttributeNames:  map[string]string{"#id": attrID},
		ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(owner)},
	})
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return fmt.Errorf("no longer names %q: %w", owner, directory.ErrVersion)
	}
	return err
}

// ClaimUnique writes the uniqueness item u naming record id in one
// transaction with a check that the record is at version, not being
// deleted and holds u's value (else directory.ErrVersion, or
// directory.ErrNotFound if it is gone). An item naming another record is a
// *directory.ConflictError.
func (s *Store) ClaimUnique(ctx context.Context, u directory.Unique, id string, version int64) (err error) {
	defer wrap(&err, "claim %s %s for %q", u.Kind, u.Key, id)
	return s.transact(ctx, []txWrite{s.holds(u.Kind, id, u.Key, u.Value, version), s.claim(u.Kind, id, u.Key, u.Value)})
}

// AddEntry writes the index entry e in one transaction with a check that
// its record is at version, not being deleted and holds e's value (else
// directory.ErrVersion, or directory.ErrNotFound if it is gone).
func (s *Store) AddEntry(ctx context.Context, e directory.Entry, version int64) (err error) {
	defer wrap(&err, "add %s %s entry of %q", e.Kind, e.Key, e.ID)
	return s.transact(ctx, []txWrite{s.holds(e.Kind, e.ID, e.Key, e.Value, version), s.putEntry(e)})
}

// holds checks, in a repair's transaction, that record id is at version,
// not being deleted and holds k = value: the repair writes an item of that
// value for it. It fails with directory.ErrNotFound if the record is gone
// and directory.ErrVersion otherwise.
func (s *Store) holds(kind directory.Kind, id string, k directory.Key, value string, version int64) txWrite {
	return txWrite{
		TransactWriteItem: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName:                           s.table,
			Key:                                 recordKey(kind, id),
			ConditionExpression:                 aws.String("#v = :v AND attribute_not_exists(#del) AND #k = :value"),
			ExpressionAttributeNames:            map[string]string{"#v": attrVer, "#del": attrDeleting, "#k": string(k)},
			ExpressionAttributeValues:           map[string]types.AttributeValue{":v": num(version), ":value": str(value)},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}},
		onFail: func(old item) error {
			if old == nil {
				return directory.ErrNotFound
			}
			return fmt.Errorf("record changed: %w", directory.ErrVersion)
		},
	}
}

// DropEntry deletes the index entry e in one transaction with a check that
// its record is gone or does not hold e's value; otherwise it fails with
// directory.ErrVersion. A record being deleted still holds its values: its
// delete removes its entries.
func (s *Store) DropEntry(ctx context.Context, e directory.Entry) (err error) {
	defer wrap(&err, "drop %s %s entry of %q", e.Kind, e.Key, e.ID)
	check := txWrite{
		TransactWriteItem: types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName:                 s.table,
			Key:                       recordKey(e.Kind, e.ID),
			ConditionExpression:       aws.String("attribute_not_exists(#pk) OR attribute_not_exists(#k) OR #k <> :value"),
			ExpressionAttributeNames:  map[string]string{"#pk": attrPK, "#k": string(e.Key)},
			ExpressionAttributeValues: map[string]types.AttributeValue{":value": str(e.Value)},
		}},
		onFail: func(item) error { return fmt.Errorf("record holds the value: %w", directory.ErrVersion) },
	}
	return s.transact(ctx, []txWrite{check, s.deleteEntry(e)})
}

// SetCounter sets kind's counter to n if it is expect (a missing counter is
// 0), in one conditional UpdateItem; otherwise it fails with
// directory.ErrVersion.
func (s *Store) SetCounter(ctx context.Context, kind directory.Kind, n, expect int64) (err error) {
	defer wrap(&err, "set the %s counter", kind)
	sum, err := s.sumCounter(ctx, kind)
	if err != nil {
		return err
	}
	if sum != expect {
		return fmt.Errorf("counter is %d, not %d: %w", sum, expect, directory.ErrVersion)
	}
	// Adding the difference to one shard, rather than setting a value,
	// keeps every concurrent create's and delete's own addition.
	_, err = s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       countKey(kind, 0),
		UpdateExpression:          aws.String("ADD #n :d"),
		ExpressionAttributeNames:  map[string]string{"#n": attrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(n - expect)},
	})
	return err
}
