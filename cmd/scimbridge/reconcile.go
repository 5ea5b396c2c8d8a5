package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/scim-bridge/scim-bridge/internal/notify"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// reconcileCmd is `scimbridge reconcile`: one run of the reconciler on
// either store, printing its report as JSON. Notices are logged, or
// published to --topic.
func reconcileCmd(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := newFlags("reconcile")
	var b backend
	fl.StringVar(&b.store, "store", "embedded", "where the directory lives: embedded or dynamodb")
	fl.StringVar(&b.data, "data", "./.scimbridge", "directory of the embedded store")
	fl.StringVar(&b.table, "table", "", "DynamoDB table (with --store dynamodb)")
	dryRun := fl.Bool("dry-run", false, "report what would be repaired and sent; change and send nothing")
	topic := fl.String("topic", "", "SNS topic ARN to publish notices to (default: log them)")
	tokenSecret := fl.String("token-secret", "", "Secrets Manager secret of the token, to check for the previous token's use after rotation")
	purgeDays := fl.Int("purge-disabled-after-days", 0, "delete users disabled for longer than this many days (0: never)")
	maxItems := fl.Int("max-items", reconcile.DefaultMaxItems, "most items to check in this run")
	if err := fl.Parse(args); err != nil {
		return err
	}
	st, closeStore, err := b.open(ctx)
	if err != nil {
		return err
	}
	defer closeStore()
	store, ok := st.(reconcile.Store)
	if !ok {
		return fmt.Errorf("the %s store cannot be reconciled", b.store)
	}
	opts := reconcile.Options{
		Store:              store,
		Notifier:           notify.NewLog(logger),
		Logger:             logger,
		DryRun:             *dryRun,
		MaxItems:           *maxItems,
		PurgeDisabledAfter: time.Duration(*purgeDays) * 24 * time.Hour,
	}
	if *topic != "" || *tokenSecret != "" {
		cfg, err := awsConfig(ctx)
		if err != nil {
			return err
		}
		if *topic != "" {
			opts.Notifier = notify.NewSNS(sns.NewFromConfig(cfg), *topic)
		}
		if *tokenSecret != "" {
			opts.Rotation = secrets.New(secretsmanager.NewFromConfig(cfg), *tokenSecret, logger, secrets.Options{})
		}
	}
	rep, runErr := reconcile.Run(ctx, opts)
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("print the report: %w", err)
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return runErr
}
