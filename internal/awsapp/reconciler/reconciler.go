// Package reconciler wires the scheduled reconciler for AWS Lambda: its
// configuration from the environment, DynamoDB, SNS and Secrets Manager. It
// is apart from package awsapp so the HTTP functions do not link SNS and the
// reconciler.
package reconciler

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/notify"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// Env is the configuration the reconciler reads from its environment.
type Env struct {
	// Table is the DynamoDB table (TABLE_NAME).
	Table string
	// Topic is the SNS topic's ARN for notices (TOPIC_ARN); empty logs
	// them instead.
	Topic string
	// TokenSecret is the token's secret (TOKEN_SECRET_ARN), whose rotation
	// time the previous-token check reads; empty turns that check off.
	TokenSecret string
	// PurgeDisabledAfterDays deletes users disabled for longer
	// (PURGE_DISABLED_AFTER_DAYS, default 0: never).
	PurgeDisabledAfterDays int
	// MaxItems bounds the items a run reads (RECONCILE_MAX_ITEMS, default
	// reconcile.DefaultMaxItems).
	MaxItems int
	// LogLevel is DEBUG, INFO, WARN or ERROR (LOG_LEVEL, default INFO).
	LogLevel string
}

// ReadEnv reads Env with getenv. It returns an error
// naming every missing or malformed variable.
func ReadEnv(getenv func(string) string) (Env, error) {
	e := Env{
		Table: getenv("TABLE_NAME"), Topic: getenv("TOPIC_ARN"),
		TokenSecret: getenv("TOKEN_SECRET_ARN"), LogLevel: getenv("LOG_LEVEL"),
	}
	var problems []string
	if e.Table == "" {
		problems = append(problems, "missing TABLE_NAME")
	}
	for name, dst := range map[string]*int{"PURGE_DISABLED_AFTER_DAYS": &e.PurgeDisabledAfterDays, "RECONCILE_MAX_ITEMS": &e.MaxItems} {
		v := getenv(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("%s=%q is not a whole number", name, v))
		}
		*dst = n
	}
	if len(problems) > 0 {
		return e, fmt.Errorf("bad configuration: %s", strings.Join(problems, ", "))
	}
	return e, nil
}

// New builds the scheduled reconciler over DynamoDB, SNS and Secrets
// Manager: a function that runs it once with the clock's time. It makes no
// network call.
func New(env Env, logger *slog.Logger) func(context.Context) (reconcile.Report, error) {
	cfg := awsapp.Config(os.Getenv)
	opts := reconcile.Options{
		Store:              dynamo.New(dynamodb.NewFromConfig(cfg, awsapp.DynamoDBEndpoint), env.Table),
		Notifier:           notify.NewLog(logger),
		Logger:             logger,
		MaxItems:           env.MaxItems,
		PurgeDisabledAfter: time.Duration(env.PurgeDisabledAfterDays) * 24 * time.Hour,
	}
	if env.Topic != "" {
		opts.Notifier = notify.NewSNS(sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = awsapp.ServiceEndpoint(os.Getenv, "SNS", o.BaseEndpoint) }), env.Topic)
	}
	if env.TokenSecret != "" {
		opts.Rotation = secrets.New(secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
			o.BaseEndpoint = awsapp.ServiceEndpoint(os.Getenv, "SECRETS_MANAGER", o.BaseEndpoint)
		}), env.TokenSecret, logger, secrets.Options{})
	}
	return func(ctx context.Context) (reconcile.Report, error) { return reconcile.Run(ctx, opts) }
}

// Main is what the reconciler's main does: read the environment and build
// the reconciler, or log one clear line and exit.
func Main() func(context.Context) (reconcile.Report, error) {
	env, err := ReadEnv(os.Getenv)
	logger := awsapp.Logger(env.LogLevel)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	return New(env, logger)
}
