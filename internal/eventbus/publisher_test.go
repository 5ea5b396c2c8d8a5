package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/events/eventstest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/codec"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

func TestMain(m *testing.M) { awstest.Main(m) }

const bus = "scim-bridge-test"

// fakeBus is an EventBridge that keeps the entries it takes. refuse, if
// set, names an error code for an entry to refuse; fail, an error for a
// whole request.
type fakeBus struct {
	mu       sync.Mutex
	requests [][]types.PutEventsRequestEntry
	taken    []events.Event
	refuse   func(e events.Event) string
	fail     func(request int) error
}

func (f *fakeBus) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, in.Entries)
	if f.fail != nil {
		if err := f.fail(len(f.requests)); err != nil {
			return nil, err
		}
	}
	out := &eventbridge.PutEventsOutput{}
	for _, en := range in.Entries {
		var e events.Event
		if err := json.Unmarshal([]byte(aws.ToString(en.Detail)), &e); err != nil {
			return nil, err
		}
		if code := ""; f.refuse != nil {
			if code = f.refuse(e); code != "" {
				out.FailedEntryCount++
				out.Entries = append(out.Entries, types.PutEventsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("refused")})
				continue
			}
		}
		f.taken = append(f.taken, e)
		out.Entries = append(out.Entries, types.PutEventsResultEntry{EventId: aws.String(e.ID)})
	}
	return out, nil
}

// newDirectory returns the service over a table of its own on the
// emulator, and the reader of the table's stream.
func newDirectory(t *testing.T) (*directory.Service, *lambdatest.Stream) {
	t.Helper()
	cfg := awstest.Config(t)
	client := dynamodb.NewFromConfig(cfg)
	table := awstest.Name(t, "events")
	if err := dynamo.CreateTable(t.Context(), client, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t's context is done by now; a table left behind only costs the
		// emulator memory.
		_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	stream, err := lambdatest.OpenStream(t.Context(), cfg, table)
	if err != nil {
		t.Fatal(err)
	}
	return directory.New(dynamo.New(client, table), directory.Options{}), stream
}

// life is what the test directory went through: every kind of change.
type life struct {
	records []lambdaevents.DynamoDBEventRecord
	// want are the event types of each resource, by "kind/id", in order.
	want map[string][]events.Type
}

// live provisions a small directory on a table of its own on the
// emulator, through the service, and returns the stream it made.
func live(t *testing.T) life {
	t.Helper()
	ctx := t.Context()
	svc, stream := newDirectory(t)
	body := func(s string) map[string]any {
		m, err := codec.DecodeObject([]byte(s), "body")
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	do := func(r *directory.Resource, err error) *directory.Resource {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ops := func(s string) []patch.Op {
		o, err := patch.Decode([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	alice := do(svc.Create(ctx, scim.Users, body(`{"userName":"alice@contoso.com","externalId":"a","emails":[{"type":"work","value":"alice@contoso.com"}]}`)))
	bob := do(svc.Create(ctx, scim.Users, body(`{"userName":"bob@contoso.com","externalId":"b"}`)))
	do(svc.Patch(ctx, scim.Users, alice.ID, ops(`{"Operations":[{"op":"replace","path":"title","value":"Boss"}]}`), "", false))
	do(svc.Patch(ctx, scim.Users, bob.ID, ops(`{"Operations":[{"op":"replace","path":"active","value":false}]}`), "", false))
	do(svc.Patch(ctx, scim.Users, bob.ID, ops(`{"Operations":[{"op":"replace","path":"active","value":true}]}`), "", false))
	sales := do(svc.Create(ctx, scim.Groups, body(`{"displayName":"Sales","externalId":"s"}`)))
	do(svc.Patch(ctx, scim.Groups, sales.ID, ops(`{"Operations":[{"op":"add","path":"members","value":[{"value":"`+alice.ID+`"},{"value":"`+bob.ID+`"}]}]}`), "", false))
	do(svc.Patch(ctx, scim.Groups, sales.ID, ops(`{"Operations":[{"op":"remove","path":"members","value":[{"value":"`+bob.ID+`"}]}]}`), "", false))
	do(svc.Patch(ctx, scim.Groups, sales.ID, ops(`{"Operations":[{"op":"replace","path":"displayName","value":"Sales EMEA"}]}`), "", false))
	ops2 := do(svc.Create(ctx, scim.Groups, body(`{"displayName":"Ops","members":[{"value":"`+bob.ID+`"}]}`)))
	if err := svc.Delete(ctx, scim.Users, bob.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, scim.Groups, ops2.ID, ""); err != nil {
		t.Fatal(err)
	}

	recs, err := stream.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return life{records: recs, want: map[string][]events.Type{
		"User/" + alice.ID: {events.UserCreated, events.UserUpdated},
		"User/" + bob.ID:   {events.UserCreated, events.UserDeactivated, events.UserReactivated, events.UserDeleted},
		"Group/" + sales.ID: {
			events.GroupCreated, events.GroupMembersAdded, events.GroupMembersRemoved, events.GroupUpdated,
		},
		"Group/" + ops2.ID: {events.GroupCreated, events.GroupMembersAdded, events.GroupDeleted},
	}}
}

// retry publishes l's records again from the first of those failed, as
// Lambda retries from the lowest sequence number reported, in batches of n:
// the retry must fail nothing, and f must then have taken every resource's
// events in order, each event at least once.
func (l life) retry(t *testing.T, f *fakeBus, failed []string, n int) {
	t.Helper()
	first := slices.IndexFunc(l.records, func(r lambdaevents.DynamoDBEventRecord) bool { return slices.Contains(failed, r.Change.SequenceNumber) })
	if again := publish(t, f, l.records[first:], n); len(again) > 0 {
		t.Fatalf("failures on the retry: %v", again)
	}
	if got := byResource(firstDeliveries(f.taken)); !equalTypes(got, l.want) {
		t.Errorf("events by resource, duplicates dropped:\n got %v\nwant %v", got, l.want)
	}
}

// publish runs the records through a Publisher to f in batches of n, as the
// event source mapping invokes it, and returns the batch item failures.
func publish(t *testing.T, f *fakeBus, recs []lambdaevents.DynamoDBEventRecord, n int) []string {
	t.Helper()
	p := eventbus.New(f, bus, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var failed []string
	for _, b := range lambdatest.Batches(recs, n) {
		resp, err := p.Handle(t.Context(), b)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range resp.BatchItemFailures {
			failed = append(failed, f.ItemIdentifier)
		}
	}
	return failed
}

// byResource returns the types of the events, by resource, in order.
func byResource(evs []events.Event) map[string][]events.Type {
	out := map[string][]events.Type{}
	for _, e := range evs {
		k := string(e.ResourceType) + "/" + e.ResourceID
		out[k] = append(out[k], e.Type)
	}
	return out
}

func TestPublishesEachChangeOnce(t *testing.T) {
	l := live(t)
	f := &fakeBus{}
	if failed := publish(t, f, l.records, 100); len(failed) > 0 {
		t.Fatalf("failures %v", failed)
	}
	if got := byResource(f.taken); !equalTypes(got, l.want) {
		t.Errorf("events by resource:\n got %v\nwant %v", got, l.want)
	}
	t.Logf("%d stream records, %d events in %d requests", len(l.records), len(f.taken), len(f.requests))
	if len(l.records) <= len(f.taken) {
		t.Errorf("%d records made %d events: the internal items' records must make none", len(l.records), len(f.taken))
	}
	v, err := eventstest.Load("../../docs/events.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range f.requests {
		if len(req) > 10 {
			t.Errorf("a request of %d entries", len(req))
		}
		for _, en := range req {
			var e events.Event
			detail := []byte(aws.ToString(en.Detail))
			if err := json.Unmarshal(detail, &e); err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(detail); err != nil {
				t.Errorf("%s does not validate: %v", e.Type, err)
			}
			if aws.ToString(en.EventBusName) != bus || aws.ToString(en.Source) != events.Source ||
				aws.ToString(en.DetailType) != string(e.Type) || !aws.ToTime(en.Time).Equal(e.Time) {
				t.Errorf("entry bus %q, source %q, detail-type %q, time %v; want %q, %q, %q, %v",
					aws.ToString(en.EventBusName), aws.ToString(en.Source), aws.ToString(en.DetailType), aws.ToTime(en.Time),
					bus, events.Source, e.Type, e.Time)
			}
		}
	}
	// Versions of a resource only grow, and ids are unique.
	ids := map[string]bool{}
	last := map[string]int64{}
	for _, e := range f.taken {
		k := string(e.ResourceType) + "/" + e.ResourceID
		if e.Version <= last[k] {
			t.Errorf("%s %s at version %d after version %d", k, e.Type, e.Version, last[k])
		}
		last[k] = e.Version
		if ids[e.ID] {
			t.Errorf("event id %s twice", e.ID)
		}
		ids[e.ID] = true
	}
}

// TestAPoisonRecordFailsAloneAndTheRestIsPublished puts a record that
// cannot become an event (a user's record item holding nothing but its
// keys) in the middle of the stream: it alone is a batch item failure, and
// every event after it is still published.
func TestAPoisonRecordFailsAloneAndTheRestIsPublished(t *testing.T) {
	l := live(t)
	var poison lambdaevents.DynamoDBEventRecord
	for _, r := range l.records {
		if r.EventName == "INSERT" && strings.HasPrefix(r.Change.Keys["PK"].String(), "USER#") && r.Change.Keys["SK"].String() == "#RECORD" {
			poison = r
			break
		}
	}
	poison.Change.NewImage = poison.Change.Keys
	poison.Change.SequenceNumber = "poison"
	recs := slices.Insert(slices.Clone(l.records), len(l.records)/3, poison)
	f := &fakeBus{}
	if failed := publish(t, f, recs, 100); !slices.Equal(failed, []string{"poison"}) {
		t.Errorf("failures %v, want only the poison record", failed)
	}
	if got := byResource(f.taken); !equalTypes(got, l.want) {
		t.Errorf("events by resource:\n got %v\nwant %v", got, l.want)
	}
}

// TestARefusedEntryHoldsItsResourceBack has EventBridge refuse the first
// member change of a group once: that record and the group's later ones
// are batch item failures, the other resources' events are published, and
// Lambda's retry from the first failure publishes the group's in order.
func TestARefusedEntryHoldsItsResourceBack(t *testing.T) {
	l := live(t)
	refused := false
	f := &fakeBus{refuse: func(e events.Event) string {
		if e.Type == events.GroupMembersAdded && !refused {
			refused = true
			return "ThrottlingException"
		}
		return ""
	}}
	failed := publish(t, f, l.records, 100)
	if len(failed) < 2 {
		t.Fatalf("failures %v, want the refused record and the group's later ones", failed)
	}
	got := byResource(f.taken)
	for k, want := range l.want {
		if strings.HasPrefix(k, "User/") && !slices.Equal(got[k], want) {
			t.Errorf("%s: %v, want %v", k, got[k], want)
		}
	}
	l.retry(t, f, failed, 100)
}

// TestAFailedRequestFailsItsRecords has every PutEvents request after the
// first fail: only the first request's events are published, the records
// of the others are failures, and the retry from the first of them
// publishes every event, each resource's in order.
func TestAFailedRequestFailsItsRecords(t *testing.T) {
	l := live(t)
	healthy := false
	f := &fakeBus{fail: func(n int) error {
		if n > 1 && !healthy {
			return errors.New("ServiceUnavailable")
		}
		return nil
	}}
	failed := publish(t, f, l.records, 1000)
	if len(failed) == 0 || len(f.taken) != len(f.requests[0]) {
		t.Fatalf("%d events taken, %d failures; want the first request's %d and some failures", len(f.taken), len(failed), len(f.requests[0]))
	}
	healthy = true
	l.retry(t, f, failed, 1000)
}

// TestRequestsStayWithinEventBridgesLimits publishes users whose events are
// 100 KiB each: no request holds more than 10 entries or 256 KiB.
func TestRequestsStayWithinEventBridgesLimits(t *testing.T) {
	ctx := t.Context()
	svc, stream := newDirectory(t)
	for i := range 12 {
		body, err := codec.DecodeObject(fmt.Appendf(nil, `{"userName":"u%d","nickName":%q}`, i, strings.Repeat("n", 100<<10)), "body")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Create(ctx, scim.Users, body); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := stream.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeBus{}
	if failed := publish(t, f, recs, 100); len(failed) > 0 {
		t.Fatalf("failures %v", failed)
	}
	if len(f.taken) != 12 {
		t.Errorf("%d events, want 12", len(f.taken))
	}
	for i, req := range f.requests {
		size := 0
		for _, en := range req {
			size += 14 + len(aws.ToString(en.Source)) + len(aws.ToString(en.DetailType)) + len(aws.ToString(en.Detail))
		}
		if len(req) > 10 || size >= 256<<10 {
			t.Errorf("request %d: %d entries, %d bytes", i, len(req), size)
		}
	}
}

// firstDeliveries drops the events delivered before, by id.
func firstDeliveries(evs []events.Event) []events.Event {
	seen := map[string]bool{}
	return slices.DeleteFunc(slices.Clone(evs), func(e events.Event) bool {
		dup := seen[e.ID]
		seen[e.ID] = true
		return dup
	})
}

func equalTypes(a, b map[string][]events.Type) bool {
	return maps.EqualFunc(a, b, slices.Equal[[]events.Type])
}

// TestAFailedWriteHasNoEvent makes writes that fail — a create and a rename
// onto a taken userName, both cancelled transactions or failed conditions
// — around one that succeeds: only the committed change has an event.
func TestAFailedWriteHasNoEvent(t *testing.T) {
	ctx := t.Context()
	svc, stream := newDirectory(t)
	create := func(userName string) (*directory.Resource, error) {
		body, err := codec.DecodeObject([]byte(`{"userName":"`+userName+`"}`), "body")
		if err != nil {
			t.Fatal(err)
		}
		return svc.Create(ctx, scim.Users, body)
	}
	alice, err := create("alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := create("bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := create("ALICE"); err == nil {
		t.Fatal("a second alice was created")
	}
	rename, err := patch.Decode([]byte(`{"Operations":[{"op":"replace","path":"userName","value":"Alice"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Patch(ctx, scim.Users, bob.ID, rename, "", false); err == nil {
		t.Fatal("bob was renamed to alice")
	}
	recs, err := stream.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeBus{}
	if failed := publish(t, f, recs, 100); len(failed) > 0 {
		t.Fatalf("failures %v", failed)
	}
	want := map[string][]events.Type{"User/" + alice.ID: {events.UserCreated}, "User/" + bob.ID: {events.UserCreated}}
	if got := byResource(f.taken); !equalTypes(got, want) {
		t.Errorf("events by resource:\n got %v\nwant %v", got, want)
	}
}
