package xray

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// daemonHeader precedes every document sent to the daemon.
const daemonHeader = `{"format":"json","version":1}` + "\n"

// subsegment is an AWS API call in X-Ray's segment document format (X-Ray
// developer guide, "AWS X-Ray segment documents": "Subsegments" and "AWS
// SDK calls"), sent on its own with the trace and parent ids, as the X-Ray
// SDKs send theirs in Lambda.
type subsegment struct {
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	TraceID   string    `json:"trace_id"`
	ParentID  string    `json:"parent_id"`
	Type      string    `json:"type"`
	Namespace string    `json:"namespace"`
	StartTime float64   `json:"start_time"`
	EndTime   float64   `json:"end_time"`
	AWS       call      `json:"aws"`
	HTTP      *httpInfo `json:"http,omitempty"`
	Error     bool      `json:"error,omitempty"`
	Throttle  bool      `json:"throttle,omitempty"`
	Fault     bool      `json:"fault,omitempty"`
	Cause     *cause    `json:"cause,omitempty"`
}

// call is the subsegment's aws object: what X-Ray shows of the call.
type call struct {
	Operation string `json:"operation"`
	Region    string `json:"region,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Retries   int    `json:"retries"`
	// TableName is the DynamoDB table of a single-table operation.
	TableName string `json:"table_name,omitempty"`
	// SecretID is the Secrets Manager secret's ARN or name: never its
	// value, which is in the response, not the input.
	SecretID string `json:"secret_id,omitempty"`
}

// httpInfo is the subsegment's http object.
type httpInfo struct {
	Response struct {
		Status int `json:"status"`
	} `json:"response"`
}

// cause is why a call failed: its API error (or, for a call that got no
// answer, the error), as a remote exception of the service.
type cause struct {
	Exceptions []exception `json:"exceptions"`
}

type exception struct {
	ID      string `json:"id"`
	Type    string `json:"type,omitempty"`
	Message string `json:"message"`
	Remote  bool   `json:"remote,omitempty"`
}

// newSubsegment starts the subsegment of the call in ctx, made with params,
// from start to end.
func newSubsegment(ctx context.Context, trace header, params any, start, end time.Time) *subsegment {
	return &subsegment{
		Name:      awsmiddleware.GetServiceID(ctx),
		ID:        newID(),
		TraceID:   trace.root,
		ParentID:  trace.parent,
		Type:      "subsegment",
		Namespace: "aws",
		StartTime: seconds(start),
		EndTime:   seconds(end),
		AWS: call{
			Operation: awsmiddleware.GetOperationName(ctx),
			Region:    awsmiddleware.GetRegion(ctx),
			TableName: inputString(params, "TableName"),
			SecretID:  inputString(params, "SecretId"),
		},
	}
}

// seconds is t in seconds since the epoch, the segment document's times.
func seconds(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

// inputString returns the string field name of an operation's input
// (a pointer to a struct of the SDK), or "" without one.
func inputString(params any, name string) string {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return ""
	}
	f := v.Elem().FieldByName(name)
	if !f.IsValid() || !f.CanInterface() {
		return ""
	}
	if s, ok := f.Interface().(*string); ok && s != nil {
		return *s
	}
	return ""
}

// record adds the call's outcome: the last attempt's status and request
// id, the retries, and for a failed call the flags X-Ray colours it by and
// the cause. The flags follow the segment documents' "Errors and exceptions":
// error for a client error (4xx), throttle with it for a throttled one, and
// fault for everything else, a server error (5xx) or a call that failed
// with no client error to blame.
func (s *subsegment) record(metadata middleware.Metadata, err error) {
	if attempts, ok := retry.GetAttemptResults(metadata); ok && len(attempts.Results) > 0 {
		s.AWS.Retries = len(attempts.Results) - 1
	}
	status := 0
	if resp, ok := awsmiddleware.GetRawResponse(metadata).(*smithyhttp.Response); ok {
		status = resp.StatusCode
	}
	s.AWS.RequestID, _ = awsmiddleware.GetRequestIDMetadata(metadata)
	if respErr, ok := errors.AsType[*awshttp.ResponseError](err); ok {
		status = respErr.HTTPStatusCode()
		s.AWS.RequestID = respErr.ServiceRequestID()
	}
	if status != 0 {
		s.HTTP = &httpInfo{}
		s.HTTP.Response.Status = status
	}
	if err == nil {
		return
	}
	ex := exception{ID: newID(), Type: "error", Message: err.Error()}
	throttled := status == 429
	if apiErr, ok := errors.AsType[smithy.APIError](err); ok {
		// The service's own code and message, not the SDK's wrapping,
		// which repeats the operation and request id.
		ex = exception{ID: ex.ID, Type: apiErr.ErrorCode(), Message: apiErr.ErrorMessage(), Remote: true}
		// DynamoDB throttles with a 400 and a code, not a 429.
		_, code := retry.DefaultThrottleErrorCodes[apiErr.ErrorCode()]
		throttled = throttled || code
	}
	s.Cause = &cause{Exceptions: []exception{ex}}
	switch {
	case status < 400 || status >= 500:
		// No answer (a timeout, a refused connection), a server error,
		// or an answer the SDK could not use (a 200 that fails to decode
		// or its CRC check): the call failed on no account of its input.
		s.Fault = true
	case throttled:
		s.Throttle = true
		s.Error = true
	default:
		s.Error = true
	}
}

// document returns s as the daemon reads it: the header, then the JSON.
func (s *subsegment) document() ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append([]byte(daemonHeader), b...), nil
}
