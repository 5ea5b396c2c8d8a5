package lambdatest_test

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

var updateStreams = flag.Bool("update", false, "rewrite events/stream-*.json from the stream of a table on moto")

// streamFiles are the stream events in events/, one for each kind of change
// and one of the table's internal items, and the events each makes.
var streamFiles = []struct {
	file string
	want []events.Type
}{
	{"stream-user-created.json", []events.Type{events.UserCreated}},
	{"stream-user-updated.json", []events.Type{events.UserUpdated}},
	{"stream-user-deactivated.json", []events.Type{events.UserDeactivated}},
	{"stream-user-reactivated.json", []events.Type{events.UserReactivated}},
	{"stream-group-created.json", []events.Type{events.GroupCreated}},
	{"stream-group-updated.json", []events.Type{events.GroupUpdated}},
	{"stream-group-members-added.json", []events.Type{events.GroupMembersAdded}},
	{"stream-group-members-removed.json", []events.Type{events.GroupMembersRemoved}},
	{"stream-group-deleted.json", []events.Type{events.GroupDeleted}},
	{"stream-user-deleted.json", []events.Type{events.UserDeleted}},
	{"stream-internal.json", nil},
}

// localStreamARN stands for the stream of the local table in events/.
const localStreamARN = "arn:aws:dynamodb:us-east-1:123456789012:table/" + lambdatest.LocalTable + "/stream/2026-11-30T09:30:00.000"

// TestStreamEventFiles checks that events/ has a stream event for every kind
// of change, each what Lambda hands the events function for it: with
// -update, it makes them on moto the way Entra's changes make them, through
// the service, and writes what the table's stream recorded.
func TestStreamEventFiles(t *testing.T) {
	var files []string
	covered := map[events.Type]bool{}
	for _, f := range streamFiles {
		files = append(files, f.file)
		for _, typ := range f.want {
			covered[typ] = true
		}
	}
	for _, typ := range events.Types {
		if !covered[typ] {
			t.Errorf("no stream event in events/ makes %s", typ)
		}
	}
	paths, err := filepath.Glob(filepath.Join(moduleRoot(t), "events", lambdatest.StreamEventPrefix+"*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, p := range paths {
		have = append(have, filepath.Base(p))
	}
	slices.Sort(have)
	if planned := slices.Sorted(slices.Values(files)); !*updateStreams && !slices.Equal(have, planned) {
		t.Fatalf("events/ holds the stream events %v, streamFiles plans %v", have, planned)
	}
	if *updateStreams {
		writeStreamEvents(t)
	}
	for _, f := range streamFiles {
		t.Run(f.file, func(t *testing.T) {
			ev := readStreamEvent(t, f.file)
			got := publishInProcess(t, ev)
			if !slices.Equal(got, f.want) {
				t.Errorf("makes %v, want %v", got, f.want)
			}
		})
	}
}

// readStreamEvent reads events/name, checking that it is a DynamoDB stream
// event as Lambda sends it from the local table's stream.
func readStreamEvent(t *testing.T, name string) lambdaevents.DynamoDBEvent {
	t.Helper()
	_, ev := decodeEventFile[lambdaevents.DynamoDBEvent](t, name, "a DynamoDB stream event")
	if len(ev.Records) == 0 {
		t.Fatalf("%s has no records", name)
	}
	for i, r := range ev.Records {
		c := r.Change
		switch {
		case r.EventSource != "aws:dynamodb" || r.EventSourceArn != localStreamARN || r.AWSRegion != "us-east-1":
			t.Errorf("record %d: source %q, ARN %q, region %q; want aws:dynamodb, %s, us-east-1", i, r.EventSource, r.EventSourceArn, r.AWSRegion, localStreamARN)
		case c.StreamViewType != "NEW_AND_OLD_IMAGES":
			t.Errorf("record %d: view type %q, want the template's NEW_AND_OLD_IMAGES", i, c.StreamViewType)
		case !slices.Contains([]string{"INSERT", "MODIFY", "REMOVE"}, r.EventName) ||
			(r.EventName == "INSERT") != (c.OldImage == nil) || (r.EventName == "REMOVE") != (c.NewImage == nil):
			t.Errorf("record %d: %s with old image %v and new image %v", i, r.EventName, c.OldImage != nil, c.NewImage != nil)
		case c.SequenceNumber == "" || c.ApproximateCreationDateTime.IsZero():
			t.Errorf("record %d: no sequence number or time", i)
		}
		img := c.NewImage
		if img == nil {
			img = c.OldImage
		}
		for k, v := range c.Keys {
			if img[k].String() != v.String() {
				t.Errorf("record %d: key %s is %q, its image's %q", i, k, v.String(), img[k].String())
			}
		}
	}
	return *ev
}

// publishInProcess runs ev through the events function's handler to a bus
// on moto and returns the types of the events a rule on it received.
func publishInProcess(t *testing.T, ev lambdaevents.DynamoDBEvent) []events.Type {
	t.Helper()
	cfg := awstest.Config(t)
	busName := awstest.Name(t, "bus")
	l, err := lambdatest.Listen(t.Context(), cfg, busName, awstest.Name(t, "rule"))
	if err != nil {
		t.Fatal(err)
	}
	p := eventbus.New(eventbridge.NewFromConfig(cfg), busName, slog.New(slog.NewTextHandler(io.Discard, nil)))
	resp, err := p.Handle(t.Context(), ev)
	if err != nil || len(resp.BatchItemFailures) > 0 {
		t.Fatalf("failures %v, error %v", resp.BatchItemFailures, err)
	}
	return received(t, l)
}

// received returns the types of the events l's queue received, checking
// each envelope against its detail.
func received(t *testing.T, l *lambdatest.Listener) []events.Type {
	t.Helper()
	envs, err := l.Receive(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var types []events.Type
	for _, env := range envs {
		var e events.Event
		if err := json.Unmarshal(env.Detail, &e); err != nil {
			t.Fatal(err)
		}
		if env.Source != events.Source || env.DetailType != string(e.Type) {
			t.Errorf("envelope source %q, detail-type %q for a %s event", env.Source, env.DetailType, e.Type)
		}
		types = append(types, e.Type)
	}
	return types
}

// TestStreamEventsUnderTheEmulator runs each stream event of events/
// through the events function's bootstrap under aws-lambda-rie, to a bus on
// moto with a rule that sends a queue every event: the function answers a
// partial batch response without failures, and the queue receives the
// events the file makes.
func TestStreamEventsUnderTheEmulator(t *testing.T) {
	rie := emulator(t)
	busName := awstest.Name(t, "bus")
	l, err := lambdatest.Listen(t.Context(), awstest.Config(t), busName, awstest.Name(t, "rule"))
	if err != nil {
		t.Fatal(err)
	}
	built, err := lambdatest.Build(t.Context(), moduleRoot(t), t.TempDir(), lambdatest.Streams...)
	if err != nil {
		t.Fatal(err)
	}
	fn := lambdatest.Streams[0]
	e, err := lambdatest.Start(t.Context(), lambdatest.Config{
		Emulator: rie, Bootstrap: built[fn.Name], Function: fn, Endpoint: awstest.Endpoint(t), EventBus: busName,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Stop()
		if t.Failed() {
			t.Logf("output of %s under the emulator:\n%s", fn.LogicalID(), e.Output())
		}
	})
	for _, f := range streamFiles {
		t.Run(f.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(moduleRoot(t), "events", f.file))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			answer, err := e.InvokeRaw(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			var resp lambdaevents.DynamoDBEventResponse
			if err := json.Unmarshal(answer, &resp); err != nil || len(resp.BatchItemFailures) > 0 {
				t.Fatalf("answer %s, want a partial batch response without failures", answer)
			}
			if got := received(t, l); !slices.Equal(got, f.want) {
				t.Errorf("the queue received %v, want %v", got, f.want)
			}
		})
	}
}
