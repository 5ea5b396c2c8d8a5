package awsapp

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/directory"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/journal"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// Store is what the handler needs of a store: the directory, and the
// failure journal it writes for the reconciler.
type Store interface {
	directory.Store
	journal.Writer
}

// FromEnv is what an HTTP function's main builds, from its environment
// read with getenv: the Settings (ReadEnv; needTable as there), the logger
// at their level, and NewHandler over Config. On an error it returns no
// handler, and the logger to report the error with. Like NewHandler it
// makes no network call.
func FromEnv(getenv func(string) string, needTable bool) (http.Handler, *slog.Logger, error) {
	s, err := ReadEnv(getenv, needTable)
	logger := Logger(s.LogLevel)
	if err != nil {
		return nil, logger, err
	}
	return NewHandler(Config(getenv), s, logger), logger, nil
}

// NewHandler returns the HTTP functions' handler: the directory on
// s.Table's DynamoDB table, which also keeps the failure journal (no table:
// discovery only), behind the Secret Token of Tokens. It makes no network
// call: the token is fetched on the first request, so nothing slow happens
// in Lambda's init.
func NewHandler(cfg aws.Config, s Settings, logger *slog.Logger) http.Handler {
	metrics := Metrics(s.Function)
	if s.Table == "" {
		return Handler(nil, Tokens(cfg, s, nil, metrics, logger), metrics, logger)
	}
	store := NewStore(cfg, s.Table)
	return Handler(store, Tokens(cfg, s, store, metrics, logger), metrics, logger)
}

// NewStore returns the directory store on a DynamoDB table. It makes no
// network call.
func NewStore(cfg aws.Config, table string) *dynamo.Store {
	return dynamo.New(dynamodb.NewFromConfig(cfg), table)
}

// Tokens returns the Secret Tokens s accepts: those of the secret
// s.TokenSecret, fetched on first use and cached, each use of its previous
// token marked in j for the reconciler (nil marks nothing) and counted in
// metrics; else s.Token alone.
func Tokens(cfg aws.Config, s Settings, j journal.Writer, metrics *emf.Logger, logger *slog.Logger) httpapi.TokenSource {
	if s.TokenSecret == "" {
		return httpapi.StaticTokens(s.Token)
	}
	mark := func(context.Context) {}
	if j != nil {
		mark = journal.Marker(j, journal.SeenPreviousToken, logger)
	}
	opts := secrets.Options{PreviousFor: s.PreviousTokenFor, OnPrevious: func(ctx context.Context) {
		metrics.Count("PreviousTokenUses")
		mark(ctx)
	}}
	return secrets.New(secretsmanager.NewFromConfig(cfg), s.TokenSecret, logger, opts)
}

// Handler returns the SCIM handler over store, which keeps the failure
// journal (nil serves discovery only), accepting tokens, counting requests
// in metrics (nil counts nothing) and naming each request by Lambda's
// request id when it has one.
func Handler(store Store, tokens httpapi.TokenSource, metrics *emf.Logger, logger *slog.Logger) http.Handler {
	cfg := httpapi.Config{Tokens: tokens, Logger: logger, RequestID: RequestID, Metrics: metrics}
	var svc *directory.Service
	if store != nil {
		svc = directory.New(store, directory.Options{})
		cfg.FailureLog = store
	}
	return httpapi.New(svc, cfg)
}

// RequestID returns the id Lambda gave the invocation r arrived in, ""
// outside Lambda: the handler then logs and echoes the id CloudWatch shows
// for the invocation.
func RequestID(r *http.Request) string {
	if lc, ok := lambdacontext.FromContext(r.Context()); ok {
		return lc.AwsRequestID
	}
	return ""
}
