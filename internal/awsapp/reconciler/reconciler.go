// Package reconciler builds the scheduled reconciler's object graph from
// an aws.Config and explicit Settings: the store, SNS for notices and
// Secrets Manager for the token's rotation. The reconciler function's main
// and `scimbridge reconcile` build through it. It is apart from package
// awsapp so the HTTP functions do not link SNS and the reconciler.
package reconciler

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/notify"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// Settings are what the reconciler's graph needs besides the AWS
// configuration and the store.
type Settings struct {
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
	// PreviousTokenDays is how many days after a rotation the HTTP
	// functions accept the previous token (ROTATION_OVERLAP_DAYS; 0 selects
	// the default), which the previous-token notice tells.
	PreviousTokenDays int
	// DryRun reports what a run would repair and send, and changes and
	// sends nothing: the local command's --dry-run.
	DryRun bool
	// LogLevel is DEBUG, INFO, WARN or ERROR (LOG_LEVEL, default INFO).
	LogLevel string
	// Function is the Lambda function's name (AWS_LAMBDA_FUNCTION_NAME),
	// the dimension of its metrics; empty outside Lambda, where New puts
	// none.
	Function string
}

// ReadEnv reads the reconciler function's Settings with getenv. It returns
// an error naming every missing or malformed variable.
func ReadEnv(getenv func(string) string) (Settings, error) {
	s := Settings{
		Table: getenv("TABLE_NAME"), Topic: getenv("TOPIC_ARN"),
		TokenSecret: getenv("TOKEN_SECRET_ARN"), LogLevel: getenv("LOG_LEVEL"),
		Function: getenv("AWS_LAMBDA_FUNCTION_NAME"),
	}
	var problems []string
	if s.Table == "" {
		problems = append(problems, "missing TABLE_NAME")
	}
	for name, dst := range map[string]*int{
		"PURGE_DISABLED_AFTER_DAYS": &s.PurgeDisabledAfterDays, "RECONCILE_MAX_ITEMS": &s.MaxItems,
		"ROTATION_OVERLAP_DAYS": &s.PreviousTokenDays,
	} {
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
		return s, fmt.Errorf("bad configuration: %s", strings.Join(problems, ", "))
	}
	return s, nil
}

// New returns the scheduled reconciler on s.Table's DynamoDB table: a
// function that runs it once with the clock's time and puts the run's
// counts in s.Function's metrics (awsapp.Metrics). It makes no network call.
func New(cfg aws.Config, s Settings, logger *slog.Logger) func(context.Context) (reconcile.Report, error) {
	opts := Options(cfg, s, awsapp.NewStore(cfg, s.Table), logger)
	metrics := awsapp.Metrics(s.Function)
	return func(ctx context.Context) (reconcile.Report, error) {
		rep, err := reconcile.Run(ctx, opts)
		metrics.Put(nil,
			emf.Metric{Name: "ReconcilerFound", Unit: emf.Count, Value: float64(rep.Found)},
			emf.Metric{Name: "ReconcilerRepairs", Unit: emf.Count, Value: float64(rep.Repaired)},
			emf.Metric{Name: "ReconcilerRepairsFailed", Unit: emf.Count, Value: float64(rep.RepairsFailed)},
			emf.Metric{Name: "ReconcilerNotices", Unit: emf.Count, Value: float64(rep.Notified)})
		return rep, err
	}
}

// Options returns the options of a run over store: notices published to
// s.Topic over SNS (else logged), the token's rotation read from
// s.TokenSecret (else that check is off). It makes no network call.
func Options(cfg aws.Config, s Settings, store reconcile.Store, logger *slog.Logger) reconcile.Options {
	opts := reconcile.Options{
		Store:              store,
		Notifier:           notify.NewLog(logger),
		Logger:             logger,
		DryRun:             s.DryRun,
		MaxItems:           s.MaxItems,
		PurgeDisabledAfter: time.Duration(s.PurgeDisabledAfterDays) * 24 * time.Hour,

		PreviousTokenAccepted: time.Duration(s.PreviousTokenDays) * 24 * time.Hour,
	}
	if s.Topic != "" {
		opts.Notifier = notify.NewSNS(sns.NewFromConfig(cfg), s.Topic)
	}
	if s.TokenSecret != "" {
		opts.Rotation = secrets.New(secretsmanager.NewFromConfig(cfg), s.TokenSecret, logger, secrets.Options{})
	}
	return opts
}
