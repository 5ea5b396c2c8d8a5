package dynamo_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
)

func TestCreateTableFollowsTheDefinition(t *testing.T) {
	client, table, _ := newTable(t)
	out, err := client.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	want := dynamo.TableDefinition(table)
	if got := out.Table.TableStatus; got != types.TableStatusActive {
		t.Errorf("got status %s, want %s", got, types.TableStatusActive)
	}
	var got []string
	for _, gsi := range out.Table.GlobalSecondaryIndexes {
		got = append(got, aws.ToString(gsi.IndexName))
	}
	if len(got) != len(want.GlobalSecondaryIndexes) {
		t.Errorf("got indexes %q, want %d", got, len(want.GlobalSecondaryIndexes))
	}

	ttl, err := client.DescribeTimeToLive(t.Context(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	if d := ttl.TimeToLiveDescription; d.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != dynamo.TTLAttribute {
		t.Errorf("got time to live %s on %q, want %s on %q",
			d.TimeToLiveStatus, aws.ToString(d.AttributeName), types.TimeToLiveStatusEnabled, dynamo.TTLAttribute)
	}

	if err := dynamo.CreateTable(t.Context(), client, table); err == nil {
		t.Error("CreateTable of an existing table: got no error")
	}
}
