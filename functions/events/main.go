// Command events is the Lambda function that turns the table's DynamoDB
// stream into change events on the stack's EventBridge bus (docs/events.md).
// Its event source mapping in template.yaml sends it the stream's records
// and takes its partial batch failures.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/awsapp/publisher"
)

func main() {
	settings, err := publisher.ReadEnv(os.Getenv)
	logger := awsapp.Logger(settings.LogLevel)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	lambda.Start(publisher.New(awsapp.Config(os.Getenv), settings, logger).Handle)
}
