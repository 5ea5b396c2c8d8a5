package dynamo_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/reconcile/reconciletest"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

func TestReconcileContract(t *testing.T) {
	reconciletest.Run(t, func(t *testing.T) (reconciletest.Store, reconciletest.Breaker) {
		client, table, _ := newTable(t)
		s := dynamo.New(client, table)
		return s, breaker{s: s, client: client, table: aws.String(table)}
	})
}

// breaker writes the table's items with the SDK, spelling out the layout
// the package comment documents, as an interrupted or buggy write leaves
// them.
type breaker struct {
	s      *dynamo.Store
	client *dynamodb.Client
	table  *string
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func (b breaker) PutRecord(t *testing.T, rec *directory.Record) {
	// Seed writes the record item alone, with BatchWriteItem.
	if err := b.s.Seed(t.Context(), []*directory.Record{rec}, "", nil); err != nil {
		t.Fatal(err)
	}
}

func uniquePK(u directory.Unique) string {
	return "UNIQUE#" + string(u.Kind) + "#" + string(u.Key) + "#" + u.Value
}

func (b breaker) PutUnique(t *testing.T, u directory.Unique, id string) {
	_, err := b.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: b.table, Item: map[string]types.AttributeValue{
		"PK": s(uniquePK(u)), "SK": s("#UNIQUE"), "id": s(id),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (b breaker) DeleteUnique(t *testing.T, u directory.Unique) {
	_, err := b.client.DeleteItem(t.Context(), &dynamodb.DeleteItemInput{TableName: b.table, Key: map[string]types.AttributeValue{
		"PK": s(uniquePK(u)), "SK": s("#UNIQUE"),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (b breaker) PutEntry(t *testing.T, e directory.Entry) {
	u := directory.Unique{Kind: e.Kind, Key: e.Key, Value: e.Value}
	_, err := b.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: b.table, Item: map[string]types.AttributeValue{
		"PK": s(uniquePK(u)), "SK": s("#ENTRY#" + e.ID), "id": s(e.ID),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (b breaker) DeleteEntry(t *testing.T, e directory.Entry) {
	u := directory.Unique{Kind: e.Kind, Key: e.Key, Value: e.Value}
	_, err := b.client.DeleteItem(t.Context(), &dynamodb.DeleteItemInput{TableName: b.table, Key: map[string]types.AttributeValue{
		"PK": s(uniquePK(u)), "SK": s("#ENTRY#" + e.ID),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (b breaker) PutMember(t *testing.T, gid, uid string) {
	_, err := b.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: b.table, Item: map[string]types.AttributeValue{
		"PK": s("USER#" + uid), "SK": s("MEMBER#" + gid), "GPK": s("GROUP#" + gid), "GSK": s(uid),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// SetCounter makes the kind's counter (all its shards) add up to n.
func (b breaker) SetCounter(t *testing.T, kind directory.Kind, n int64) {
	shards, err := b.client.Query(t.Context(), &dynamodb.QueryInput{
		TableName:                 b.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("COUNT#" + string(kind))},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range shards.Items {
		if _, err := b.client.DeleteItem(t.Context(), &dynamodb.DeleteItemInput{TableName: b.table, Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: b.table, Item: map[string]types.AttributeValue{
		"PK": s("COUNT#" + string(kind)), "SK": s("#COUNT#00"), "n": &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// MarkDeleting does the first step of Delete alone.
func (b breaker) MarkDeleting(t *testing.T, kind directory.Kind, id string) bool {
	prefix := "USER#"
	if kind == directory.KindGroup {
		prefix = "GROUP#"
	}
	_, err := b.client.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
		TableName:                 b.table,
		Key:                       map[string]types.AttributeValue{"PK": s(prefix + id), "SK": s("#RECORD")},
		UpdateExpression:          aws.String("SET deleting = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// BenchmarkReconcile measures a dry run over a consistent table of about
// 4,000 items (1,000 users with two uniqueness items and one membership
// each, 10 groups), reporting items checked per second and DynamoDB
// requests per 1,000 items (on the emulator, whose Scan and BatchGetItem
// are far slower than DynamoDB's, the rate says little about AWS).
func BenchmarkReconcile(b *testing.B) {
	client, table, counter := newTable(b)
	store := dynamo.New(client, table)
	ctx := b.Context()
	var users, groups []*directory.Record
	var puts []types.WriteRequest
	put := func(it map[string]types.AttributeValue) {
		puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	}
	for i := range 10 {
		g := storetest.NewGroup(fmt.Sprintf("g%02d", i), fmt.Sprintf("group %02d", i))
		groups = append(groups, g)
		put(map[string]types.AttributeValue{"PK": s("UNIQUE#Group#displayName#" + g.Keys.DisplayName), "SK": s("#UNIQUE"), "id": s(g.ID)})
	}
	for i := range 1000 {
		u := storetest.NewUser(fmt.Sprintf("u%04d", i), fmt.Sprintf("user%04d", i))
		u.Keys.ExternalID = "ext-" + u.ID
		users = append(users, u)
		put(map[string]types.AttributeValue{"PK": s("UNIQUE#User#userName#" + u.Keys.UserName), "SK": s("#UNIQUE"), "id": s(u.ID)})
		put(map[string]types.AttributeValue{"PK": s("UNIQUE#User#externalId#" + u.Keys.ExternalID), "SK": s("#UNIQUE"), "id": s(u.ID)})
	}
	put(map[string]types.AttributeValue{"PK": s("COUNT#User"), "SK": s("#COUNT#00"), "n": &types.AttributeValueMemberN{Value: "1000"}})
	put(map[string]types.AttributeValue{"PK": s("COUNT#Group"), "SK": s("#COUNT#00"), "n": &types.AttributeValueMemberN{Value: "10"}})
	for i := 0; i < len(puts); i += 25 {
		if _, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{table: puts[i:min(i+25, len(puts))]},
		}); err != nil {
			b.Fatal(err)
		}
	}
	if err := store.Seed(ctx, append(users, groups...), "", nil); err != nil {
		b.Fatal(err)
	}
	for i, g := range groups {
		var ids []string
		for _, u := range users[i*100 : (i+1)*100] {
			ids = append(ids, u.ID)
		}
		if err := store.Seed(ctx, nil, g.ID, ids); err != nil {
			b.Fatal(err)
		}
	}
	var checked int
	counter.Reset()
	for b.Loop() {
		rep, err := reconcile.Run(ctx, reconcile.Options{Store: store, DryRun: true})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Found != 0 || !rep.PassComplete {
			b.Fatalf("found %d, pass complete %v: %+v", rep.Found, rep.PassComplete, rep.Invariants)
		}
		checked += rep.Checked
	}
	b.ReportMetric(float64(checked)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(checked)/float64(b.N), "items/op")
	b.ReportMetric(float64(counter.Total())*1000/float64(checked), "requests/1000items")
}
