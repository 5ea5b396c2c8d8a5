package dynamo

import (
	"context"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// Counter counts the requests an AWS SDK client sends, per operation name
// ("GetItem", "TransactWriteItems"), retries included: what DynamoDB bills
// and what the request budgets in docs/performance.md measure. The zero
// Counter is ready to use; it is safe for concurrent use.
type Counter struct {
	mu sync.Mutex
	n  map[string]int64
}

// Middleware returns a DynamoDB client option that counts the client's
// requests on c: dynamodb.NewFromConfig(cfg, c.Middleware()).
func (c *Counter) Middleware() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, c.Register) }
}

// Register adds c's counting middleware to an SDK middleware stack; append it
// to any service client's APIOptions.
func (c *Counter) Register(stack *middleware.Stack) error {
	// The deserialize step runs once per attempt, inside the retry loop.
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("scimbridge/count",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			c.add(middleware.GetOperationName(ctx))
			return next.HandleDeserialize(ctx, in)
		}), middleware.After)
}

func (c *Counter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int64)
	}
	c.n[op]++
}

// Counts returns the number of requests per operation since the last Reset.
func (c *Counter) Counts() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// Total returns the number of requests since the last Reset.
func (c *Counter) Total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total int64
	for _, v := range c.n {
		total += v
	}
	return total
}

// Reset sets every count to zero.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.n)
}
