package dynamo

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxTxItems is DynamoDB's limit of items in one TransactWriteItems.
const maxTxItems = 100

// Tries of a transaction that lost to concurrent transactions on the same
// items (a counter, or a unique key two clients create at once). DynamoDB
// cancels the loser with TransactionConflict and the SDK does not retry
// that. Entra sends up to a few dozen requests at once, so a loser may lose
// again: full-jitter exponential backoff spreads the retries, at most
// about 630 ms of waiting in all, bounded by the request's context.
const (
	txAttempts   = 8
	txBackoff    = 10 * time.Millisecond
	txMaxBackoff = 160 * time.Millisecond
)

// txWrite is one write of a transaction and what a failure of its condition
// means.
type txWrite struct {
	types.TransactWriteItem
	// onFail returns the error for a failed condition, given the item as
	// it was (nil if absent; the write asks for ALL_OLD to see it). Nil
	// means the condition cannot fail.
	onFail func(old item) error
}

// transact runs writes as one transaction. A failed condition becomes the
// failing write's onFail error; a conflict with other transactions is
// retried with jittered backoff, then returned as it is (unavailable).
func (s *Store) transact(ctx context.Context, writes []txWrite) error {
	in := &dynamodb.TransactWriteItemsInput{TransactItems: make([]types.TransactWriteItem, len(writes))}
	for i, w := range writes {
		in.TransactItems[i] = w.TransactWriteItem
	}
	for attempt := 1; ; attempt++ {
		// A fresh idempotency token for every try: a retry is a new
		// transaction, not a replay of the cancelled one.
		in.ClientRequestToken = nil
		_, err := s.client.TransactWriteItems(ctx, in)
		var tc *types.TransactionCanceledException
		if err == nil || !errors.As(err, &tc) {
			return err
		}
		conflict := false
		for i, r := range tc.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				if i < len(writes) && writes[i].onFail != nil {
					return writes[i].onFail(r.Item)
				}
			case "TransactionConflict":
				conflict = true
			}
		}
		if !conflict || attempt == txAttempts {
			return err
		}
		if err := sleep(ctx, txDelay(attempt)); err != nil {
			return err
		}
	}
}

// txDelay is the wait before the retry after attempt: a random time up to
// txBackoff doubled per attempt, capped at txMaxBackoff.
func txDelay(attempt int) time.Duration {
	ceiling := min(txBackoff<<(attempt-1), txMaxBackoff)
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// chunks splits s into slices of at most n elements.
func chunks[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}
