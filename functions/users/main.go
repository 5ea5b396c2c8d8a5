// Command users is the Lambda function serving SCIM /Users behind API
// Gateway's HTTP API (payload 2.0).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

func main() {
	h, logger, err := awsapp.FromEnv(os.Getenv, true)
	if err != nil {
		logger.Error("cannot start", "error", err)
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
