package entra_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/scim-bridge/scim-bridge/internal/awsapp"
	"github.com/scim-bridge/scim-bridge/internal/entra"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/lambdatest"
	"github.com/scim-bridge/scim-bridge/internal/pebblestore"
	"github.com/scim-bridge/scim-bridge/internal/webhook"
)

// TestProvisioningCycleEventsOnTheEmbeddedStore is
// TestProvisioningCycleEvents on the embedded store: the same cycles
// through the same handler, the store's outbox delivered by the webhook to
// a loopback receiver that checks each request's signature. The receiver
// must get exactly the events the AWS side's queue must (expectedEvents),
// each resource's in order, with the ids and the schema the AWS side's are
// checked for (receivedEvents).
func TestProvisioningCycleEventsOnTheEmbeddedStore(t *testing.T) {
	for _, v := range eventsVariants {
		t.Run(v.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			store, err := pebblestore.Open(filepath.Join(t.TempDir(), "directory"))
			if err != nil {
				t.Fatal(err)
			}
			if err := store.KeepOutbox(ctx); err != nil {
				t.Fatal(err)
			}
			const token = "embedded-events-token"
			bridge := httptest.NewServer(awsapp.Handler(store, awsapp.Tokens(aws.Config{}, awsapp.Settings{Token: token}, store, nil, logger), nil, logger))
			defer bridge.Close()

			secret := []byte("webhook-secret")
			var mu sync.Mutex
			var envs []lambdatest.Envelope
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if r.Header.Get(webhook.SignatureHeader) != webhook.Sign(secret, body) {
					t.Errorf("an unsigned or wrongly signed request: %s", body)
				}
				var ce struct {
					ID, Source, Type, Time string
					Data                   json.RawMessage
				}
				if err := json.Unmarshal(body, &ce); err != nil {
					t.Error(err)
				}
				mu.Lock()
				envs = append(envs, lambdatest.Envelope{ID: ce.ID, DetailType: ce.Type, Source: ce.Source, Time: ce.Time, Detail: ce.Data})
				mu.Unlock()
			}))
			defer receiver.Close()
			d, err := webhook.New(store, webhook.Config{URL: receiver.URL, Secret: secret, Poll: 5 * time.Millisecond}, logger)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error)
			go func() { done <- d.Run(ctx) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
				if err := store.Close(); err != nil {
					t.Error(err)
				}
			}()

			c, err := entra.NewClient(bridge.URL+httpapi.DefaultBasePath, token, entra.Options{Dialect: v.dialect, Doer: bridge.Client()})
			if err != nil {
				t.Fatal(err)
			}
			want := playEventsCycle(t, c, v.senders, shortEventsCycle)

			n := countExpected(want)
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				mu.Lock()
				got := len(envs)
				mu.Unlock()
				if got >= n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d events received in 30 s, %d expected", got, n)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			got := receivedEvents(t, envs)
			t.Logf("%d events received for %d resources (%d expected)", len(envs), len(got), n)
			compareEvents(t, got, want)
		})
	}
}
