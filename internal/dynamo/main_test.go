package dynamo_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// newStore returns a Store on a fresh table of its own on the emulator, and
// the Counter of its client, reset after the table was made.
func newStore(t testing.TB, opts ...func(*dynamodb.Options)) (*dynamo.Store, *dynamo.Counter) {
	t.Helper()
	client, table, counter := newTable(t, opts...)
	return dynamo.New(client, table), counter
}

// newTable makes a fresh table on the emulator, deleted when t ends, and
// returns it with a client that counts its requests on counter.
func newTable(t testing.TB, opts ...func(*dynamodb.Options)) (client *dynamodb.Client, table string, counter *dynamo.Counter) {
	t.Helper()
	counter = new(dynamo.Counter)
	client = dynamodb.NewFromConfig(awstest.Config(t), append(opts, counter.Middleware())...)
	table = awstest.Name(t, "scim")
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The context of t is done by now; a leftover table only costs
		// the emulator memory.
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	counter.Reset()
	return client, table, counter
}
