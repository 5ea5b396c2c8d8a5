package dynamo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// DynamoDB's limits per batch request.
const (
	maxBatchWrite = 25
	maxBatchGet   = 100
)

// batchAttempts bounds the requests spent on one batch whose items DynamoDB
// leaves unprocessed (it does so when throttling part of a batch).
const batchAttempts = 8

// backoff waits before retry number attempt (1, 2, …) of unprocessed
// items: exponential from 50 ms, capped at 2 s, with full jitter.
func backoff(ctx context.Context, attempt int) error {
	d := min(50*time.Millisecond<<attempt, 2*time.Second)
	return sleep(ctx, time.Duration(rand.Int64N(int64(d))+1))
}

// batchWrite sends writes in BatchWriteItem requests of 25, retrying the
// unprocessed ones with backoff.
func (s *Store) batchWrite(ctx context.Context, writes []types.WriteRequest) error {
	for _, chunk := range chunks(writes, maxBatchWrite) {
		pending := map[string][]types.WriteRequest{*s.table: chunk}
		for attempt := 1; len(pending) > 0; attempt++ {
			if attempt > batchAttempts {
				return fmt.Errorf("batch write: %d items unprocessed after %d attempts: %w",
					len(pending[*s.table]), batchAttempts, directory.ErrUnavailable)
			}
			if attempt > 1 {
				if err := backoff(ctx, attempt-1); err != nil {
					return err
				}
			}
			out, err := s.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return err
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}

// batchGet reads the items at keys with strongly consistent BatchGetItem
// requests of 100, retrying unprocessed keys with backoff. projection, if
// not empty, names the attributes to return; items come back in no
// particular order and missing ones are left out.
func (s *Store) batchGet(ctx context.Context, keys []item, projection ...string) ([]item, error) {
	var items []item
	for _, chunk := range chunks(keys, maxBatchGet) {
		ka := types.KeysAndAttributes{Keys: chunk, ConsistentRead: aws.Bool(true)}
		if len(projection) > 0 {
			ka.ExpressionAttributeNames = make(map[string]string, len(projection))
			expr := ""
			for i, name := range projection {
				n := fmt.Sprintf("#p%d", i)
				ka.ExpressionAttributeNames[n] = name
				if i > 0 {
					expr += ", "
				}
				expr += n
			}
			ka.ProjectionExpression = aws.String(expr)
		}
		pending := map[string]types.KeysAndAttributes{*s.table: ka}
		for attempt := 1; len(pending) > 0; attempt++ {
			if attempt > batchAttempts {
				return nil, fmt.Errorf("batch get: %d keys unprocessed after %d attempts: %w",
					len(pending[*s.table].Keys), batchAttempts, directory.ErrUnavailable)
			}
			if attempt > 1 {
				if err := backoff(ctx, attempt-1); err != nil {
					return nil, err
				}
			}
			out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, err
			}
			items = append(items, out.Responses[*s.table]...)
			pending = out.UnprocessedKeys
		}
	}
	return items, nil
}
