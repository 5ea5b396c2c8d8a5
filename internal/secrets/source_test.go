package secrets_test

import (
	"context"
	"net"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/scim-bridge/scim-bridge/internal/awstest"
	"github.com/scim-bridge/scim-bridge/internal/dynamo"
	"github.com/scim-bridge/scim-bridge/internal/secrets"
)

func check(t *testing.T, s *secrets.Source, token string, want bool) {
	t.Helper()
	got, err := s.Check(t.Context(), token)
	if err != nil {
		t.Fatalf("Check(%q): %v", token, err)
	}
	if got != want {
		t.Errorf("Check(%q): got %v, want %v", token, got, want)
	}
}

func TestCheckAcceptsOnlyTheToken(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	for _, tc := range []struct{ name, value string }{
		{"plain", "s3cr3t-Tok3n"},
		{"plain with a pasted newline", "s3cr3t-Tok3n\n"},
		{"JSON", `{"token":"s3cr3t-Tok3n"}`},
		{"JSON with other members", `{"note":"rotated by hand","token":" s3cr3t-Tok3n "}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := secrets.New(client, newSecret(t, client, tc.value), nil, secrets.Options{})
			check(t, s, "s3cr3t-Tok3n", true)
			for _, bad := range []string{"", "s3cr3t-Tok3", "s3cr3t-Tok3n ", "S3CR3T-TOK3N", tc.value + "x"} {
				check(t, s, bad, false)
			}
		})
	}
}

func TestSecretWithoutATokenIsAnErrorThatHidesTheValue(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	for _, tc := range []struct{ name, value string }{
		{"no token member", `{"tok":"hunter2"}`},
		{"empty token", `{"token":""}`},
		{"broken JSON", `{"token":"hunter2"`},
		{"token not a string", `{"token":true}`},
		{"only white space", "  \n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := secrets.New(client, newSecret(t, client, tc.value), nil, secrets.Options{})
			_, err := s.Check(t.Context(), "hunter2")
			if err == nil {
				t.Fatal("got no error")
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "true") {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
}

func TestRotationAcceptsNewAndPreviousToken(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	name := newSecret(t, client, "old-token-1")
	clk, out := newClock(), new(logs)
	s := secrets.New(client, name, out.logger(), secrets.Options{Now: clk.Now})
	check(t, s, "old-token-1", true)

	rotate(t, client, name, `{"token":"new-token-2"}`)
	// No time passes: the miss itself fetches the rotated secret.
	check(t, s, "new-token-2", true)
	check(t, s, "old-token-1", true)
	check(t, s, "old-token-1", true)
	if got := strings.Count(out.String(), "previous bearer token"); got != 1 {
		t.Errorf("got %d warnings about the previous token within a minute, want 1; logs:\n%s", got, out)
	}
	clk.Advance(61 * time.Second)
	check(t, s, "old-token-1", true)
	if got := strings.Count(out.String(), "previous bearer token"); got != 2 {
		t.Errorf("got %d warnings about the previous token after a minute, want 2; logs:\n%s", got, out)
	}

	rotate(t, client, name, "third-token-3")
	clk.Advance(30 * time.Second)
	check(t, s, "third-token-3", true)
	check(t, s, "new-token-2", true)
	check(t, s, "old-token-1", false)

	for _, token := range []string{"old-token-1", "new-token-2", "third-token-3"} {
		if strings.Contains(out.String(), token) {
			t.Errorf("logs contain token %q:\n%s", token, out)
		}
	}
}

func TestRefreshesAreRateLimited(t *testing.T) {
	counter := new(dynamo.Counter)
	client := secretsmanager.NewFromConfig(awstest.Config(t), func(o *secretsmanager.Options) {
		o.APIOptions = append(o.APIOptions, counter.Register)
	})
	clk := newClock()
	s := secrets.New(client, newSecret(t, client, "good-token"), nil, secrets.Options{Now: clk.Now})
	fetches := func() int64 { return counter.Counts()["GetSecretValue"] / 2 } // current and previous

	for _, step := range []struct {
		name    string
		advance time.Duration
		token   string
		times   int
		want    int64
	}{
		{"first check fetches", 0, "bad-token", 1, 1},
		{"a later miss refreshes once", 0, "bad-token", 10, 2},
		{"valid tokens use the cache", 0, "good-token", 10, 2},
		{"misses within the interval do not refresh", 29 * time.Second, "bad-token", 5, 2},
		{"a miss after the interval refreshes", time.Second, "bad-token", 5, 3},
		{"the TTL expires", 5 * time.Minute, "good-token", 5, 4},
	} {
		clk.Advance(step.advance)
		for range step.times {
			check(t, s, step.token, step.token == "good-token")
		}
		if got := fetches(); got != step.want {
			t.Errorf("%s: got %d fetches, want %d", step.name, got, step.want)
		}
	}
}

func TestUnreachableSecretsManager(t *testing.T) {
	noRetry := func(o *secretsmanager.Options) { o.RetryMaxAttempts = 1 }

	t.Run("warm cache keeps working", func(t *testing.T) {
		cfg := awstest.Config(t)
		moto, err := url.Parse(aws.ToString(cfg.BaseEndpoint))
		if err != nil {
			t.Fatal(err)
		}
		name := newSecret(t, secretsmanager.NewFromConfig(cfg), "warm-token")
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(moto))
		cfg.BaseEndpoint = aws.String(proxy.URL)
		clk, out := newClock(), new(logs)
		s := secrets.New(secretsmanager.NewFromConfig(cfg, noRetry), name, out.logger(), secrets.Options{Now: clk.Now})
		check(t, s, "warm-token", true)

		proxy.Close()
		clk.Advance(10 * time.Minute)
		check(t, s, "warm-token", true)
		check(t, s, "other-token", false)
		if !strings.Contains(out.String(), "using the cached one") {
			t.Errorf("got logs %q, want a warning about the failed refresh", out)
		}
		if strings.Contains(out.String(), "warm-token") {
			t.Errorf("logs contain the token:\n%s", out)
		}
	})

	t.Run("cold cache is an error", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l.Close()
		cfg := awstest.Config(t)
		cfg.BaseEndpoint = aws.String("http://" + l.Addr().String())
		s := secrets.New(secretsmanager.NewFromConfig(cfg, noRetry), "any", nil, secrets.Options{})
		ok, err := s.Check(t.Context(), "cold-token")
		if err == nil || ok {
			t.Fatalf("Check: got %v, %v; want false and an error", ok, err)
		}
		if strings.Contains(err.Error(), "cold-token") {
			t.Errorf("error %q contains the token", err)
		}
	})
}

func TestCheckHonoursItsContext(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	s := secrets.New(client, newSecret(t, client, "ctx-token"), nil, secrets.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Check(ctx, "ctx-token"); err == nil {
		t.Error("Check with a cancelled context and no cache: got no error")
	}
	check(t, s, "ctx-token", true)
}

func TestPreviousTokenIsRefusedOnceItsTimeAfterRotationIsUp(t *testing.T) {
	client := secretsmanager.NewFromConfig(awstest.Config(t))
	name := newSecret(t, client, "old-token-1")
	// The clock starts at the emulator's, which dates the versions.
	clk := &clock{now: time.Now().UTC()}
	s := secrets.New(client, name, nil, secrets.Options{Now: clk.Now, PreviousFor: 48 * time.Hour})
	rotate(t, client, name, "new-token-2")
	check(t, s, "new-token-2", true)
	clk.Advance(47 * time.Hour)
	check(t, s, "old-token-1", true)
	clk.Advance(2 * time.Hour)
	check(t, s, "old-token-1", false)
	check(t, s, "new-token-2", true)
}
