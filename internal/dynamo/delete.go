package dynamo

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Delete removes a record, its unique keys and all its memberships, in
// 3 + ceil(m/25) requests for m memberships:
//
//  1. mark the record deleting (reads then treat it as gone, Update fails,
//     and its keys can no longer move), which also returns its keys;
//  2. read its membership keys: a user's from its partition, a group's from
//     the members index;
//  3. delete the memberships with BatchWriteItem, 25 per request;
//  4. delete the record, its uniqueness items and its index entries and
//     decrement the counter in one transaction.
//
// A delete interrupted after step 1 leaves a record marked deleting; calling
// Delete again (or the reconciler) finishes it. A missing record is
// directory.ErrNotFound, also for the loser of two concurrent deletes.
//
// A group's membership keys come from an eventually consistent index, so a
// membership written just before the delete can survive it on real
// DynamoDB; AddMembers does not check that the group exists either, and the
// reconciler removes such orphans.
func (s *Store) Delete(ctx context.Context, kind directory.Kind, id string) (err error) {
	defer wrap(&err, "delete %s %q", kind, id)
	marked, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       recordKey(kind, id),
		UpdateExpression:          aws.String("SET #del = :t"),
		ConditionExpression:       aws.String("attribute_exists(#pk)"),
		ExpressionAttributeNames:  map[string]string{"#del": attrDeleting, "#pk": attrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return directory.ErrNotFound
	}
	if err != nil {
		return err
	}

	memberships, err := s.memberships(ctx, kind, id)
	if err != nil {
		return err
	}
	deletes := make([]types.WriteRequest, len(memberships))
	for i, m := range memberships {
		deletes[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(getS(m, attrPK), getS(m, attrSK))}}
	}
	if err := s.batchWrite(ctx, deletes); err != nil {
		return err
	}

	record := txWrite{
		TransactWriteItem: types.TransactWriteItem{Delete: &types.Delete{
			TableName:                s.table,
			Key:                      recordKey(kind, id),
			ConditionExpression:      aws.String("attribute_exists(#pk)"),
			ExpressionAttributeNames: map[string]string{"#pk": attrPK},
		}},
		onFail: func(item) error { return directory.ErrNotFound },
	}
	var releases []txWrite
	held := map[directory.Key]bool{}
	for {
		releases = releases[:0]
		for _, k := range directory.UniqueKeys(kind) {
			if v := getS(marked.Attributes, string(k)); v != "" && !held[k] {
				releases = append(releases, s.release(kind, id, k, v))
			}
		}
		for _, k := range directory.EntryKeys(kind) {
			if v := getS(marked.Attributes, string(k)); v != "" {
				releases = append(releases, s.deleteEntry(directory.Entry{Kind: kind, Key: k, Value: v, ID: id}))
			}
		}
		err := s.transact(ctx, append(append([]txWrite{record}, releases...), s.count(kind, -1)))
		// A uniqueness item naming another record belongs to that record:
		// finish the delete without it, or it could never finish.
		var he *heldError
		if !errors.As(err, &he) || held[he.key] {
			return err
		}
		held[he.key] = true
	}
}

// memberships returns the keys of the membership items of a user (from its
// partition, consistently) or of a group (from the members index), with
// the member id (GSK) for groups.
func (s *Store) memberships(ctx context.Context, kind directory.Kind, id string) ([]item, error) {
	in := &dynamodb.QueryInput{TableName: s.table}
	if kind == directory.KindUser {
		in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :member)")
		in.ExpressionAttributeNames = map[string]string{"#pk": attrPK, "#sk": attrSK}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{
			":pk": str(pkUserPrefix + id), ":member": str(skMemberPrefix),
		}
		in.ProjectionExpression = aws.String("#pk, #sk")
		in.ConsistentRead = aws.Bool(true)
	} else {
		in.IndexName = aws.String(indexMembers)
		in.KeyConditionExpression = aws.String("#gpk = :gpk")
		in.ExpressionAttributeNames = map[string]string{"#gpk": attrGPK}
		in.ExpressionAttributeValues = map[string]types.AttributeValue{":gpk": str(pkGroupPrefix + id)}
	}
	var items []item
	for p := dynamodb.NewQueryPaginator(s.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		items = append(items, out.Items...)
	}
	return items, nil
}
