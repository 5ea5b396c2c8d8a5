package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/scim-bridge/scim-bridge/internal/awsapp/reconciler"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

// reconcileCmd is `scimbridge reconcile`: one run of the reconciler on
// either store, printing its report as JSON. Notices are logged, or
// published to --topic.
func reconcileCmd(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fl := newFlags("reconcile")
	var w where
	w.flags(fl, "directory of the embedded store")
	var s reconciler.Settings
	fl.BoolVar(&s.DryRun, "dry-run", false, "report what would be repaired and sent; change and send nothing")
	fl.StringVar(&s.Topic, "topic", "", "SNS topic ARN to publish notices to (default: log them)")
	fl.StringVar(&s.TokenSecret, "token-secret", "", "Secrets Manager secret of the token, to check for the previous token's use after rotation")
	fl.IntVar(&s.PurgeDisabledAfterDays, "purge-disabled-after-days", 0, "delete users disabled for longer than this many days (0: never)")
	fl.IntVar(&s.MaxItems, "max-items", reconcile.DefaultMaxItems, "most items to check in this run")
	if err := fl.Parse(args); err != nil {
		return err
	}
	s.Table = w.table
	cfg, err := awsConfig(ctx, w.onAWS() || s.Topic != "" || s.TokenSecret != "")
	if err != nil {
		return err
	}
	store, closeStore, err := w.open(cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	// The reconciler function's graph, on either store.
	rep, runErr := reconcile.Run(ctx, reconciler.Options(cfg, s, store, logger))
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("print the report: %w", err)
	}
	fmt.Fprintf(stdout, "%s\n", out)
	return runErr
}
