// Command reconciler is the scheduled Lambda function that repairs what
// failed writes left half-done and notifies the bridge's owner when
// provisioning fails, stalls or uses the wrong token. EventBridge invokes it
// on template.yaml's ReconcileSchedule; its result is the run's report.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/awsapp/reconciler"
	"github.com/scim-bridge/scim-bridge/internal/reconcile"
)

func main() {
	settings, err := reconciler.ReadEnv(os.Getenv)
	logger := awsapp.Logger(settings.LogLevel)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	run := reconciler.New(awsapp.Config(os.Getenv), settings, logger)
	lambda.Start(func(ctx context.Context, _ events.CloudWatchEvent) (reconcile.Report, error) {
		return run(ctx)
	})
}
