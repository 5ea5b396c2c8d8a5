package lambdatest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"gopkg.in/yaml.v3"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/patch"
)

var updateStreams = flag.Bool("update", false, "rewrite events/stream-*.json from the stream of a table on moto")

// streamPrefix starts the names of the DynamoDB stream events in events/.
const streamPrefix = "stream-"

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

// The ids of the resources the stream events' changes make.
const (
	aliceID     = "0190a1b2-0000-7000-8000-000000000003"
	marketingID = "0190a1b2-0000-7000-8000-000000000102"
)

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
	paths, err := filepath.Glob(filepath.Join(moduleRoot(t), "events", streamPrefix+"*.json"))
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
	raw, err := os.ReadFile(filepath.Join(moduleRoot(t), "events", name))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var ev lambdaevents.DynamoDBEvent
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("%s is not a DynamoDB stream event: %v", name, err)
	}
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
	return ev
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

// writeStreamEvents makes the changes of streamFiles on a table of its own
// on moto, through the service with a fixed clock and fixed ids, and writes
// each file from the stream records they made: the record of the change
// for each, and one record of each kind of internal item for
// stream-internal.json. Ids of records, times and the stream's ARN are made
// stable, so that a rewrite changes what changed.
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
		m, err := scim.DecodeObject([]byte(s), "body")
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

// measureStreamUsage returns what each stream function of the template
// uses of AWS: what its handler sends, measured by running it as its main
// wires it (to a bus on the emulator, behind a usage recorder) over a
// stream with every kind of record; and what its event source mapping does
// with its role: read the stream, and send the batches it gives up on to
// its on-failure destination.
func measureStreamUsage(t *testing.T, s *samTemplate) map[string]grants {
	t.Helper()
	moto, err := url.Parse(awstest.Endpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	busName := awstest.Name(t, "bus")
	if _, err := lambdatest.Listen(t.Context(), awstest.Config(t), busName, awstest.Name(t, "rule")); err != nil {
		t.Fatal(err)
	}
	out := map[string]grants{}
	for _, fn := range lambdatest.Streams {
		rec := &usageRecorder{bus: busName, proxy: httputil.NewSingleHostReverseProxy(moto), used: grants{}}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		cfg := awstest.Config(t)
		cfg.BaseEndpoint = aws.String(srv.URL)
		p := eventbus.New(eventbridge.NewFromConfig(cfg), busName, slog.New(slog.NewTextHandler(io.Discard, nil)))
		for _, f := range streamFiles {
			if resp, err := p.Handle(t.Context(), readStreamEvent(t, f.file)); err != nil || len(resp.BatchItemFailures) > 0 {
				t.Fatalf("%s: %s: failures %v, error %v", fn.LogicalID(), f.file, resp.BatchItemFailures, err)
			}
		}
		for _, id := range s.resources("AWS::Lambda::EventSourceMapping") {
			m := s.properties(id)
			if _, target := reference(node(m, "FunctionName")); target != fn.LogicalID() {
				continue
			}
			stream, err := s.resourceName(node(m, "EventSourceArn"))
			if err != nil {
				t.Fatalf("%s: EventSourceArn: %v", id, err)
			}
			for _, a := range []string{"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"} {
				rec.used.add("dynamodb:"+a, stream)
			}
			if dest := node(m, "DestinationConfig.OnFailure.Destination"); dest != nil {
				queue, err := s.resourceName(dest)
				if err != nil {
					t.Fatalf("%s: on-failure destination: %v", id, err)
				}
				rec.used.add("sqs:SendMessage", queue)
			}
		}
		out[fn.LogicalID()] = rec.used
	}
	return out
}

// TestTemplateStreamsChangeEvents checks the template's side of the change
// events (docs/events.md): the stream feeds the events function through an
// event source mapping that neither loses nor wedges — partial batch
// responses, bisection, bounded retries and record age, one batch per shard
// at a time, exhausted batches to an encrypted queue whose depth alarms the
// notification topic — and the bus and example rule pattern are outputs.
func TestTemplateStreamsChangeEvents(t *testing.T) {
	s := readSAM(t)
	mappings := s.resources("AWS::Lambda::EventSourceMapping")
	if len(mappings) != 1 {
		t.Fatalf("event source mappings %v, want the events function's", mappings)
	}
	m := s.properties(mappings[0])
	value := func(path string) string {
		if n := node(m, path); n != nil {
			return n.Value
		}
		return ""
	}
	if _, fn := reference(node(m, "FunctionName")); fn != lambdatest.Streams[0].LogicalID() {
		t.Errorf("the mapping invokes %q, want %s", fn, lambdatest.Streams[0].LogicalID())
	}
	if src, err := s.resourceName(node(m, "EventSourceArn")); err != nil || !strings.HasSuffix(src, "/stream") {
		t.Errorf("the mapping reads %q (%v), want the table's stream", src, err)
	}
	for path, want := range map[string]string{
		"StartingPosition":           "TRIM_HORIZON",
		"BisectBatchOnFunctionError": "true",
		"ParallelizationFactor":      "1",
	} {
		if got := value(path); got != want {
			t.Errorf("%s is %q, want %q", path, got, want)
		}
	}
	if !slices.ContainsFunc(items(node(m, "FunctionResponseTypes")), func(n *yaml.Node) bool { return n.Value == "ReportBatchItemFailures" }) {
		t.Error("FunctionResponseTypes lacks ReportBatchItemFailures: one failed record would retry the whole batch")
	}
	for path, limit := range map[string][2]int{"MaximumRetryAttempts": {0, 20}, "MaximumRecordAgeInSeconds": {60, 86400}} {
		if n, err := strconv.Atoi(value(path)); err != nil || n < limit[0] || n > limit[1] {
			t.Errorf("%s is %q, want a bound from %d to %d (-1, the default, retries until the record expires)", path, value(path), limit[0], limit[1])
		}
	}

	queue, err := s.resourceName(node(m, "DestinationConfig.OnFailure.Destination"))
	if err != nil || node(s.root, "Resources."+queue+".Type").Value != "AWS::SQS::Queue" {
		t.Fatalf("on-failure destination %q (%v), want a queue of the template", queue, err)
	}
	if q := s.properties(queue); !truthy(node(q, "SqsManagedSseEnabled")) && node(q, "KmsMasterKeyId") == nil {
		t.Errorf("queue %s is not encrypted (SqsManagedSseEnabled or KmsMasterKeyId)", queue)
	}
	alarmed := false
	for _, id := range s.resources("AWS::CloudWatch::Alarm") {
		a := s.properties(id)
		dims := items(node(a, "Dimensions"))
		onQueue := slices.ContainsFunc(dims, func(d *yaml.Node) bool {
			_, target := reference(node(d, "Value"))
			return node(d, "Name").Value == "QueueName" && target == queue
		})
		notifies := slices.ContainsFunc(items(node(a, "AlarmActions")), func(n *yaml.Node) bool {
			_, target := reference(n)
			return node(s.root, "Resources."+target+".Type").Value == "AWS::SNS::Topic"
		})
		if onQueue && notifies && node(a, "MetricName").Value == "ApproximateNumberOfMessagesVisible" {
			alarmed = true
		}
	}
	if !alarmed {
		t.Errorf("no alarm on the depth (ApproximateNumberOfMessagesVisible) of %s notifies the topic", queue)
	}

	buses := s.resources("AWS::Events::EventBus")
	if len(buses) != 1 {
		t.Fatalf("event buses %v, want one", buses)
	}
	if n := node(s.properties(buses[0]), "Name"); n == nil || n.Tag != "!Ref" || node(s.root, "Parameters."+n.Value) == nil {
		t.Errorf("the bus's name is not a parameter")
	}
	env := node(s.properties(lambdatest.Streams[0].LogicalID()), "Environment.Variables.EVENT_BUS_NAME")
	if _, target := reference(env); env == nil || target != buses[0] {
		t.Errorf("the events function's EVENT_BUS_NAME is not the bus")
	}
	if v := node(s.root, "Resources."+lambdatest.Streams[0].LogicalID()+".Metadata.BuildMethod"); v == nil || v.Value != "makefile" {
		t.Error("the events function is not built by the Makefile (Metadata: BuildMethod: makefile)")
	}
	if out := node(s.root, "Outputs.EventBusName.Value"); out == nil {
		t.Error("no EventBusName output")
	} else if _, target := reference(out); target != buses[0] {
		t.Errorf("the EventBusName output is not the bus")
	}
	var pattern map[string][]string
	if out := node(s.root, "Outputs.UserDeactivatedPattern.Value"); out == nil || json.Unmarshal([]byte(out.Value), &pattern) != nil {
		t.Fatal("no UserDeactivatedPattern output holding an event pattern")
	}
	if want := (map[string][]string{"source": {events.Source}, "detail-type": {string(events.UserDeactivated)}}); !reflect.DeepEqual(pattern, want) {
		t.Errorf("UserDeactivatedPattern is %v, want %v", pattern, want)
	}
}
