package dynamo_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/storetest"
)

// fakeDynamo answers every request with status and body, after delay, and
// counts the requests.
func fakeDynamo(t *testing.T, status int, body string, delay time.Duration) (url string, requests *atomic.Int64) {
	requests = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests
}

// closedPort returns the URL of a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	return url
}

// storeAt returns a Store whose client talks to url and does not retry, so
// each case sees the failure the SDK's retries would end with.
func storeAt(url string) *dynamo.Store {
	client := dynamodb.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(url),
	}, func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	return dynamo.New(client, "t")
}

func awsError(typ string) string {
	return `{"__type":"com.amazonaws.dynamodb.v20120810#` + typ + `","message":"injected"}`
}

func TestFailuresMapToDirectoryErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		delay  time.Duration
		closed bool
		// write runs Create (a transaction) instead of Get.
		write    bool
		want     error
		requests int64
	}{
		{name: "throughput exceeded", status: 400, body: awsError("ProvisionedThroughputExceededException"), want: directory.ErrUnavailable, requests: 1},
		{name: "throttled", status: 400, body: awsError("ThrottlingException"), want: directory.ErrUnavailable, requests: 1},
		{name: "request limit", status: 400, body: awsError("RequestLimitExceeded"), want: directory.ErrUnavailable, requests: 1},
		{name: "internal server error", status: 500, body: awsError("InternalServerError"), want: directory.ErrUnavailable, requests: 1},
		{name: "bad gateway", status: 502, body: "<html>bad gateway</html>", want: directory.ErrUnavailable, requests: 1},
		{name: "deadline", status: 200, body: "{}", delay: time.Second, want: directory.ErrUnavailable, requests: 1},
		{name: "unreachable", closed: true, want: directory.ErrUnavailable},
		{
			name: "transaction conflicts retried, then unavailable", status: 400, write: true,
			body: `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"injected",` +
				`"CancellationReasons":[{"Code":"TransactionConflict"},{"Code":"None"},{"Code":"None"}]}`,
			want: directory.ErrUnavailable, requests: 4,
		},
		{
			name: "unique key taken", status: 400, write: true,
			body: `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"injected",` +
				`"CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed"},{"Code":"None"}]}`,
			want: directory.ErrConflict, requests: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var url string
			var requests *atomic.Int64
			if tc.closed {
				url = closedPort(t)
			} else {
				url, requests = fakeDynamo(t, tc.status, tc.body, tc.delay)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			s := storeAt(url)
			var err error
			if tc.write {
				err = s.Create(ctx, storetest.NewUser("u1", "alice"))
			} else {
				_, err = s.Get(ctx, directory.KindGroup, "g1")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("got error %v, want one wrapping %q", err, tc.want)
			}
			if tc.want != directory.ErrUnavailable && errors.Is(err, directory.ErrUnavailable) {
				t.Errorf("got error %v, want one not wrapping %q", err, directory.ErrUnavailable)
			}
			if requests != nil && requests.Load() != tc.requests {
				t.Errorf("got %d requests, want %d", requests.Load(), tc.requests)
			}
		})
	}
}

func TestClientErrorsAreNotUnavailable(t *testing.T) {
	url, _ := fakeDynamo(t, 400, awsError("ValidationException"), 0)
	_, err := storeAt(url).Get(t.Context(), directory.KindGroup, "g1")
	if err == nil || errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("got error %v, want one not wrapping %q", err, directory.ErrUnavailable)
	}
}

// failWhen returns a client option that fails every request of operation op
// while fail is set, before it is sent.
func failWhen(op string, fail *atomic.Bool) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("fail",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
					middleware.InitializeOutput, middleware.Metadata, error,
				) {
					if fail.Load() && middleware.GetOperationName(ctx) == op {
						return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("injected failure")
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
		})
	}
}

func TestInterruptedDeleteHidesTheRecordAndCanBeFinished(t *testing.T) {
	var fail atomic.Bool
	s, _ := newStore(t, failWhen("BatchWriteItem", &fail))
	ctx := t.Context()
	u := storetest.NewUser("u1", "alice")
	u.Keys.ExternalID = "ext-1"
	mustDo(t, "Create", s.Create(ctx, u))
	mustDo(t, "Create", s.Create(ctx, storetest.NewGroup("g1", "Sales")))
	mustDo(t, "AddMembers", s.AddMembers(ctx, "g1", []string{"u1"}))

	fail.Store(true)
	if err := s.Delete(ctx, directory.KindUser, "u1"); err == nil {
		t.Fatal("Delete with failing batch writes: got no error")
	}
	fail.Store(false)

	_, err := s.Get(ctx, directory.KindUser, "u1")
	if !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("Get of a half-deleted user: got %v, want %q", err, directory.ErrNotFound)
	}
	mustLookup(t, s, directory.KindUser, directory.KeyUserName, "alice", 0)
	next := *u
	next.Version = 2
	if err := s.Update(ctx, &next, 1); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("Update of a half-deleted user: got %v, want %q", err, directory.ErrNotFound)
	}
	if _, err := s.Touch(ctx, directory.KindUser, "u1", time.Now(), directory.MemberChange{}); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("Touch of a half-deleted user: got %v, want %q", err, directory.ErrNotFound)
	}
	if missing, err := s.MissingUsers(ctx, []string{"u1"}); err != nil || len(missing) != 1 {
		t.Errorf("MissingUsers of a half-deleted user: got %q, %v; want it missing", missing, err)
	}
	// Its keys stay taken until the delete is finished.
	var ce *directory.ConflictError
	if err := s.Create(ctx, storetest.NewUser("u2", "alice")); !errors.As(err, &ce) {
		t.Errorf("Create with the half-deleted user's userName: got %v, want a conflict", err)
	}

	mustDo(t, "Delete again", s.Delete(ctx, directory.KindUser, "u1"))
	if ids, err := s.Members(ctx, "g1"); err != nil || len(ids) != 0 {
		t.Errorf("Members after the finished delete: got %q, %v; want none", ids, err)
	}
	mustDo(t, "Create with the freed userName", s.Create(ctx, storetest.NewUser("u2", "alice")))
	if _, total, err := s.List(ctx, directory.KindUser, directory.ListOptions{StartIndex: 1}); err != nil || total != 1 {
		t.Errorf("List: got total %d, %v; want 1", total, err)
	}
}
