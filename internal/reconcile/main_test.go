package reconcile_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/notify"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

func TestMain(m *testing.M) { awstest.Main(m) }

// store is a reconciler's store with its failure log, and AddMembers to
// break it (it checks nothing).
type store interface {
	reconcile.Store
	journal.Writer
	AddMembers(ctx context.Context, groupID string, userIDs []string) error
}

// env is a store and a notifier whose notices a test can read back.
type env struct {
	store    store
	notifier reconcile.Notifier
	// received returns the notices published since it was last called.
	received func(t *testing.T) []reconcile.Notice
}

// newMemoryEnv is an embedded store and a notifier that keeps notices in
// memory.
func newMemoryEnv(t *testing.T) *env {
	s, err := pebblestore.Open(filepath.Join(t.TempDir(), "directory"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rec := &recorder{}
	return &env{store: s, notifier: rec, received: func(*testing.T) []reconcile.Notice { return rec.take() }}
}

// recorder is a Notifier in memory; fail makes it fail.
type recorder struct {
	mu      sync.Mutex
	notices []reconcile.Notice
	fail    bool
}

func (r *recorder) Notify(_ context.Context, n reconcile.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("injected failure")
	}
	r.notices = append(r.notices, n)
	return nil
}

func (r *recorder) take() []reconcile.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.notices
	r.notices = nil
	return out
}

// newAWSEnv is the DynamoDB store, an SNS topic and an SQS queue subscribed
// to it, all on the emulator: notices are read back from the queue, as a
// program subscribed to the topic would get them.
func newAWSEnv(t *testing.T) *env {
	cfg := awstest.Config(t)
	ctx := t.Context()
	db := dynamodb.NewFromConfig(cfg)
	table := awstest.Name(t, "scim")
	if err := dynamo.CreateTable(ctx, db, table); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	topics, queues := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := topics.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(awstest.Name(t, "notices"))})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := queues.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(awstest.Name(t, "inbox"))})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := queues.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: queue.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = topics.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{
		store:    dynamo.New(db, table),
		notifier: notify.NewSNS(topics, aws.ToString(topic.TopicArn)),
		received: func(t *testing.T) []reconcile.Notice { return drain(t, queues, queue.QueueUrl) },
	}
}

// envelope is the JSON an SQS subscriber of an SNS topic receives.
type envelope struct {
	Subject           string
	Message           string
	MessageAttributes map[string]struct{ Type, Value string }
}

// drain receives and deletes every message in the queue, as notices.
func drain(t *testing.T, queues *sqs.Client, url *string) []reconcile.Notice {
	t.Helper()
	var out []reconcile.Notice
	for {
		got, err := queues.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Messages) == 0 {
			return out
		}
		for _, m := range got.Messages {
			var e envelope
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
				t.Fatalf("message is not an SNS envelope: %v\n%s", err, aws.ToString(m.Body))
			}
			out = append(out, reconcile.Notice{
				Kind:    reconcile.NoticeKind(e.MessageAttributes[notify.AttrKind].Value),
				Subject: e.Subject,
				Body:    e.Message,
				Data:    json.RawMessage(e.MessageAttributes[notify.AttrData].Value),
			})
			if _, err := queues.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// envs are the environments every notice test runs in.
var envs = []struct {
	name string
	new  func(t *testing.T) *env
}{
	{"memory", newMemoryEnv},
	{"SNS to SQS", newAWSEnv},
}

// clock is a time that moves only when told to.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) advance(d time.Duration) { c.now = c.now.Add(d) }
func newClock() *clock                   { return &clock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)} }
func (e *env) options(c *clock) reconcile.Options {
	return reconcile.Options{Store: e.store, Notifier: e.notifier, Now: c.Now}
}

// fail records n failures at at, a millisecond apart, as the handler does:
// from a few goroutines, as concurrent requests would.
func (e *env) fail(t *testing.T, n int, at time.Time, method, route string, status int, scimType string) {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				ft := at.Add(time.Duration(i) * time.Millisecond)
				errs[i] = e.store.RecordFailure(t.Context(), journal.Failure{
					Time: ft, Expires: ft.Add(journal.DefaultRetention), Method: method, Route: route,
					Status: status, ScimType: scimType, Detail: fmt.Sprintf("detail %d", i),
					ResourceID: fmt.Sprintf("id-%d", i%7), ClientRequestID: fmt.Sprintf("crid-%d", i),
				})
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// run runs the reconciler and returns the notices received.
func (e *env) run(t *testing.T, opts reconcile.Options) []reconcile.Notice {
	t.Helper()
	if _, err := reconcile.Run(t.Context(), opts); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return e.received(t)
}
