package lambdatest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

// The ids of the resources the stream events' changes make.
const (
	aliceID     = "0190a1b2-0000-7000-8000-000000000003"
	marketingID = "0190a1b2-0000-7000-8000-000000000102"
)

// writeStreamEvents makes the changes of streamFiles on a table of its own
// on moto, through the service with a fixed clock and fixed ids, and writes
// each file from the stream records they made: the record of the change
// for each, and one record of each kind of internal item for
// stream-internal.json. Ids of records, times and the stream's ARN are made
// stable, so that a rewrite changes what changed (and the counter's records,
// whose shard is drawn at random).
func writeStreamEvents(t *testing.T) {
	ctx := t.Context()
	cfg := awstest.Config(t)
	client := dynamodb.NewFromConfig(cfg)
	table := awstest.Name(t, "streams")
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	stream, err := lambdatest.OpenStream(ctx, cfg, table)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	ids := []string{lambdatest.UserID, lambdatest.ManagerID, lambdatest.GroupID, aliceID, marketingID}
	svc := directory.New(dynamo.New(client, table), directory.Options{
		Now:   func() time.Time { return now },
		NewID: func() string { id := ids[0]; ids = ids[1:]; return id },
	})
	body := func(s string) map[string]any {
		m, err := codec.DecodeObject([]byte(s), "body")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	ops := func(s string) []patch.Op {
		o, err := patch.Decode([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	check := func(_ *directory.Resource, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	adele := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],` +
		`"externalId":"adele.vance","userName":"adele.vance@contoso.com","active":true,"displayName":"Adele Vance",` +
		`"name":{"givenName":"Adele","familyName":"Vance","formatted":"Adele Vance"},` +
		`"emails":[{"type":"work","primary":true,"value":"adele.vance@contoso.com"}],` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Retail","employeeNumber":"42"}}`
	// The directory the API events of events/ find: made before the
	// stream events' changes, whose records are not kept.
	check(svc.Create(ctx, scim.Users, body(adele)))
	check(svc.Create(ctx, scim.Users, body(`{"externalId":"megan.bowen","userName":"megan.bowen@contoso.com","displayName":"Megan Bowen"}`)))
	check(svc.Create(ctx, scim.Groups, body(`{"externalId":"5e2b7c1d-3f4a-4b8e-9d6c-1a2b3c4d5e6f","displayName":"Sales"}`)))
	if _, err := stream.Read(ctx); err != nil {
		t.Fatal(err)
	}

	changes := map[string]func(){
		"stream-user-created.json": func() {
			check(svc.Create(ctx, scim.Users, body(`{"externalId":"alice","userName":"alice@contoso.com","displayName":"Alice Smith","emails":[{"type":"work","value":"alice@contoso.com"}]}`)))
		},
		"stream-user-updated.json": func() {
			check(svc.Patch(ctx, scim.Users, lambdatest.UserID, ops(`{"Operations":[{"op":"Replace","path":"title","value":"Retail Manager"},`+
				`{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"`+lambdatest.ManagerID+`"}]}`), "", false))
		},
		"stream-user-deactivated.json": func() {
			check(svc.Patch(ctx, scim.Users, lambdatest.UserID, ops(`{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`), "", false))
		},
		"stream-user-reactivated.json": func() {
			check(svc.Patch(ctx, scim.Users, lambdatest.UserID, ops(`{"Operations":[{"op":"Replace","path":"active","value":"True"}]}`), "", false))
		},
		"stream-group-created.json": func() {
			check(svc.Create(ctx, scim.Groups, body(`{"externalId":"marketing","displayName":"Marketing"}`)))
		},
		"stream-group-updated.json": func() {
			check(svc.Patch(ctx, scim.Groups, lambdatest.GroupID, ops(`{"Operations":[{"op":"Replace","path":"displayName","value":"Sales EMEA"}]}`), "", false))
		},
		"stream-group-members-added.json": func() {
			check(svc.Patch(ctx, scim.Groups, lambdatest.GroupID, ops(`{"Operations":[{"op":"Add","path":"members","value":[{"value":"`+
				lambdatest.UserID+`"},{"value":"`+lambdatest.ManagerID+`"}]}]}`), "", false))
		},
		"stream-group-members-removed.json": func() {
			check(svc.Patch(ctx, scim.Groups, lambdatest.GroupID, ops(`{"Operations":[{"op":"Remove","path":"members","value":[{"value":"`+
				lambdatest.ManagerID+`"}]}]}`), "", false))
		},
		"stream-group-deleted.json": func() { check(nil, svc.Delete(ctx, scim.Groups, lambdatest.GroupID, "")) },
		"stream-user-deleted.json":  func() { check(nil, svc.Delete(ctx, scim.Users, aliceID, "")) },
	}
	internal := map[string]lambdaevents.DynamoDBEventRecord{} // the first of each kind of write
	var order []string
	for _, f := range streamFiles {
		change := changes[f.file]
		if change == nil {
			continue
		}
		now = now.Add(time.Minute)
		change()
		recs, err := stream.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var kept []lambdaevents.DynamoDBEventRecord
		for i, r := range recs {
			r.EventSourceArn = localStreamARN
			r.Change.ApproximateCreationDateTime = lambdaevents.SecondsEpochTime{Time: now}
			sum := sha256.Sum256(fmt.Appendf(nil, "%s %d", f.file, i))
			r.EventID = hex.EncodeToString(sum[:16])
			if _, ok, err := eventbus.Change(r); err != nil {
				t.Fatal(err)
			} else if ok {
				kept = append(kept, r)
				continue
			}
			kind := r.EventName + " " + keyPrefix(r.Change.Keys["PK"].String()) + " " + keyPrefix(r.Change.Keys["SK"].String())
			if _, seen := internal[kind]; !seen {
				internal[kind] = r
				order = append(order, kind)
			}
		}
		writeStreamEvent(t, f.file, kept)
	}
	var recs []lambdaevents.DynamoDBEventRecord
	for _, k := range order {
		recs = append(recs, internal[k])
	}
	writeStreamEvent(t, "stream-internal.json", recs)
}

// keyPrefix returns a key up to its first '#' after the first character:
// the kind of item it names (USER, MEMBER, #UNIQUE, #COUNT, …).
func keyPrefix(key string) string {
	if i := strings.Index(key[min(1, len(key)):], "#"); i >= 0 {
		return key[:i+1]
	}
	return key
}

// writeStreamEvent writes events/name: a stream event of recs.
func writeStreamEvent(t *testing.T, name string, recs []lambdaevents.DynamoDBEventRecord) {
	t.Helper()
	if len(recs) == 0 {
		t.Fatalf("%s: the change made no record", name)
	}
	b, err := json.MarshalIndent(lambdaevents.DynamoDBEvent{Records: recs}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(moduleRoot(t), "events", name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
