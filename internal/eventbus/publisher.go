// Package eventbus publishes the directory's change events (docs/events.md)
// on an Amazon EventBridge bus, from the batches of DynamoDB stream records
// that Lambda hands the events function (functions/events).
package eventbus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	lambdaevents "github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/events"
)

// EventBridge's limits on one PutEvents request: 10 entries, whose sizes
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html)
// add up to less than 256 KiB.
const (
	maxEntries      = 10
	maxRequestBytes = 256 << 10
)

// PutEventsAPI is what the Publisher needs of an EventBridge client.
type PutEventsAPI interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// Publisher puts the events of stream records on one bus: each with source
// events.Source, the event's type as detail-type, the event as detail and
// its time.
type Publisher struct {
	client PutEventsAPI
	bus    string
	log    *slog.Logger
}

// New returns a Publisher to the bus named (or with the ARN) bus. It does
// no I/O.
func New(client PutEventsAPI, bus string, logger *slog.Logger) *Publisher {
	return &Publisher{client: client, bus: bus, log: logger}
}

// Handle publishes the events of a batch of stream records, in their order,
// and returns the records it could not publish as batch item failures
// (ReportBatchItemFailures), so that Lambda retries from the first of them:
//
//   - a record that yields no event (an item that is no resource) is done;
//   - a record that cannot become an event (see dynamo.StreamChange,
//     events.Derive) is a failure, and the records after it are still
//     published: a retry cannot mend it, and after its event source
//     mapping's retries it goes to the on-failure destination;
//   - a record whose entries EventBridge refused, or could not be asked
//     about, is a failure, and so is every later record of the same
//     resource, held back so that the retry publishes that resource's
//     events in order.
//
// It returns no error: every failure is a batch item failure.
func (p *Publisher) Handle(ctx context.Context, ev lambdaevents.DynamoDBEvent) (lambdaevents.DynamoDBEventResponse, error) {
	b := batch{p: p, held: map[string]bool{}, reported: map[string]bool{}, failures: []lambdaevents.DynamoDBBatchItemFailure{}}
	for _, rec := range ev.Records {
		seq := rec.Change.SequenceNumber
		c, ok, err := Change(rec)
		if !ok && err == nil {
			continue
		}
		var evs []events.Event
		if err == nil {
			evs, err = events.Derive(c)
		}
		if err != nil {
			p.log.ErrorContext(ctx, "stream record without an event", "sequenceNumber", seq, "eventID", rec.EventID, "error", err)
			b.fail(seq)
			continue
		}
		if err := b.add(ctx, seq, evs); err != nil {
			p.log.ErrorContext(ctx, "stream record without an event", "sequenceNumber", seq, "eventID", rec.EventID, "error", err)
			b.fail(seq)
		}
	}
	b.flush(ctx)
	p.log.InfoContext(ctx, "published", "records", len(ev.Records), "events", b.published, "failed", len(b.failures))
	return lambdaevents.DynamoDBEventResponse{BatchItemFailures: b.failures}, nil
}

// Change returns the change of a user or group that a stream record
// describes; ok is false for a record of no such change (see
// dynamo.StreamChange).
func Change(rec lambdaevents.DynamoDBEventRecord) (c events.Change, ok bool, err error) {
	return dynamo.StreamChange(image(rec.Change.OldImage), image(rec.Change.NewImage), rec.Change.ApproximateCreationDateTime.Time)
}

// batch is the entries of one PutEvents request being gathered, and what
// one invocation has done so far.
type batch struct {
	p       *Publisher
	entries []types.PutEventsRequestEntry
	// of are the sequence number and resource of each entry's record.
	of    []entry
	bytes int

	held      map[string]bool // resources with a failed record
	reported  map[string]bool // sequence numbers
	failures  []lambdaevents.DynamoDBBatchItemFailure
	published int
}

type entry struct{ seq, resource string }

// add queues the events of the record seq, sending what is queued first
// when they would not fit, or when an earlier record of their resource is
// queued: EventBridge may refuse one entry of a request and take a later
// one, which for one resource would put its events out of order.
func (b *batch) add(ctx context.Context, seq string, evs []events.Event) error {
	if len(evs) == 0 {
		return nil
	}
	resource := string(evs[0].ResourceType) + "/" + evs[0].ResourceID
	if slices.ContainsFunc(b.of, func(e entry) bool { return e.resource == resource }) {
		b.flush(ctx)
	}
	if b.held[resource] {
		b.fail(seq)
		return nil
	}
	for _, e := range evs {
		detail, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode event %s: %w", e.ID, err)
		}
		en := types.PutEventsRequestEntry{
			EventBusName: aws.String(b.p.bus),
			Source:       aws.String(events.Source),
			DetailType:   aws.String(string(e.Type)),
			Detail:       aws.String(string(detail)),
			Time:         aws.Time(e.Time),
		}
		// The entry's size as EventBridge counts it: 14 bytes for the time.
		size := 14 + len(events.Source) + len(e.Type) + len(detail)
		if len(b.entries) == maxEntries || b.bytes+size >= maxRequestBytes {
			b.flush(ctx)
		}
		b.entries = append(b.entries, en)
		b.of = append(b.of, entry{seq, resource})
		b.bytes += size
	}
	return nil
}

// flush sends the queued entries in one PutEvents request; the record of
// every entry that failed is a failure, and its resource is held.
func (b *batch) flush(ctx context.Context) {
	if len(b.entries) == 0 {
		return
	}
	out, err := b.p.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: b.entries})
	for i, of := range b.of {
		var code string
		switch {
		case err != nil:
			code = err.Error()
		case i >= len(out.Entries):
			code = "no result for the entry"
		case out.Entries[i].ErrorCode != nil:
			code = aws.ToString(out.Entries[i].ErrorCode) + ": " + aws.ToString(out.Entries[i].ErrorMessage)
		default:
			b.published++
			continue
		}
		b.p.log.ErrorContext(ctx, "event not published", "sequenceNumber", of.seq, "resource", of.resource, "error", code)
		b.held[of.resource] = true
		b.fail(of.seq)
	}
	b.entries, b.of, b.bytes = nil, nil, 0
}

// fail reports the record seq as a batch item failure, once.
func (b *batch) fail(seq string) {
	if !b.reported[seq] {
		b.reported[seq] = true
		b.failures = append(b.failures, lambdaevents.DynamoDBBatchItemFailure{ItemIdentifier: seq})
	}
}
