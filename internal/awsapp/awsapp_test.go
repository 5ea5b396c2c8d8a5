package awsapp_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

func TestReadEnv(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       map[string]string
		needTable bool
		want      awsapp.Settings
		wantErr   []string
	}{
		{
			name: "users",
			env: map[string]string{
				"TABLE_NAME": "t", "TOKEN_SECRET_ARN": "arn:secret", "LOG_LEVEL": "WARN",
				"ROTATION_OVERLAP_DAYS": "3", "AWS_LAMBDA_FUNCTION_NAME": "stack-UsersFunction-1",
			},
			needTable: true,
			want: awsapp.Settings{
				Table: "t", TokenSecret: "arn:secret", LogLevel: "WARN",
				PreviousTokenFor: 72 * time.Hour, Function: "stack-UsersFunction-1",
			},
		},
		{name: "discovery needs no table", env: map[string]string{"TOKEN_SECRET_ARN": "s"}, want: awsapp.Settings{TokenSecret: "s"}},
		{name: "every missing variable named", needTable: true, wantErr: []string{"TABLE_NAME", "TOKEN_SECRET_ARN"}},
		{
			name: "days not a number", env: map[string]string{"TOKEN_SECRET_ARN": "s", "ROTATION_OVERLAP_DAYS": "a week"},
			wantErr: []string{"ROTATION_OVERLAP_DAYS"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := awsapp.ReadEnv(func(k string) string { return tc.env[k] }, tc.needTable)
			if tc.wantErr != nil {
				for _, w := range tc.wantErr {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("got error %v, want one naming %s", err, w)
					}
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestFromEnv checks that an HTTP function's main gets its handler from a
// good environment, and from a bad one the error and a logger to report it.
func TestFromEnv(t *testing.T) {
	env := map[string]string{"TOKEN_SECRET_ARN": "s", "AWS_REGION": "eu-west-1"}
	h, logger, err := awsapp.FromEnv(func(k string) string { return env[k] }, false)
	if h == nil || logger == nil || err != nil {
		t.Errorf("discovery: got handler %v, logger %v, error %v; want a handler and a logger", h, logger, err)
	}
	h, logger, err = awsapp.FromEnv(func(k string) string { return env[k] }, true)
	if h != nil || logger == nil || err == nil || !strings.Contains(err.Error(), "TABLE_NAME") {
		t.Errorf("users without a table: got handler %v, logger %v, error %v; want no handler, a logger and an error naming TABLE_NAME", h, logger, err)
	}
}

// TestConfigAppliesServiceEndpoints checks that clients built from Config
// use AWS_ENDPOINT_URL_<SERVICE> where it is set and AWS_ENDPOINT_URL
// elsewhere, as they would under the SDK's default configuration.
func TestConfigAppliesServiceEndpoints(t *testing.T) {
	// The SDK's clients consult the process's own AWS_ENDPOINT_URL before
	// the configuration's sources; keep the developer's out of the test.
	t.Setenv("AWS_ENDPOINT_URL", "")
	os.Unsetenv("AWS_ENDPOINT_URL")
	env := map[string]string{
		"AWS_REGION":                       "eu-west-1",
		"AWS_ENDPOINT_URL":                 "http://127.0.0.1:5000",
		"AWS_ENDPOINT_URL_DYNAMODB":        "http://127.0.0.1:8000",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:9000",
	}
	cfg := awsapp.Config(func(k string) string { return env[k] })
	for _, tc := range []struct {
		service string
		got     *string
		want    string
	}{
		{"DynamoDB", dynamodb.NewFromConfig(cfg).Options().BaseEndpoint, "http://127.0.0.1:8000"},
		{"Secrets Manager", secretsmanager.NewFromConfig(cfg).Options().BaseEndpoint, "http://127.0.0.1:9000"},
		{"SNS", sns.NewFromConfig(cfg).Options().BaseEndpoint, "http://127.0.0.1:5000"},
	} {
		if got := aws.ToString(tc.got); got != tc.want {
			t.Errorf("%s endpoint = %q, want %q", tc.service, got, tc.want)
		}
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("region = %q", cfg.Region)
	}
}

// TestHandlerNamesRequestsByLambdasID checks that the handler logs and
// echoes the request id of the Lambda invocation, and outside Lambda the
// caller's X-Request-Id. Discovery with a fixed token needs no AWS call.
func TestHandlerNamesRequestsByLambdasID(t *testing.T) {
	h := awsapp.NewHandler(aws.Config{}, awsapp.Settings{Token: "t0k3n"}, slog.New(slog.DiscardHandler))

	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "aws-req-1"})
	res, err := httpadapter.NewV2(h).ProxyWithContext(ctx, events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/scim/v2/Schemas",
		Headers: map[string]string{"authorization": "Bearer t0k3n", "x-request-id": "caller-1"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/scim/v2/Schemas"},
		},
	})
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("behind the Lambda adapter: %d, %v\n%s", res.StatusCode, err, res.Body)
	}
	if got := res.Headers["X-Request-Id"]; got != "aws-req-1" {
		t.Errorf("behind the Lambda adapter: X-Request-Id %q, want the Lambda request id", got)
	}

	req := httptest.NewRequest("GET", "/scim/v2/Schemas", nil)
	req.Header.Set("Authorization", "Bearer t0k3n")
	req.Header.Set("X-Request-Id", "caller-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); rec.Code != http.StatusOK || got != "caller-1" {
		t.Errorf("under net/http: %d, X-Request-Id %q; want 200 and the caller's id", rec.Code, got)
	}
}
