// Command users is the Lambda function serving SCIM /Users behind API
// Gateway's HTTP API (payload 2.0).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

func main() {
	lambda.Start(httpadapter.NewV2(awsapp.Main(true)).ProxyWithContext)
}
