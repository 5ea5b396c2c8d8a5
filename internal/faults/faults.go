// Package faults injects AWS faults into AWS SDK clients, for tests: a
// chosen share of the requests of a DynamoDB or Secrets Manager client fail
// the way AWS makes them fail — throttling, HTTP 500, timeouts, an expired
// deadline, a TransactWriteItems cancelled by a conflicting transaction — so
// tests can prove the bridge answers every such failure with a retryable SCIM
// error and never leaves a half-done write.
//
// Faults are made at the wire: an Injector answers an attempt with the HTTP
// response AWS would send (or the transport error the SDK would see) instead
// of sending it, so the SDK's own deserializer builds the typed error and its
// retryer classifies it exactly as it would in production. An Injector acts
// on every attempt, inside the SDK's retry loop; a client with
// RetryMaxAttempts 1 lets every injected fault reach the code under test.
//
//	inj := faults.New(faults.Options{Rate: 0.2, Seed: 1})
//	client := dynamodb.NewFromConfig(cfg, inj.DynamoDB())
//
// This package is test support: nothing in production imports it.
package faults

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/smithy-go/middleware"
)

// Kind is a kind of injected fault.
type Kind int

// The kinds of fault. All but Lost fail an attempt before it reaches AWS,
// as AWS's own failures of these kinds change nothing.
const (
	// Throttle answers HTTP 400 ProvisionedThroughputExceededException or
	// ThrottlingException (DynamoDB, drawn at random) or ThrottlingException
	// (Secrets Manager). The SDK retries it.
	Throttle Kind = iota + 1
	// ServerError answers HTTP 500 InternalServerError (DynamoDB) or
	// InternalServiceError (Secrets Manager). The SDK retries it.
	ServerError
	// Timeout fails the attempt as an HTTP client timeout: the SDK's
	// *smithyhttp.RequestSendError around a net.Error whose Timeout() is
	// true. The SDK retries it.
	Timeout
	// Deadline fails the attempt as the SDK does when its context's
	// deadline has passed: a *smithy.CanceledError wrapping
	// context.DeadlineExceeded. The SDK does not retry it.
	Deadline
	// Slow delays the attempt by Options.Delay and then sends it; if the
	// context ends first, the attempt fails as Deadline does, with the
	// context's error.
	Slow
	// TransactionConflict answers a TransactWriteItems with HTTP 400
	// TransactionCanceledException whose cancellation reasons hold
	// TransactionConflict, as when another transaction holds one of its
	// items. The SDK does not retry it. It is only drawn for
	// TransactWriteItems.
	TransactionConflict
	// Lost sends the attempt, lets it take effect, and then fails it as
	// Timeout does, as when the connection breaks after AWS has acted: the
	// one fault that leaves a write done while its caller sees a failure.
	// It is never drawn unless Options.Kinds names it.
	Lost
)

var kindNames = map[Kind]string{
	Throttle: "throttle", ServerError: "server error", Timeout: "timeout", Deadline: "deadline",
	Slow: "slow", TransactionConflict: "transaction conflict", Lost: "lost response",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("faults.Kind(%d)", int(k))
}

// DefaultKinds are the kinds an Injector draws from when Options.Kinds is
// empty: every kind that leaves AWS untouched.
var DefaultKinds = []Kind{Throttle, ServerError, Timeout, Deadline, Slow, TransactionConflict}

// DefaultDelay is Options.Delay's default.
const DefaultDelay = 20 * time.Millisecond

// Options choose which attempts fail and how.
type Options struct {
	// Rate is the share of attempts that fail, from 0 to 1.
	Rate float64
	// Seed seeds the draws: an Injector whose attempts arrive in the same
	// order fails the same ones the same way.
	Seed uint64
	// Kinds are drawn from with equal chances, among those that apply to
	// the attempt's operation; empty means DefaultKinds.
	Kinds []Kind
	// Operations, when set, limits faults to these operation names
	// ("GetItem", "TransactWriteItems", "GetSecretValue").
	Operations []string
	// Delay is how long a Slow attempt waits; default DefaultDelay.
	Delay time.Duration
}

// Injector makes a share of an SDK client's attempts fail. It is safe for
// concurrent use by any number of clients.
type Injector struct {
	kinds []Kind
	ops   []string
	delay time.Duration

	mu       sync.Mutex
	rate     float64
	rng      *rand.Rand
	attempts int
	injected map[Kind]int
}

// New returns an Injector with opts.
func New(opts Options) *Injector {
	in := &Injector{
		kinds:    slices.Clone(opts.Kinds),
		ops:      slices.Clone(opts.Operations),
		delay:    opts.Delay,
		rate:     opts.Rate,
		rng:      rand.New(rand.NewPCG(opts.Seed, 0x5c1b_b41d)),
		injected: map[Kind]int{},
	}
	if len(in.kinds) == 0 {
		in.kinds = DefaultKinds
	}
	if in.delay <= 0 {
		in.delay = DefaultDelay
	}
	return in
}

// DynamoDB returns a client option that injects faults into a DynamoDB
// client: dynamodb.NewFromConfig(cfg, inj.DynamoDB()).
func (in *Injector) DynamoDB() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, in.Register) }
}

// SecretsManager returns a client option that injects faults into a
// Secrets Manager client.
func (in *Injector) SecretsManager() func(*secretsmanager.Options) {
	return func(o *secretsmanager.Options) { o.APIOptions = append(o.APIOptions, in.Register) }
}

// SetRate changes the share of attempts that fail from now on: 1 makes
// the service unreachable, 0 heals it.
func (in *Injector) SetRate(rate float64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rate = rate
}

// Attempts returns how many attempts the Injector has seen.
func (in *Injector) Attempts() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.attempts
}

// Injected returns how many faults of each kind the Injector has made.
func (in *Injector) Injected() map[Kind]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return maps.Clone(in.injected)
}

// Total returns how many faults the Injector has made.
func (in *Injector) Total() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for _, c := range in.injected {
		n += c
	}
	return n
}

// draw decides the fate of one attempt of operation op: 0 for none, and
// for a fault its kind and a second draw that details it (which throttling
// error to send).
func (in *Injector) draw(op string) (Kind, uint64) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.attempts++
	if len(in.ops) > 0 && !slices.Contains(in.ops, op) {
		return 0, 0
	}
	// Every attempt takes the same draws, so that one attempt's fate does
	// not shift the next one's.
	hit, pick, detail := in.rng.Float64(), in.rng.IntN(len(in.kinds)), in.rng.Uint64()
	if hit >= in.rate {
		return 0, 0
	}
	kind := in.kinds[pick]
	if kind == TransactionConflict && op != "TransactWriteItems" {
		return 0, 0
	}
	in.injected[kind]++
	return kind, detail
}

// Register adds the Injector's middleware to an SDK middleware stack; append
// it to any AWS service client's APIOptions.
func (in *Injector) Register(stack *middleware.Stack) error {
	// A transaction's cancellation reasons number its items, which only
	// the input tells; it is kept for the attempt's middleware.
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("scimbridge/faults/input",
		func(ctx context.Context, args middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			if tx, ok := args.Parameters.(*dynamodb.TransactWriteItemsInput); ok {
				ctx = middleware.WithStackValue(ctx, txItemsKey{}, len(tx.TransactItems))
			}
			return next.HandleInitialize(ctx, args)
		}), middleware.After)
	if err != nil {
		return err
	}
	// The deserialize step runs once per attempt, inside the retry loop;
	// added last, this middleware is the one closest to the network.
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("scimbridge/faults",
		func(ctx context.Context, args middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			kind, detail := in.draw(middleware.GetOperationName(ctx))
			return in.fail(ctx, kind, detail, args, next)
		}), middleware.After)
}

type txItemsKey struct{}
