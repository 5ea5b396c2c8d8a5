package xray

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/scim-bridge/scim-bridge/internal/xray/xraytest"
)

// answered is the error a client returns for an answer with status whose
// body says err, wrapped as the SDK wraps it.
func answered(status int, err error) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "PutItem", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "request-1",
	}}
}

func apiError(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "the service's message", Fault: smithy.FaultClient}
}

// decode reads s's document as the daemon does.
func decode(t *testing.T, s *subsegment) xraytest.Subsegment {
	t.Helper()
	doc, err := s.document()
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(doc, []byte("\n"))
	if string(head)+"\n" != daemonHeader {
		t.Fatalf("got header %q, want %q", head, daemonHeader)
	}
	var got xraytest.Subsegment
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRecordFlagsAFailedCall(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		err                    error
		status                 int
		error, throttle, fault bool
		causeType              string
		requestID              string
	}{
		{
			name: "a 429 is throttled and a client error", err: answered(429, apiError("TooManyRequestsException")),
			status: 429, error: true, throttle: true, causeType: "TooManyRequestsException", requestID: "request-1",
		},
		{
			name: "a 429 without an error code is throttled", err: answered(429, errors.New("rate exceeded")),
			status: 429, error: true, throttle: true, causeType: "error", requestID: "request-1",
		},
		{
			name: "DynamoDB's throughput code on a 400 is throttled", err: answered(400, apiError("ProvisionedThroughputExceededException")),
			status: 400, error: true, throttle: true, causeType: "ProvisionedThroughputExceededException", requestID: "request-1",
		},
		{
			name: "ThrottlingException on a 400 is throttled", err: answered(400, apiError("ThrottlingException")),
			status: 400, error: true, throttle: true, causeType: "ThrottlingException", requestID: "request-1",
		},
		{
			name: "a secret version that does not exist is a client error only", err: answered(400, apiError("ResourceNotFoundException")),
			status: 400, error: true, causeType: "ResourceNotFoundException", requestID: "request-1",
		},
		{
			name: "a 500 is a fault", err: answered(500, apiError("InternalServerError")),
			status: 500, fault: true, causeType: "InternalServerError", requestID: "request-1",
		},
		{
			name: "a 503 is a fault", err: answered(503, apiError("ServiceUnavailable")),
			status: 503, fault: true, causeType: "ServiceUnavailable", requestID: "request-1",
		},
		{
			name: "a 200 that fails to decode is a fault", err: answered(200, &smithy.DeserializationError{Err: errors.New("unexpected EOF")}),
			status: 200, fault: true, causeType: "error", requestID: "request-1",
		},
		{
			name: "a call without an answer is a fault", err: &smithy.OperationError{Err: errors.New("connection refused")},
			fault: true, causeType: "error",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &subsegment{}
			s.record(middleware.Metadata{}, tc.err)
			got := decode(t, s)
			if got.HTTP.Response.Status != tc.status || got.AWS.RequestID != tc.requestID {
				t.Errorf("got status %d, request id %q; want %d, %q", got.HTTP.Response.Status, got.AWS.RequestID, tc.status, tc.requestID)
			}
			if got.Error != tc.error || got.Throttle != tc.throttle || got.Fault != tc.fault {
				t.Errorf("got error %t, throttle %t, fault %t; want %t, %t, %t",
					got.Error, got.Throttle, got.Fault, tc.error, tc.throttle, tc.fault)
			}
			if len(got.Cause.Exceptions) != 1 || got.Cause.Exceptions[0].Type != tc.causeType {
				t.Errorf("got cause %+v, want one exception of type %q", got.Cause, tc.causeType)
			}
		})
	}
}

func TestConcurrentSendsAllArrive(t *testing.T) {
	daemon := xraytest.Listen(t)
	tr := New(daemon.Addr)
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			tr.send(newSubsegment(t.Context(), header{root: "1-5759e988-bd862e3fe1be46a994272793", parent: "53995c3f42cd8ad8"}, nil, time.Now(), time.Now()))
		})
	}
	wg.Wait()
	for range n {
		daemon.Next(t)
	}
}
