package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/certs/certstest"
)

// lookup is the README's first request: Entra's Test Connection.
const lookup = "/Users?filter=userName%20eq%20%22x%22"

// tlsClient returns a client that trusts only ca and speaks TLS versions
// min to max (0 for Go's defaults), HTTP/2 when it can.
func tlsClient(ca *certstest.CA, min, max uint16) *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: ca.Pool(), MinVersion: min, MaxVersion: max},
		ForceAttemptHTTP2: true,
	}}
}

// startHTTPS runs serve with a certificate for localhost and 127.0.0.1
// from a CA of the test's own, and returns its Tenant URL, the CA, the
// certificate files' directory and stop.
func startHTTPS(t *testing.T, args ...string) (string, *certstest.CA, string, func() error) {
	t.Helper()
	ca := certstest.NewCA(t)
	dir := t.TempDir()
	certFile, keyFile := ca.WriteFiles(t, dir, "localhost", "127.0.0.1")
	tenant, _, stop := startServe(t, append([]string{"--data", t.TempDir(), "--token", "t0k3n", "--tls-cert", certFile, "--tls-key", keyFile}, args...)...)
	return tenant, ca, dir, stop
}

func TestServeOverHTTPS(t *testing.T) {
	tenant, ca, _, stop := startHTTPS(t)
	defer stop()
	if !strings.HasPrefix(tenant, "https://localhost:") {
		t.Errorf("Tenant URL %s, want https:// and the certificate's name", tenant)
	}

	resp, body, err := request(tlsClient(ca, 0, 0), http.MethodGet, tenant+lookup, "t0k3n", "")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != want {
		t.Errorf("got %d %s, want 200 %s", resp.StatusCode, body, want)
	}
	if resp.Proto != "HTTP/2.0" || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("spoke %s over %s, want HTTP/2.0 over TLS 1.3", resp.Proto, tls.VersionName(resp.TLS.Version))
	}
	if resp, _, err := request(tlsClient(ca, tls.VersionTLS12, tls.VersionTLS12), http.MethodGet, tenant+lookup, "t0k3n", ""); err != nil || resp.StatusCode != 200 {
		t.Errorf("TLS 1.2: %v", err)
	}

	for _, tc := range []struct {
		name   string
		client *http.Client
		want   string
	}{
		{"TLS 1.1", tlsClient(ca, tls.VersionTLS10, tls.VersionTLS11), "protocol version"},
		{"a client trusting only the system's CAs", &http.Client{}, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := request(tc.client, http.MethodGet, tenant+lookup, "t0k3n", ""); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about the %s", err, tc.want)
			}
		})
	}
	// Plain HTTP on the HTTPS port gets nothing but a 400.
	plain := strings.Replace(tenant, "https://", "http://", 1)
	if resp, _, err := request(http.DefaultClient, http.MethodGet, plain+lookup, "t0k3n", ""); err == nil && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP to the HTTPS port: %d", resp.StatusCode)
	}
}

func TestSmokePassesOverHTTPS(t *testing.T) {
	tenant, ca, dir, stop := startHTTPS(t)
	defer stop()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runSmoke(t, "--url", tenant, "--token", "t0k3n", "--ca", caFile)
	requireAllPassed(t, out, err)

	if _, err := runSmoke(t, "--url", tenant, "--token", "t0k3n", "--dialect", "default"); err == nil {
		t.Error("smoke without --ca trusted the test CA")
	}
}

func TestServeRefusesPlainHTTPBeyondLoopback(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		refused string // what the error says, "" when serve starts
	}{
		{name: "every interface", args: []string{"--addr", ":0"}, refused: "refusing to serve plain HTTP"},
		{name: "0.0.0.0", args: []string{"--addr", "0.0.0.0:0"}, refused: "--insecure-http"},
		{name: "loopback", args: []string{"--addr", "127.0.0.1:0"}},
		{name: "localhost", args: []string{"--addr", "localhost:0"}},
		{name: "every interface, behind a proxy", args: []string{"--addr", ":0", "--insecure-http"}},
		{name: "TLS without its key", args: []string{"--tls-cert", "c.pem"}, refused: "go together"},
		{name: "files and ACME", args: []string{"--tls-cert", "c.pem", "--tls-key", "k.pem", "--acme-domain", "x.example"}, refused: "not both"},
		{name: "ACME e-mail without a domain", args: []string{"--acme-email", "a@b.example"}, refused: "need --acme-domain"},
		{name: "plain HTTP and TLS", args: []string{"--acme-domain", "x.example", "--insecure-http"}, refused: "cannot go with"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			args := append([]string{"--data", data, "--token", "t0k3n"}, tc.args...)
			if tc.refused == "" {
				_, _, stop := startServe(t, args...)
				if err := stop(); err != nil {
					t.Fatal(err)
				}
				return
			}
			ctx, cancel := context.WithCancel(t.Context())
			cancel() // a serve that starts stops at once
			err := run(ctx, append([]string{"serve"}, args...), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.refused) {
				t.Fatalf("got %v, want an error saying %q", err, tc.refused)
			}
			if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused serve made its data directory: %v", err)
			}
		})
	}
}

func TestServeOnEveryInterfaceWithTLS(t *testing.T) {
	tenant, ca, _, stop := startHTTPS(t, "--addr", ":0")
	defer stop()
	u, err := url.Parse(tenant)
	if err != nil {
		t.Fatal(err)
	}
	// The certificate names localhost, which is how the client dials it.
	if _, port, _ := net.SplitHostPort(u.Host); port == "" || u.Hostname() != "localhost" {
		t.Fatalf("Tenant URL %s", tenant)
	}
	if resp, _, err := request(tlsClient(ca, 0, 0), http.MethodGet, tenant+lookup, "t0k3n", ""); err != nil || resp.StatusCode != 200 {
		t.Errorf("got %v", err)
	}
}

func TestFailedHandshakesAreNoWarnings(t *testing.T) {
	var logs bytes.Buffer
	l := serverLog(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	l.Printf("http: TLS handshake error from 192.0.2.1:4242: tls: client offered only unsupported versions: [302 301]")
	l.Printf("http: Accept error: too many open files; retrying in 5ms")
	got := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(got) != 2 || !strings.Contains(got[0], `"level":"DEBUG"`) || !strings.Contains(got[1], `"level":"WARN"`) {
		t.Errorf("got %q, want the handshake at debug level and the rest as a warning", got)
	}
}
