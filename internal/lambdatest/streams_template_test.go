package lambdatest_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"gopkg.in/yaml.v3"

	"github.com/scim-bridge/scim-bridge/internal/awsapp/publisher"
	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/events"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

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
		p := publisher.New(cfg, publisher.Settings{EventBus: busName}, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
