// Command groups is the Lambda function serving SCIM /Groups behind API
// Gateway's HTTP API (payload 2.0).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

func main() {
	settings, err := awsapp.ReadEnv(os.Getenv, true)
	logger := awsapp.Logger(settings.LogLevel)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	h := awsapp.NewHandler(awsapp.Config(os.Getenv), settings, logger)
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
