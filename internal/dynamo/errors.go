package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/scim-bridge/scim-bridge/internal/directory"
)

// wrap prefixes *errp with the operation, and makes an error that means
// "DynamoDB cannot answer now" wrap directory.ErrUnavailable too, so the HTTP
// layer answers 503 with Retry-After. Use it deferred, once per exported
// method.
func wrap(errp *error, format string, args ...any) {
	err := *errp
	if err == nil {
		return
	}
	op := fmt.Sprintf(format, args...)
	if unavailable(err) && !errors.Is(err, directory.ErrUnavailable) {
		*errp = fmt.Errorf("dynamo: %s: %w: %w", op, directory.ErrUnavailable, err)
		return
	}
	*errp = fmt.Errorf("dynamo: %s: %w", op, err)
}

// retryables classifies errors as the SDK's retryer does: throttling,
// 5xx, timeouts and broken connections are transient, a cancelled
// context is not.
var retryables = retry.IsErrorRetryables(retry.DefaultRetryables)

// unavailable reports whether err means DynamoDB could not answer now, after
// the SDK's own retries: throttling, a server fault, an unreachable endpoint,
// a deadline, or a transaction that lost to others on the same items.
func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if retryables.IsErrorRetryable(err) == aws.TrueTernary {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorFault() == smithy.FaultServer {
		return true
	}
	var tc *types.TransactionCanceledException
	if errors.As(err, &tc) {
		for _, r := range tc.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded":
				return true
			}
		}
	}
	return false
}
