package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/webhook"
)

// memOutbox is an Outbox in memory.
type memOutbox struct {
	mu     sync.Mutex
	events [][]byte // events[i] has sequence i+1
	cursor uint64
	saved  chan uint64
}

func (o *memOutbox) ReadOutbox(_ context.Context, seq uint64, limit int, fn func(uint64, []byte) error) error {
	o.mu.Lock()
	evs := slices.Clone(o.events)
	o.mu.Unlock()
	for i := int(seq); i < len(evs) && i < int(seq)+limit; i++ {
		if err := fn(uint64(i+1), evs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (o *memOutbox) Cursor(context.Context) (uint64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.cursor, nil
}

func (o *memOutbox) SaveCursor(_ context.Context, seq uint64) error {
	o.mu.Lock()
	o.cursor = seq
	o.mu.Unlock()
	o.saved <- seq
	return nil
}

func event(n int) []byte {
	return fmt.Appendf(nil, `{"id":"id-%d","type":"User Created","resourceType":"User","resourceId":"u%d","version":1,"time":"2026-11-30T09:30:00.000Z"}`, n, n)
}

// TestDeliversInOrderSignedAndRetried checks that every event arrives as a
// signed CloudEvent, in order, that a failed delivery is retried until it
// succeeds, and that the cursor moves after each.
func TestDeliversInOrderSignedAndRetried(t *testing.T) {
	secret := []byte("s3cret")
	var mu sync.Mutex
	var got []string
	fails := 2
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("Content-Type") != webhook.ContentType || r.Header.Get(webhook.SignatureHeader) != webhook.Sign(secret, body) {
			t.Errorf("headers %v: not a signed CloudEvent", r.Header)
		}
		var ce struct {
			SpecVersion, ID, Source, Type, Subject, Time, DataContentType string
			Data                                                          json.RawMessage
		}
		if err := json.Unmarshal(body, &ce); err != nil {
			t.Error(err)
		}
		if ce.SpecVersion != "1.0" || ce.Source != "scim-bridge" || ce.Type != "User Created" || ce.DataContentType != "application/json" ||
			ce.Time != "2026-11-30T09:30:00.000Z" || "id-"+ce.Subject[1:] != ce.ID {
			t.Errorf("envelope %s", body)
		}
		got = append(got, ce.ID)
	}))
	defer srv.Close()

	o := &memOutbox{cursor: 1, saved: make(chan uint64, 10)}
	for i := 1; i <= 4; i++ {
		o.events = append(o.events, event(i))
	}
	d, err := webhook.New(o, webhook.Config{URL: srv.URL, Secret: secret, Poll: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	for _, want := range []uint64{2, 3, 4} {
		if seq := <-o.saved; seq != want {
			t.Fatalf("cursor saved at %d, want %d", seq, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := []string{"id-2", "id-3", "id-4"}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

func TestNewNeedsURLAndSecret(t *testing.T) {
	for _, cfg := range []webhook.Config{{URL: "http://x"}, {Secret: []byte("s")}} {
		if _, err := webhook.New(&memOutbox{}, cfg, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}
