// Package lambdatest runs the bridge's Lambda functions the way
// `sam local invoke` does, without Docker: it builds a function's bootstrap
// for the host, runs it under aws-lambda-rie (the Runtime Interface
// Emulator inside SAM's images) and posts API Gateway HTTP API events (or
// scheduled or DynamoDB stream events) to it, against moto_server for
// DynamoDB, Secrets Manager and EventBridge. Stream reads a table's stream
// as an event source mapping hands it to Lambda, and Listen is a rule that
// sends an event bus's events to a queue, as a consumer's would.
//
// The tests of this package replay every file in events/ through the
// functions the template routes them to; `make invoke` runs one event:
//
//	go run ./internal/lambdatest/invoke -fn Users -event events/users-test-connection.json
package lambdatest
