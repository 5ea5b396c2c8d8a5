// Command events is the Lambda function that turns the table's DynamoDB
// stream into change events on the stack's EventBridge bus (docs/events.md).
// Its event source mapping in template.yaml sends it the stream's records
// and takes its partial batch failures.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/eventbus"
)

func main() {
	logger := awsapp.Logger(os.Getenv("LOG_LEVEL"))
	bus := os.Getenv("EVENT_BUS_NAME")
	if bus == "" {
		logger.Error("cannot start", "error", "missing configuration: EVENT_BUS_NAME")
		os.Exit(1)
	}
	client := eventbridge.NewFromConfig(awsapp.Config(os.Getenv), func(o *eventbridge.Options) {
		o.BaseEndpoint = awsapp.ServiceEndpoint(os.Getenv, "EVENTBRIDGE", o.BaseEndpoint)
	})
	lambda.Start(eventbus.New(client, bus, logger).Handle)
}
