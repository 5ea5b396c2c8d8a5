// Package notify publishes the reconciler's notices: to an SNS topic, whose
// e-mail subscribers read the subject and text and whose programmatic
// subscribers (SQS, Lambda) also get the notice's JSON, or to a log for the
// local command.
package notify

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// The message attributes a published notice carries. E-mail subscribers do
// not see them; SQS and Lambda subscribers do.
const (
	// AttrKind is the notice's kind: "digest", "stalled", ….
	AttrKind = "kind"
	// AttrData is the notice's facts as a JSON object.
	AttrData = "data"
)

// SNS publishes notices to one SNS topic. It satisfies reconcile.Notifier.
type SNS struct {
	client *sns.Client
	topic  string
}

// NewSNS returns an SNS publishing to the topic with ARN topicARN through
// client. It does no I/O.
func NewSNS(client *sns.Client, topicARN string) *SNS {
	return &SNS{client: client, topic: topicARN}
}

// Notify publishes n as one message: its subject, its text as the body,
// its kind and JSON as the message attributes AttrKind and AttrData. It
// needs sns:Publish on the topic.
func (p *SNS) Notify(ctx context.Context, n reconcile.Notice) error {
	_, err := p.client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(p.topic),
		Subject:  aws.String(n.Subject),
		Message:  aws.String(n.Body),
		MessageAttributes: map[string]types.MessageAttributeValue{
			AttrKind: {DataType: aws.String("String"), StringValue: aws.String(string(n.Kind))},
			AttrData: {DataType: aws.String("String"), StringValue: aws.String(string(n.Data))},
		},
	})
	if err != nil {
		return fmt.Errorf("notify: publish %s notice to %s: %w", n.Kind, p.topic, err)
	}
	return nil
}

// Log writes notices to a logger instead: the local command's notifier when
// no topic is given. It satisfies reconcile.Notifier.
type Log struct {
	logger *slog.Logger
}

// NewLog returns a Log writing to logger.
func NewLog(logger *slog.Logger) *Log { return &Log{logger: logger} }

// Notify logs n at warning level: its kind, subject and text. It never
// fails.
func (l *Log) Notify(ctx context.Context, n reconcile.Notice) error {
	l.logger.LogAttrs(ctx, slog.LevelWarn, "notice",
		slog.String("kind", string(n.Kind)), slog.String("subject", n.Subject), slog.String("body", n.Body))
	return nil
}
