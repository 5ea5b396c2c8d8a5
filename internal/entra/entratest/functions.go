package entratest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
)

// Domain is the API's domain name in the events the in-process gateway
// sends, and TenantURL the Tenant URL that reaches it through Backend's
// Gateway used as a Doer.
const (
	Domain    = "abcdef1234.execute-api.us-east-1.amazonaws.com"
	TenantURL = "https://" + Domain + "/scim/v2"
)

// Backend is the bridge's HTTP API functions, built as their mains build
// them, on a table and a token secret of their own on the AWS emulator.
type Backend struct {
	Gateway *Gateway
	// Token is the Secret Token the functions accept.
	Token string
	// Table and Secret name the functions' table and token secret, for
	// tests that build functions of their own on them.
	Table, Secret string
}

// Start creates, on the moto_server of awstest.Endpoint (so the test
// binary must run through awstest.Main), the table and secret template.yaml
// would create, and builds every HTTP API function of lambdatest.Functions
// the way its main does: awsapp.NewHandler with TABLE_NAME and TOKEN_SECRET_ARN,
// AWS_ENDPOINT_URL pointing at the emulator, behind httpadapter.NewV2. The
// AWS environment variables are set with t.Setenv, so t must not be
// parallel. Functions log warnings and errors to t.
func Start(t testing.TB) *Backend {
	t.Helper()
	endpoint := awstest.Endpoint(t)
	b := &Backend{Token: lambdatest.LocalToken}
	table, secret := awstest.Name(t, "entra"), awstest.Name(t, "token")
	b.Table, b.Secret = table, secret
	cfg := awstest.Config(t)
	if err := lambdatest.Setup(t.Context(), cfg, table, secret); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t's context is done by now; a table left behind only costs the
		// emulator memory.
		_, _ = dynamodb.NewFromConfig(cfg).DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})

	// What Lambda and template.yaml give a function, and nothing of the
	// developer's own AWS configuration.
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": awstest.Region, "AWS_DEFAULT_REGION": awstest.Region,
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(t.TempDir(), "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	tmpl, err := lambdatest.ProjectTemplate()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	functions := map[string]Function{}
	for _, fn := range lambdatest.Functions {
		vars := map[string]string{"TOKEN_SECRET_ARN": secret, "LOG_LEVEL": "WARN"}
		if fn.NeedsTable {
			vars["TABLE_NAME"] = table
		}
		settings, err := awsapp.ReadEnv(func(k string) string { return vars[k] }, fn.NeedsTable)
		if err != nil {
			t.Fatalf("%s: %v", fn.LogicalID(), err)
		}
		h := awsapp.NewHandler(awsapp.Config(os.Getenv), settings, logger)
		functions[fn.LogicalID()] = httpadapter.NewV2(h).ProxyWithContext
	}
	b.Gateway = NewGateway(tmpl, functions)
	return b
}

// Emulated returns a Function that invokes e, a function running under
// aws-lambda-rie, with the event as JSON.
func Emulated(e *lambdatest.Emulator) Function {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		raw, err := json.Marshal(ev)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("encode the event: %w", err)
		}
		out, err := e.Invoke(ctx, raw)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		return *out, nil
	}
}

// testWriter writes the functions' log lines to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}
