// Package webhook delivers the embedded store's change events to an HTTP
// endpoint as CloudEvents 1.0 in structured JSON mode
// (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md and
// …/formats/json-format.md), one event per POST, in the order of the outbox,
// at least once. docs/events.md, "On the embedded store", is the receiver's
// side.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/events"
)

// Outbox is where the events wait: the embedded store keeps them, with the
// cursor of the last one delivered.
type Outbox interface {
	// ReadOutbox calls fn with each event after seq in order, at most
	// limit of them: its sequence and its JSON, valid during the call.
	ReadOutbox(ctx context.Context, seq uint64, limit int, fn func(seq uint64, event []byte) error) error
	// Cursor returns the sequence of the last event delivered.
	Cursor(ctx context.Context) (uint64, error)
	// SaveCursor records durably that the events up to seq were delivered.
	SaveCursor(ctx context.Context, seq uint64) error
}

// SignatureHeader carries the HMAC-SHA256 of the request body under the
// shared secret, as "sha256=" and the hex digest.
const SignatureHeader = "X-Scim-Bridge-Signature"

// ContentType is the media type of a structured-mode CloudEvent in JSON
// (CloudEvents JSON format §3).
const ContentType = "application/cloudevents+json"

// Defaults of Config.
const (
	defaultPoll       = 250 * time.Millisecond
	defaultMinBackoff = 500 * time.Millisecond
	defaultMaxBackoff = time.Minute
	defaultTimeout    = 30 * time.Second
	batch             = 100
)

// Config says where and how to deliver.
type Config struct {
	// URL receives each event in a POST.
	URL string
	// Secret keys the signature header; it must not be empty.
	Secret []byte
	// Client sends the requests; nil is a client with a 30-second
	// timeout.
	Client *http.Client
	// Poll is how often an empty outbox is read again (250 ms if zero).
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait before a failed delivery is
	// tried again (500 ms and 1 minute if zero): it doubles per failure,
	// and a random part of it is dropped (jitter).
	MinBackoff, MaxBackoff time.Duration
}

// Deliverer sends an outbox's events to a webhook.
type Deliverer struct {
	outbox Outbox
	cfg    Config
	logger *slog.Logger
}

// New returns a Deliverer of outbox's events as cfg says. It fails if
// cfg has no URL or no secret.
func New(outbox Outbox, cfg Config, logger *slog.Logger) (*Deliverer, error) {
	if cfg.URL == "" || len(cfg.Secret) == 0 {
		return nil, errors.New("webhook: a URL and a secret are needed")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: defaultTimeout}
	}
	cfg.Poll = or(cfg.Poll, defaultPoll)
	cfg.MinBackoff = or(cfg.MinBackoff, defaultMinBackoff)
	cfg.MaxBackoff = or(cfg.MaxBackoff, defaultMaxBackoff)
	return &Deliverer{outbox: outbox, cfg: cfg, logger: logger}, nil
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Run delivers events from the saved cursor on, each until the receiver
// answers 2xx, moving the cursor after each; it returns when ctx ends, or
// fails if the outbox cannot be read or the cursor saved.
func (d *Deliverer) Run(ctx context.Context) error {
	seq, err := d.outbox.Cursor(ctx)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	for {
		type entry struct {
			seq  uint64
			body []byte
		}
		var next []entry
		err := d.outbox.ReadOutbox(ctx, seq, batch, func(n uint64, ev []byte) error {
			body, err := Envelope(ev)
			if err != nil {
				return fmt.Errorf("event %d: %w", n, err)
			}
			next = append(next, entry{n, body})
			return nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("webhook: %w", err)
		}
		if len(next) == 0 {
			if !sleep(ctx, d.cfg.Poll) {
				return nil
			}
			continue
		}
		for _, e := range next {
			if !d.deliver(ctx, e.seq, e.body) {
				return nil
			}
			if err := d.outbox.SaveCursor(ctx, e.seq); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("webhook: %w", err)
			}
			seq = e.seq
		}
	}
}

// deliver posts body until the receiver takes it, reporting false if ctx
// ended first.
func (d *Deliverer) deliver(ctx context.Context, seq uint64, body []byte) bool {
	wait := d.cfg.MinBackoff
	for attempt := 1; ; attempt++ {
		err := d.post(ctx, body)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d.logger.Warn("webhook delivery failed; retrying", slog.Uint64("seq", seq), slog.Int("attempt", attempt), slog.String("error", err.Error()))
		// Full wait at most, half of it at least: receivers that failed
		// together do not all come back at once.
		if !sleep(ctx, wait/2+rand.N(wait/2+1)) {
			return false
		}
		wait = min(2*wait, d.cfg.MaxBackoff)
	}
}

func (d *Deliverer) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(SignatureHeader, Sign(d.cfg.Secret, body))
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

// Sign returns the signature header's value for body: "sha256=" and the
// hex HMAC-SHA256 of body keyed by secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Envelope returns the structured CloudEvent of a change event's JSON
// (docs/events.md): its id, its type as the CloudEvent's type, the
// resource id as subject, its time, and the event itself as data. The
// source is events.Source and the type the event's type, as on
// EventBridge, so one consumer can match both (docs/decisions.md).
func Envelope(event []byte) ([]byte, error) {
	var ev struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		ResourceID string `json:"resourceId"`
		Time       string `json:"time"`
	}
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, fmt.Errorf("decode the event: %w", err)
	}
	b, err := json.Marshal(struct {
		SpecVersion     string          `json:"specversion"`
		ID              string          `json:"id"`
		Source          string          `json:"source"`
		Type            string          `json:"type"`
		Subject         string          `json:"subject"`
		Time            string          `json:"time"`
		DataContentType string          `json:"datacontenttype"`
		Data            json.RawMessage `json:"data"`
	}{"1.0", ev.ID, events.Source, ev.Type, ev.ResourceID, ev.Time, "application/json", event})
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", ev.ID, err)
	}
	return b, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
