package faults_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/smithy-go"

	"github.com/scim-bridge/scim-bridge/internal/faults"
)

// fakeAWS returns the configuration of clients of a server that answers
// every request with an empty JSON object: a success for the reads used
// here, without an emulator.
func fakeAWS(t *testing.T) aws.Config {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(srv.URL),
	}
}

func noRetry(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }

var getItem = &dynamodb.GetItemInput{
	TableName: aws.String("t"),
	Key:       map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "k"}},
}

var transaction = &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
	{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}}}},
	{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "b"}}}},
	{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "c"}}}},
}}

// TestDynamoDBFaultsAreTheSDKsErrors checks that each kind of fault reaches
// the caller as the error the SDK makes of the same failure from AWS.
func TestDynamoDBFaultsAreTheSDKsErrors(t *testing.T) {
	cfg := fakeAWS(t)
	tests := []struct {
		kind  faults.Kind
		check func(t *testing.T, err error)
	}{
		{faults.Throttle, func(t *testing.T, err error) {
			var api smithy.APIError
			if !errors.As(err, &api) || (api.ErrorCode() != "ProvisionedThroughputExceededException" && api.ErrorCode() != "ThrottlingException") {
				t.Errorf("got %v, want a throttling API error", err)
			}
		}},
		{faults.ServerError, func(t *testing.T, err error) {
			var ise *types.InternalServerError
			if !errors.As(err, &ise) || ise.ErrorFault() != smithy.FaultServer {
				t.Errorf("got %v, want *types.InternalServerError", err)
			}
		}},
		{faults.Timeout, func(t *testing.T, err error) {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("got %v, want a net.Error timeout", err)
			}
		}},
		{faults.Deadline, func(t *testing.T, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want context.DeadlineExceeded", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{tc.kind}})
			client := dynamodb.NewFromConfig(cfg, inj.DynamoDB(), noRetry)
			_, err := client.GetItem(t.Context(), getItem)
			tc.check(t, err)
			if got, want := inj.Injected(), map[faults.Kind]int{tc.kind: 1}; !reflect.DeepEqual(got, want) {
				t.Errorf("Injected() = %v, want %v", got, want)
			}
		})
	}
}

func TestTransactionConflictNamesOneItemOfTheTransaction(t *testing.T) {
	inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{faults.TransactionConflict}})
	client := dynamodb.NewFromConfig(fakeAWS(t), inj.DynamoDB(), noRetry)
	_, err := client.TransactWriteItems(t.Context(), transaction)
	var tc *types.TransactionCanceledException
	if !errors.As(err, &tc) {
		t.Fatalf("got %v, want *types.TransactionCanceledException", err)
	}
	var codes []string
	conflicts := 0
	for _, r := range tc.CancellationReasons {
		codes = append(codes, aws.ToString(r.Code))
		if aws.ToString(r.Code) == "TransactionConflict" {
			conflicts++
		}
	}
	if len(codes) != len(transaction.TransactItems) || conflicts != 1 {
		t.Errorf("got reasons %v, want one per item, one of them TransactionConflict", codes)
	}
	// Other operations cannot conflict, so they pass.
	if _, err := client.GetItem(t.Context(), getItem); err != nil {
		t.Errorf("GetItem with only TransactionConflict faults: %v", err)
	}
}

func TestSecretsManagerFaults(t *testing.T) {
	cfg := fakeAWS(t)
	for _, tc := range []struct {
		kind faults.Kind
		want func(error) bool
	}{
		{faults.Throttle, func(err error) bool {
			var api smithy.APIError
			return errors.As(err, &api) && api.ErrorCode() == "ThrottlingException"
		}},
		{faults.ServerError, func(err error) bool {
			var ise *smtypes.InternalServiceError
			return errors.As(err, &ise)
		}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{tc.kind}})
			client := secretsmanager.NewFromConfig(cfg, inj.SecretsManager(), func(o *secretsmanager.Options) { o.RetryMaxAttempts = 1 })
			_, err := client.GetSecretValue(t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String("s")})
			if !tc.want(err) {
				t.Errorf("got %v (%T)", err, errors.Unwrap(err))
			}
		})
	}
}

// TestSDKRetriesInjectedFaults checks that the SDK's retryer treats
// injected faults as it treats AWS's: throttling, server errors and
// timeouts are retried, deadlines and transaction conflicts are not.
func TestSDKRetriesInjectedFaults(t *testing.T) {
	cfg := fakeAWS(t)
	fast := func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	for _, tc := range []struct {
		kind     faults.Kind
		attempts int
	}{
		{faults.Throttle, 3},
		{faults.ServerError, 3},
		{faults.Timeout, 3},
		{faults.Deadline, 1},
		{faults.TransactionConflict, 1},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{tc.kind}})
			client := dynamodb.NewFromConfig(cfg, inj.DynamoDB(), fast)
			if _, err := client.TransactWriteItems(t.Context(), transaction); err == nil {
				t.Fatal("got no error")
			}
			if got := inj.Attempts(); got != tc.attempts {
				t.Errorf("got %d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

func TestSlowHonoursTheContext(t *testing.T) {
	inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{faults.Slow}, Delay: 50 * time.Millisecond})
	client := dynamodb.NewFromConfig(fakeAWS(t), inj.DynamoDB(), noRetry)
	start := time.Now()
	if _, err := client.GetItem(t.Context(), getItem); err != nil {
		t.Fatalf("slow GetItem: %v", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("slow GetItem took %v, want at least the delay", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Millisecond)
	defer cancel()
	if _, err := client.GetItem(ctx, getItem); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow GetItem past its deadline: got %v, want context.DeadlineExceeded", err)
	}
}

// TestSeedDecides checks that the same seed fails the same attempts the
// same way, and that the share of failures is the rate.
func TestSeedDecides(t *testing.T) {
	cfg := fakeAWS(t)
	const n = 400
	run := func(seed uint64) []string {
		inj := faults.New(faults.Options{Rate: 0.2, Seed: seed, Kinds: []faults.Kind{faults.Throttle, faults.ServerError, faults.Timeout}})
		client := dynamodb.NewFromConfig(cfg, inj.DynamoDB(), noRetry)
		out := make([]string, n)
		for i := range out {
			if _, err := client.GetItem(t.Context(), getItem); err != nil {
				out[i] = "fail"
			}
		}
		if got := inj.Total(); got < n/10 || got > 3*n/10 {
			t.Errorf("seed %d: %d faults in %d attempts at rate 0.2", seed, got, n)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with seed 7 failed different attempts")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 7 and 8 failed the same attempts")
	}
}

func TestOperationsLimitFaults(t *testing.T) {
	inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{faults.Throttle}, Operations: []string{"TransactWriteItems"}})
	client := dynamodb.NewFromConfig(fakeAWS(t), inj.DynamoDB(), noRetry)
	if _, err := client.GetItem(t.Context(), getItem); err != nil {
		t.Errorf("GetItem: %v, want no fault outside Operations", err)
	}
	if _, err := client.TransactWriteItems(t.Context(), transaction); err == nil {
		t.Error("TransactWriteItems: got no fault")
	}
	inj.SetRate(0)
	if _, err := client.TransactWriteItems(t.Context(), transaction); err != nil {
		t.Errorf("TransactWriteItems at rate 0: %v", err)
	}
}
