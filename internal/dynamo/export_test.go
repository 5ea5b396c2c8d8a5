package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// Seed writes the items of records and of group memberships straight with
// BatchWriteItem: no uniqueness items, no counter. Tests use it to build
// large directories quickly, because the emulator copies the whole table for
// every item of a transaction; the writes under test still go through the
// Store's methods.
func (s *Store) Seed(ctx context.Context, recs []*directory.Record, groupID string, memberIDs []string) error {
	var puts []types.WriteRequest
	for _, rec := range recs {
		puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: recordItem(rec)}})
	}
	for _, uid := range memberIDs {
		puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: memberItem(groupID, uid)}})
	}
	return s.batchWrite(ctx, puts)
}

// SeedLegacyExternalID leaves the stored record rec as a table written
// before issue 11 holds it: an externalId uniqueness item naming it, and no
// index entry.
func (s *Store) SeedLegacyExternalID(ctx context.Context, rec *directory.Record) error {
	e := directory.Entry{Kind: rec.Kind, Key: directory.KeyExternalID, Value: rec.Keys.ExternalID, ID: rec.ID}
	if _, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: s.table, Key: entryKey(e)}); err != nil {
		return err
	}
	it := uniqueKey(rec.Kind, directory.KeyExternalID, rec.Keys.ExternalID)
	it[attrID] = str(rec.ID)
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: s.table, Item: it})
	return err
}
