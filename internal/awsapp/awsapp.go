// Package awsapp builds the bridge's HTTP object graph from an aws.Config
// and explicit Settings: the DynamoDB store, the Secrets Manager token
// source, the service and the HTTP handler (awsapp/reconciler builds the
// scheduled reconciler's). The Lambda functions' mains and `scimbridge
// serve` build through it, so both serve the same graph; mains pass in the
// environment (FromEnv, or ReadEnv and Config).
package awsapp

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/xray"
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
	// PreviousTokenFor is how long after a rotation the secret's previous
	// token is accepted (ROTATION_OVERLAP_DAYS, whole days; 0 selects
	// secrets.DefaultPreviousFor).
	PreviousTokenFor time.Duration
	// Function is the Lambda function's name (AWS_LAMBDA_FUNCTION_NAME),
	// the dimension of its metrics; empty outside Lambda, where no metrics
	// are written.
	Function string
}

// ReadEnv reads a Lambda function's Settings with getenv. needTable says
// whether TABLE_NAME is required. It returns an error naming every missing
// or malformed variable.
func ReadEnv(getenv func(string) string, needTable bool) (Settings, error) {
	s := Settings{
		Table: getenv("TABLE_NAME"), TokenSecret: getenv("TOKEN_SECRET_ARN"), LogLevel: getenv("LOG_LEVEL"),
		Function: getenv("AWS_LAMBDA_FUNCTION_NAME"),
	}
	var problems []string
	if needTable && s.Table == "" {
		problems = append(problems, "missing TABLE_NAME")
	}
	if s.TokenSecret == "" {
		problems = append(problems, "missing TOKEN_SECRET_ARN")
	}
	if v := getenv("ROTATION_OVERLAP_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 {
			problems = append(problems, fmt.Sprintf("ROTATION_OVERLAP_DAYS=%q is not a whole number of days", v))
		}
		s.PreviousTokenFor = time.Duration(days) * 24 * time.Hour
	}
	if len(problems) > 0 {
		return s, fmt.Errorf("bad configuration: %s", strings.Join(problems, ", "))
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

// Metrics returns the writer of a Lambda function's metrics in CloudWatch's
// Embedded Metric Format, on stdout beside its logs, with the function's
// name as a dimension; nil, writing nothing, for no function (outside
// Lambda).
func Metrics(function string) *emf.Logger {
	if function == "" {
		return nil
	}
	return emf.New(os.Stdout, emf.Namespace, emf.Dimension{Name: "Function", Value: function})
}

// Config returns the AWS configuration of a Lambda function from its
// environment, read with getenv: the region, the execution role's
// credentials that Lambda puts there, and AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> for emulators. Under active tracing, where
// Lambda sets AWS_XRAY_DAEMON_ADDRESS, every client's calls are X-Ray
// subsegments of the invocation (internal/xray). It reads no file and makes
// no call, and links far less than the SDK's full default chain
// (config.LoadDefaultConfig), which the local command keeps using.
func Config(getenv func(string) string) aws.Config {
	cfg := aws.Config{
		Region: getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))),
		ConfigSources: []any{serviceEndpoints(getenv)},
	}
	if tracer := xray.New(getenv("AWS_XRAY_DAEMON_ADDRESS")); tracer != nil {
		cfg.APIOptions = append(cfg.APIOptions, tracer.Register)
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
