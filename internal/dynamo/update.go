package dynamo

import (
	"context"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Update replaces the record whose version is prev with rec.
//
// The store is not told the record's old keys, so it first tries the common
// case in one PutItem conditioned on the version and on the unique and
// entry keys being unchanged. If that condition fails, the item DynamoDB
// returns (ALL_OLD) says why without another read: gone or being deleted is
// directory.ErrNotFound, another version is directory.ErrVersion, and a
// moved key leads to one TransactWriteItems that writes the record and
// moves its uniqueness items and index entries (a unique key another record
// holds is a *directory.ConflictError).
func (s *Store) Update(ctx context.Context, rec *directory.Record, prev int64) (err error) {
	defer wrap(&err, "update %s %q", rec.Kind, rec.ID)
	names := map[string]string{"#v": attrVer, "#del": attrDeleting}
	values := map[string]types.AttributeValue{":prev": num(prev)}
	cond := "#v = :prev AND attribute_not_exists(#del)"
	for i, k := range keyedKeys(rec.Kind) {
		n, v := "#k"+strconv.Itoa(i), ":k"+strconv.Itoa(i)
		names[n] = string(k)
		if val := rec.Keys.Get(k); val != "" {
			cond += " AND " + n + " = " + v
			values[v] = str(val)
		} else {
			cond += " AND attribute_not_exists(" + n + ")"
		}
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           s.table,
		Item:                                recordItem(rec),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeNames:            names,
		ExpressionAttributeValues:           values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return err
	}
	if err := staleVersion(ccf.Item, prev); err != nil {
		return err
	}
	return s.moveKeys(ctx, rec, prev, ccf.Item)
}

// staleVersion returns the error for a record write conditioned on version
// prev, given the record as it was: nil if it is there at version prev.
func staleVersion(old item, prev int64) error {
	if old == nil {
		return directory.ErrNotFound
	}
	if _, ok := old[attrDeleting]; ok {
		return directory.ErrNotFound
	}
	if ver, err := getN(old, attrVer); err != nil || ver != prev {
		return directory.ErrVersion
	}
	return nil
}

// moveKeys writes rec over the record old (at version prev) and moves the
// uniqueness items and index entries of the keys that differ, in one
// transaction.
func (s *Store) moveKeys(ctx context.Context, rec *directory.Record, prev int64, old item) error {
	writes := []txWrite{{
		TransactWriteItem: types.TransactWriteItem{Put: &types.Put{
			TableName:                           s.table,
			Item:                                recordItem(rec),
			ConditionExpression:                 aws.String("#v = :prev AND attribute_not_exists(#del)"),
			ExpressionAttributeNames:            map[string]string{"#v": attrVer, "#del": attrDeleting},
			ExpressionAttributeValues:           map[string]types.AttributeValue{":prev": num(prev)},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}},
		onFail: func(old item) error {
			if err := staleVersion(old, prev); err != nil {
				return err
			}
			return directory.ErrVersion
		},
	}}
	for _, k := range directory.UniqueKeys(rec.Kind) {
		was, now := getS(old, string(k)), rec.Keys.Get(k)
		if was == now {
			continue
		}
		if was != "" {
			writes = append(writes, s.release(rec.Kind, rec.ID, k, was))
		}
		if now != "" {
			writes = append(writes, s.claim(rec.Kind, rec.ID, k, now))
		}
	}
	for _, k := range directory.EntryKeys(rec.Kind) {
		was, now := getS(old, string(k)), rec.Keys.Get(k)
		if was == now {
			continue
		}
		if was != "" {
			writes = append(writes, s.deleteEntry(directory.Entry{Kind: rec.Kind, Key: k, Value: was, ID: rec.ID}))
		}
		if now != "" {
			writes = append(writes, s.putEntry(directory.Entry{Kind: rec.Kind, Key: k, Value: now, ID: rec.ID}))
		}
	}
	return s.transact(ctx, writes)
}
