package faults

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fail runs one attempt with the fault kind (0 for none).
func (in *Injector) fail(ctx context.Context, kind Kind, detail uint64, args middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	switch kind {
	case Throttle, ServerError, TransactionConflict:
		return middleware.DeserializeOutput{RawResponse: errorResponse(ctx, kind, detail)}, middleware.Metadata{}, nil
	case Timeout:
		return middleware.DeserializeOutput{}, middleware.Metadata{}, timeout(args)
	case Deadline:
		return middleware.DeserializeOutput{}, middleware.Metadata{}, &smithy.CanceledError{Err: context.DeadlineExceeded}
	case Slow:
		t := time.NewTimer(in.delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return middleware.DeserializeOutput{}, middleware.Metadata{}, &smithy.CanceledError{Err: ctx.Err()}
		case <-t.C:
		}
	case Lost:
		out, md, err := next.HandleDeserialize(ctx, args)
		if err != nil {
			return out, md, err
		}
		if res, ok := out.RawResponse.(*smithyhttp.Response); ok {
			res.Body.Close()
		}
		return middleware.DeserializeOutput{}, md, timeout(args)
	}
	return next.HandleDeserialize(ctx, args)
}

// timeoutError is what net/http returns when a client's timeout passes.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// timeout returns the error the SDK's HTTP transport returns for a request
// that timed out.
func timeout(args middleware.DeserializeInput) error {
	target := ""
	if req, ok := args.Request.(*smithyhttp.Request); ok {
		target = req.URL.String()
	}
	return &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: target, Err: timeoutError{}}}
}

// errorResponse returns the HTTP response the attempt's service sends for
// a fault of kind: its JSON protocol's error shape, named in the body's
// __type and in X-Amzn-ErrorType.
func errorResponse(ctx context.Context, kind Kind, detail uint64) *smithyhttp.Response {
	dynamo := awsmiddleware.GetServiceID(ctx) == "DynamoDB"
	status, typ, body := http.StatusBadRequest, "", ""
	switch kind {
	case Throttle:
		typ, body = "ThrottlingException", `"message":"Rate exceeded"`
		if dynamo && detail%2 == 0 {
			typ = "ProvisionedThroughputExceededException"
			body = `"message":"The level of configured provisioned throughput for the table was exceeded."`
		}
	case ServerError:
		status, typ, body = http.StatusInternalServerError, "InternalServiceError", `"Message":"An error occurred on the server side."`
		if dynamo {
			typ, body = "InternalServerError", `"message":"Internal server error"`
		}
	case TransactionConflict:
		typ, body = "TransactionCanceledException", cancellation(ctx, detail)
	}
	contentType := "application/x-amz-json-1.1"
	if dynamo {
		contentType = "application/x-amz-json-1.0"
		typ = "com.amazonaws.dynamodb.v20120810#" + typ
	}
	text := `{"__type":"` + typ + `",` + body + `}`
	return &smithyhttp.Response{Response: &http.Response{
		StatusCode: status,
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":     {contentType},
			"X-Amzn-Errortype": {typ},
			"X-Amzn-Requestid": {fmt.Sprintf("FAULT%016X", detail)},
		},
		ContentLength: int64(len(text)),
		Body:          io.NopCloser(strings.NewReader(text)),
	}}
}

// cancellation returns the members of a TransactionCanceledException body
// that cancels a transaction because one of its items (chosen by detail) is
// held by another transaction: one reason per item, as DynamoDB sends them.
func cancellation(ctx context.Context, detail uint64) string {
	n, _ := middleware.GetStackValue(ctx, txItemsKey{}).(int)
	n = max(n, 1)
	conflict := int(detail % uint64(n))
	codes := make([]string, n)
	reasons := make([]string, n)
	for i := range n {
		codes[i], reasons[i] = "None", `{"Code":"None"}`
		if i == conflict {
			codes[i], reasons[i] = "TransactionConflict", `{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}`
		}
	}
	return `"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [` + strings.Join(codes, ", ") +
		`]","CancellationReasons":[` + strings.Join(reasons, ",") + `]`
}
