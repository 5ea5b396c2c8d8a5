// Command discovery is the Lambda function serving SCIM discovery and 404s behind API
// Gateway's HTTP API (payload 2.0).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
)

func main() {
	lambda.Start(httpadapter.NewV2(awsapp.Main(false)).ProxyWithContext)
}
