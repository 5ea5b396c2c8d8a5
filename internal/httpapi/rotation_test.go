package httpapi_test

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/faults"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

// fakeClock is a time that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestSecretsManagerDown checks each way Secrets Manager fails: a warm
// function (tokens cached) keeps accepting the token after its cache's TTL
// and still refuses others; a cold one cannot decide and answers 503 with
// Retry-After, never 401 (which tells Entra its credentials are wrong),
// and recovers when Secrets Manager does.
func TestSecretsManagerDown(t *testing.T) {
	for _, kind := range []faults.Kind{faults.Throttle, faults.ServerError, faults.Timeout, faults.Deadline} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Run("warm", func(t *testing.T) {
				inj := faults.New(faults.Options{Kinds: []faults.Kind{kind}})
				clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
				e := newEnvWith(t, newService(t), httpapi.Config{Tokens: faultySecret(t, inj, secrets.Options{Now: clock.Now})})
				e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users", "")
				inj.SetRate(1)
				clock.Advance(time.Hour)
				for range 3 {
					e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users", "")
				}
				for name, header := range badCredentials(testToken) {
					if res := e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", header); res.status != http.StatusUnauthorized {
						t.Errorf("%s: status %d, want 401", name, res.status)
					}
				}
				if inj.Total() == 0 {
					t.Error("Secrets Manager was never asked while down")
				}
			})
			t.Run("cold", func(t *testing.T) {
				inj := faults.New(faults.Options{Rate: 1, Kinds: []faults.Kind{kind}})
				e := newEnvWith(t, newService(t), httpapi.Config{Tokens: faultySecret(t, inj, secrets.Options{RefreshInterval: time.Nanosecond})})
				for _, header := range []string{"Bearer " + testToken, "Bearer wrong-token"} {
					res := e.do(http.MethodGet, "/scim/v2/Users", "", "Authorization", header)
					if res.status != http.StatusServiceUnavailable {
						t.Fatalf("%q: status %d, want 503\n%s", header, res.status, res.raw)
					}
					checkError(t, res, http.StatusServiceUnavailable, "")
					checkRetryable(t, header, res)
					if res.header.Get("WWW-Authenticate") != "" {
						t.Errorf("%q: 503 with WWW-Authenticate", header)
					}
				}
				inj.SetRate(0)
				e.mustDo(http.StatusOK, http.MethodGet, "/scim/v2/Users", "")
			})
		})
	}
}

// TestRotationEndToEnd rotates the token as an operator does (a new
// version of the secret, then the new token pasted into Entra): the new
// token works at once, the previous one keeps working meanwhile with a
// warning that does not name it, and the one before that stops working.
func TestRotationEndToEnd(t *testing.T) {
	cfg := awstest.Config(t)
	client := secretsmanager.NewFromConfig(cfg)
	name := awstest.Name(t, "token")
	tokens := []string{rand.Text(), rand.Text(), rand.Text()}
	if _, err := client.CreateSecret(t.Context(), &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(tokens[0])}); err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	source := secrets.New(client, name, logger, secrets.Options{Now: clock.Now})
	e := newEnvWith(t, newService(t), httpapi.Config{Tokens: source, Logger: logger})
	status := func(token string) int {
		return e.do(http.MethodGet, "/scim/v2/ServiceProviderConfig", "", "Authorization", "Bearer "+token).status
	}
	rotate := func(token string) {
		t.Helper()
		if _, err := client.PutSecretValue(t.Context(), &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: aws.String(token)}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}

	if got := status(tokens[0]); got != http.StatusOK {
		t.Fatalf("first token: status %d", got)
	}
	rotate(tokens[1])
	for i, want := range []int{200, 200, 200} {
		if got := status(tokens[[]int{1, 0, 1}[i]]); got != want {
			t.Errorf("after the first rotation, token %d: status %d, want %d", []int{1, 0, 1}[i], got, want)
		}
	}
	if !strings.Contains(log.String(), "previous bearer token") {
		t.Errorf("no warning about the previous token in use:\n%s", log)
	}
	rotate(tokens[2])
	for i, want := range []int{200, 200, 401} {
		if got := status(tokens[2-i]); got != want {
			t.Errorf("after the second rotation, token %d: status %d, want %d", 2-i, got, want)
		}
	}
	for i, token := range tokens {
		if strings.Contains(log.String(), token) {
			t.Errorf("the logs hold token %d:\n%s", i, log)
		}
	}
}
