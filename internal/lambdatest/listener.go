package lambdatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/scim-bridge/scim-bridge/internal/events"
)

// Listener is what a consumer of the change events sets up: a rule on the
// event bus that sends every event of the bridge to an SQS queue, which
// Receive reads.
type Listener struct {
	sqs   *sqs.Client
	queue string // URL
}

// Envelope is an EventBridge event as a rule delivers it to its target.
type Envelope struct {
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Time       string          `json:"time"`
	Detail     json.RawMessage `json:"detail"`
}

// Listen creates, where cfg points, the event bus named bus unless it
// exists, and a queue and a rule named name on it that sends the queue every
// event whose source is events.Source.
func Listen(ctx context.Context, cfg aws.Config, bus, name string) (*Listener, error) {
	eb := eventbridge.NewFromConfig(cfg)
	_, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(bus)})
	if _, exists := errors.AsType[*ebtypes.ResourceAlreadyExistsException](err); err != nil && !exists {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	q := sqs.NewFromConfig(cfg)
	queue, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: queue.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	pattern, err := json.Marshal(map[string][]string{"source": {events.Source}})
	if err != nil {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{
		Name: aws.String(name), EventBusName: aws.String(bus), EventPattern: aws.String(string(pattern)),
	}); err != nil {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{
		Rule: aws.String(name), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("queue"), Arn: aws.String(attrs.Attributes["QueueArn"])}},
	}); err != nil {
		return nil, fmt.Errorf("listen on bus %s: %w", bus, err)
	}
	return &Listener{sqs: q, queue: aws.ToString(queue.QueueUrl)}, nil
}

// Receive returns the events waiting in the queue, in the order it gives
// them, and deletes them from it.
func (l *Listener) Receive(ctx context.Context) ([]Envelope, error) {
	var out []Envelope
	for {
		resp, err := l.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(l.queue), MaxNumberOfMessages: 10})
		if err != nil {
			return nil, fmt.Errorf("receive events: %w", err)
		}
		if len(resp.Messages) == 0 {
			return out, nil
		}
		var done []sqstypes.DeleteMessageBatchRequestEntry
		for i, m := range resp.Messages {
			var e Envelope
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
				return nil, fmt.Errorf("receive events: %w", err)
			}
			out = append(out, e)
			done = append(done, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
		if _, err := l.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(l.queue), Entries: done}); err != nil {
			return nil, fmt.Errorf("receive events: %w", err)
		}
	}
}
