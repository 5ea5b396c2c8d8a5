package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/journal"
)

// Ping reads one small item's key (the mark of Entra's last request), in an
// eventually consistent GetItem: half a read capacity unit. It fails, with
// directory.ErrUnavailable when DynamoDB cannot answer now, when the table
// cannot be read at all (no table, no permission, no endpoint).
func (s *Store) Ping(ctx context.Context) (err error) {
	defer wrap(&err, "ping")
	_, err = s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                s.table,
		Key:                      key(pkSeenPrefix+string(journal.SeenRequest), skSeen),
		ProjectionExpression:     aws.String("#pk"),
		ExpressionAttributeNames: map[string]string{"#pk": attrPK},
	})
	return err
}
