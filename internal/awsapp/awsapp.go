// Package awsapp builds the bridge's HTTP object graph from an aws.Config
// and explicit Settings: the DynamoDB store, the Secrets Manager token
// source, the service and the HTTP handler (awsapp/reconciler builds the
// scheduled reconciler's). The Lambda functions' mains and `scimbridge
// serve` build through it, so both serve the same graph; mains read the
// environment (ReadEnv, Config) and pass it in.
package awsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Settings are what the HTTP handler's graph needs besides the AWS
// configuration.
type Settings struct {
	// Table is the DynamoDB table (TABLE_NAME); empty for discovery, which
	// reads no directory data.
	Table string
	// TokenSecret is the Secrets Manager secret's ARN or name holding the
	// Secret Token (TOKEN_SECRET_ARN).
	TokenSecret string
	// Token, when TokenSecret is empty, is the one Secret Token accepted:
	// the local command's --token. Lambda functions never set it.
	Token string
	// LogLevel is DEBUG, INFO, WARN or ERROR (LOG_LEVEL, default INFO).
	LogLevel string
}

// ReadEnv reads a Lambda function's Settings with getenv. needTable says
// whether TABLE_NAME is required. It returns an error naming every missing
// variable.
func ReadEnv(getenv func(string) string, needTable bool) (Settings, error) {
	s := Settings{Table: getenv("TABLE_NAME"), TokenSecret: getenv("TOKEN_SECRET_ARN"), LogLevel: getenv("LOG_LEVEL")}
	var missing []string
	if needTable && s.Table == "" {
		missing = append(missing, "TABLE_NAME")
	}
	if s.TokenSecret == "" {
		missing = append(missing, "TOKEN_SECRET_ARN")
	}
	if len(missing) > 0 {
		return s, fmt.Errorf("missing configuration: %s", strings.Join(missing, ", "))
	}
	return s, nil
}

// Logger returns the JSON logger on stdout that Lambda forwards to CloudWatch.
func Logger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l}))
}

// Config returns the AWS configuration of a Lambda function from its
// environment, read with getenv: the region, the execution role's
// credentials that Lambda puts there, and AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> for emulators. It reads no file and makes no
// call, and links far less than the SDK's full default chain
// (config.LoadDefaultConfig), which the local command keeps using.
func Config(getenv func(string) string) aws.Config {
	cfg := aws.Config{
		Region: getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))),
		ConfigSources: []any{serviceEndpoints(getenv)},
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	return cfg
}

// serviceEndpoints is a configuration source that gives each service
// client the endpoint in AWS_ENDPOINT_URL_<SERVICE>, as the SDK's
// environment source does under config.LoadDefaultConfig: clients built
// with NewFromConfig ask every source in aws.Config.ConfigSources for it.
type serviceEndpoints func(string) string

// GetServiceBaseEndpoint returns the endpoint set for the service whose
// SDK id is sdkID ("DynamoDB", "Secrets Manager", "SNS"): the variable's
// name is that id in upper case with spaces as underscores.
func (getenv serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	ep := getenv("AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(sdkID, " ", "_")))
	return ep, ep != "", nil
}
