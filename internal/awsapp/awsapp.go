// Package awsapp builds the bridge's parts for AWS Lambda from a function's
// environment: the DynamoDB store, the Secrets Manager token source, the
// service and the HTTP handler. Lambda mains call it once, outside the
// invocation path, and stay wiring only.
package awsapp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// Env is the configuration a function reads from its environment.
type Env struct {
	// Table is the DynamoDB table (TABLE_NAME); empty for discovery, which
	// reads no directory data.
	Table string
	// TokenSecret is the Secrets Manager secret's ARN or name (TOKEN_SECRET_ARN).
	TokenSecret string
	// LogLevel is DEBUG, INFO, WARN or ERROR (LOG_LEVEL, default INFO).
	LogLevel string
}

// ReadEnv reads Env with getenv. needTable says whether TABLE_NAME is
// required. It returns an error naming every missing variable.
func ReadEnv(getenv func(string) string, needTable bool) (Env, error) {
	e := Env{Table: getenv("TABLE_NAME"), TokenSecret: getenv("TOKEN_SECRET_ARN"), LogLevel: getenv("LOG_LEVEL")}
	var missing []string
	if needTable && e.Table == "" {
		missing = append(missing, "TABLE_NAME")
	}
	if e.TokenSecret == "" {
		missing = append(missing, "TOKEN_SECRET_ARN")
	}
	if len(missing) > 0 {
		return e, fmt.Errorf("missing configuration: %s", strings.Join(missing, ", "))
	}
	return e, nil
}

// Logger returns the JSON logger on stdout that Lambda forwards to CloudWatch.
func Logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l}))
}

// Handler builds the HTTP handler over DynamoDB and Secrets Manager, with
// the table as its failure log when it has one. It makes no network call:
// the token is fetched on the first request, so nothing slow happens in
// Lambda's init.
func Handler(ctx context.Context, env Env, logger *slog.Logger) (http.Handler, error) {
	cfg := Config(os.Getenv)
	var svc *directory.Service
	hc := httpapi.Config{Logger: logger}
	var opts secrets.Options
	if env.Table != "" {
		store := dynamo.New(dynamodb.NewFromConfig(cfg, DynamoDBEndpoint), env.Table)
		svc = directory.New(store, directory.Options{})
		// The failure log and the uses of the previous token go to the
		// table, for the reconciler.
		hc.FailureLog = store
		opts.OnPrevious = journal.Marker(store, journal.SeenPreviousToken, logger)
	}
	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		o.BaseEndpoint = ServiceEndpoint(os.Getenv, "SECRETS_MANAGER", o.BaseEndpoint)
	})
	hc.Tokens = secrets.New(sm, env.TokenSecret, logger, opts)
	return httpapi.New(svc, hc), nil
}

// Main is what a function's main does: read the environment, build the
// handler, or log one clear line and exit. It returns the handler to serve.
func Main(needTable bool) http.Handler {
	env, err := ReadEnv(os.Getenv, needTable)
	logger := Logger(env.LogLevel)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	h, err := Handler(context.Background(), env, logger)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	return h
}

// Config returns the AWS configuration of a Lambda function from its
// environment: the region, the execution role's credentials that Lambda
// puts there, and AWS_ENDPOINT_URL for emulators. It reads no file and
// makes no call, and links far less than the SDK's full default chain
// (config.LoadDefaultConfig), which the local command keeps using.
func Config(getenv func(string) string) aws.Config {
	cfg := aws.Config{
		Region: getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))),
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	return cfg
}

// ServiceEndpoint returns AWS_ENDPOINT_URL_<service> when it is set, else
// base: the SDK's service-specific endpoint variables.
func ServiceEndpoint(getenv func(string) string, service string, base *string) *string {
	if ep := getenv("AWS_ENDPOINT_URL_" + service); ep != "" {
		return aws.String(ep)
	}
	return base
}

// DynamoDBEndpoint is the client option that applies
// AWS_ENDPOINT_URL_DYNAMODB.
func DynamoDBEndpoint(o *dynamodb.Options) {
	o.BaseEndpoint = ServiceEndpoint(os.Getenv, "DYNAMODB", o.BaseEndpoint)
}
