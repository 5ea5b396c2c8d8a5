package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The table's key attributes and indexes. Only this package knows them; the
// SAM template is checked against TableDefinition.
const (
	attrPK = "PK"
	attrSK = "SK"
	// attrLPK and attrLSK key the list index: the kind, and the creation
	// time and id, so a kind's records list oldest first.
	attrLPK = "LPK"
	attrLSK = "LSK"
	// attrGPK and attrGSK key the members index on membership items: the
	// group's partition key and the member's id.
	attrGPK = "GPK"
	attrGSK = "GSK"
	// attrEmail keys the sparse email index on user records.
	attrEmail = "email"

	indexList    = "list"
	indexMembers = "members"
	indexEmail   = "email"
)

// TTLAttribute is the table's time-to-live attribute (epoch seconds):
// DynamoDB deletes an item some time after the time it holds. Records never
// carry it; it is for bookkeeping items such as the reconciler's.
const TTLAttribute = "expiresAt"

// TableDefinition returns the CreateTable input for the bridge's table named
// table: on-demand billing, the primary key (PK, SK), three keys-only
// global secondary indexes (list, members, email) and a stream of new and
// old images, which the change events are made from (StreamChange). It is
// the one definition of the table; CreateTable, the tests and the SAM
// template follow it.
func TableDefinition(table string) *dynamodb.CreateTableInput {
	keysOnly := &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}
	str := func(name string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(hash, rng string) []types.KeySchemaElement {
		ks := []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}}
		if rng != "" {
			ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange})
		}
		return ks
	}
	return &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			str(attrPK), str(attrSK), str(attrLPK), str(attrLSK), str(attrGPK), str(attrGSK), str(attrEmail),
		},
		KeySchema: key(attrPK, attrSK),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(indexList), KeySchema: key(attrLPK, attrLSK), Projection: keysOnly},
			{IndexName: aws.String(indexMembers), KeySchema: key(attrGPK, attrGSK), Projection: keysOnly},
			{IndexName: aws.String(indexEmail), KeySchema: key(attrEmail, ""), Projection: keysOnly},
		},
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewAndOldImages,
		},
	}
}

// CreateTable creates the table named table as TableDefinition says, waits
// until it is active and enables time to live on TTLAttribute. It fails if
// the table exists.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	if _, err := client.CreateTable(ctx, TableDefinition(table)); err != nil {
		return fmt.Errorf("dynamo: create table %q: %w", table, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 5*time.Minute); err != nil {
		return fmt.Errorf("dynamo: wait for table %q: %w", table, err)
	}
	_, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil {
		return fmt.Errorf("dynamo: enable time to live on %q: %w", table, err)
	}
	return nil
}
