// Package lambdatest runs the bridge's Lambda functions the way
// `sam local invoke` does, without Docker: it builds a function's bootstrap
// for the host, runs it under aws-lambda-rie (the Runtime Interface
// Emulator inside SAM's images) and posts API Gateway HTTP API events to it,
// against moto_server for DynamoDB and Secrets Manager.
//
// The tests of this package replay every file in events/ through the
// functions the template routes them to; `make invoke` runs one event:
//
//	go run ./internal/lambdatest/invoke -fn Users -event events/users-test-connection.json
package lambdatest
