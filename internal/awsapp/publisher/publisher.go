// Package publisher builds the events function's object graph from an
// aws.Config and explicit Settings: the EventBridge client and the
// publisher of the table's stream (docs/events.md). It is apart from
// package awsapp so the HTTP functions do not link EventBridge, and the
// events function neither the HTTP handler nor Secrets Manager.
package publisher

import (
	"errors"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/scim-bridge/scim-bridge/internal/eventbus"
)

// Settings are what the events function's graph needs besides the AWS
// configuration.
type Settings struct {
	// EventBus is the name or ARN of the bus the events go to
	// (EVENT_BUS_NAME).
	EventBus string
	// LogLevel is DEBUG, INFO, WARN or ERROR (LOG_LEVEL, default INFO).
	LogLevel string
}

// ReadEnv reads the events function's Settings with getenv. It fails when
// EVENT_BUS_NAME is missing.
func ReadEnv(getenv func(string) string) (Settings, error) {
	s := Settings{EventBus: getenv("EVENT_BUS_NAME"), LogLevel: getenv("LOG_LEVEL")}
	if s.EventBus == "" {
		return s, errors.New("missing configuration: EVENT_BUS_NAME")
	}
	return s, nil
}

// New returns the publisher of stream records to s.EventBus. It makes no
// network call.
func New(cfg aws.Config, s Settings, logger *slog.Logger) *eventbus.Publisher {
	return eventbus.New(eventbridge.NewFromConfig(cfg), s.EventBus, logger)
}
