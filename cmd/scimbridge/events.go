package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"

	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/webhook"
)

// deliverEvents makes the embedded store keep its outbox and delivers it
// to url until ctx ends or stop is called; stop waits for the delivery to
// end. On DynamoDB the table's stream carries the events
// (functions/events) instead.
func deliverEvents(ctx context.Context, store backend, url, secret string, logger *slog.Logger) (stop func(), err error) {
	ps, ok := store.(*pebblestore.Store)
	if !ok {
		return nil, errors.New("--events-url needs the embedded store; on AWS the events go to EventBridge")
	}
	if secret == "" {
		return nil, errors.New("--events-url needs --events-secret or SCIMBRIDGE_EVENTS_SECRET to sign the events")
	}
	d, err := webhook.New(ps, webhook.Config{URL: url, Secret: []byte(secret)}, logger)
	if err != nil {
		return nil, err
	}
	if err := ps.KeepOutbox(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := d.Run(ctx); err != nil {
			logger.Error("event delivery stopped", slog.String("error", err.Error()))
		}
	}()
	return func() { cancel(); <-done }, nil
}

// eventsCmd runs `scimbridge events tail`: the outbox as JSON lines. It
// opens the store itself, so serve must be stopped (Pebble locks the
// directory).
func eventsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "tail" {
		return errors.New("usage: scimbridge events tail [--data DIR] [--since SEQ]")
	}
	fl := newFlags("events tail")
	var data string
	dataFlag(fl, &data, "data directory of the embedded store")
	since := fl.Uint64("since", 0, "print the events after this sequence number")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	s, err := openEmbedded(data)
	if err != nil {
		return fmt.Errorf("%w (stop scimbridge serve first: it holds the store)", err)
	}
	defer s.Close()
	// JSON lines of the sequence and the event; --since a line's seq
	// goes on after it.
	return s.ReadOutbox(ctx, *since, math.MaxInt, func(seq uint64, ev []byte) error {
		_, err := fmt.Fprintf(stdout, "{\"seq\":%d,\"event\":%s}\n", seq, ev)
		return err
	})
}
