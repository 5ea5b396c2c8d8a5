package certs_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/certs"
	"github.com/scim-bridge/scim-bridge/internal/certs/certstest"
)

// serveTLS completes TLS handshakes with cfg on a loopback port until the
// test ends, and returns the port's address.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	return serveTLSOn(t, "127.0.0.1:0", cfg)
}

// serveTLSOn is serveTLS on the address addr.
func serveTLSOn(t *testing.T, addr string, cfg *tls.Config) string {
	t.Helper()
	ln, err := tls.Listen("tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	certstest.Serve(t, ln, 5*time.Second, func(c net.Conn) { _ = c.(*tls.Conn).Handshake() })
	return ln.Addr().String()
}

// handshake connects to addr with cfg and returns what was agreed.
func handshake(addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	d := &net.Dialer{Timeout: 5 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer c.Close()
	return c.ConnectionState(), nil
}

// served returns the serial number of the certificate served at addr to a
// client trusting ca.
func served(t *testing.T, addr string, ca *certstest.CA) string {
	t.Helper()
	st, err := handshake(addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	return st.PeerCertificates[0].SerialNumber.String()
}

func loadFiles(t *testing.T, dir string, ca *certstest.CA, log *bytes.Buffer) *certs.Files {
	t.Helper()
	certFile, keyFile := ca.WriteFiles(t, dir, "localhost", "127.0.0.1")
	f, err := certs.LoadFiles(certFile, keyFile, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestServerConfigOffersOnlyWhatEntraNeeds(t *testing.T) {
	ca := certstest.NewCA(t)
	addr := serveTLS(t, loadFiles(t, t.TempDir(), ca, &bytes.Buffer{}).Config())
	for _, tc := range []struct {
		name    string
		client  *tls.Config
		refused bool
	}{
		{name: "TLS 1.3", client: &tls.Config{MinVersion: tls.VersionTLS13}},
		{name: "TLS 1.2, ECDHE AES-128-GCM", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}},
		{name: "TLS 1.2, ECDHE AES-256-GCM", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}}},
		{name: "TLS 1.2, ECDHE ChaCha20-Poly1305", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}}},
		{name: "TLS 1.2, CBC with SHA-256", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}}, refused: true},
		{name: "TLS 1.2, CBC with SHA-1", client: &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}}, refused: true},
		{name: "TLS 1.1", client: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, refused: true},
		{name: "TLS 1.0", client: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.client.Clone()
			cfg.RootCAs, cfg.ServerName = ca.Pool(), "localhost"
			_, err := handshake(addr, cfg)
			if got := err != nil; got != tc.refused {
				t.Errorf("refused: got %v (%v), want %v", got, err, tc.refused)
			}
		})
	}
	t.Run("HTTP/2", func(t *testing.T) {
		st, err := handshake(addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", NextProtos: []string{"h2", "http/1.1"}})
		if err != nil || st.NegotiatedProtocol != "h2" {
			t.Errorf("got protocol %q, %v; want h2", st.NegotiatedProtocol, err)
		}
	})
}

func TestFilesReloadWhenTheyChange(t *testing.T) {
	ca := certstest.NewCA(t)
	dir := t.TempDir()
	var log bytes.Buffer
	f := loadFiles(t, dir, ca, &log)
	addr := serveTLS(t, f.Config())
	first := served(t, addr, ca)

	// Within the interval the files are not looked at.
	f.SetCheckEvery(time.Hour)
	served(t, addr, ca) // starts the hour
	ca.WriteFiles(t, dir, "localhost")
	if got := served(t, addr, ca); got != first {
		t.Fatalf("the files were read again within the interval")
	}
	// SIGHUP's reload reads them at once.
	if err := f.Reload(); err != nil {
		t.Fatal(err)
	}
	second := served(t, addr, ca)
	if second == first {
		t.Fatalf("Reload served the old certificate")
	}

	// After the interval a change is picked up by the next handshake.
	f.SetCheckEvery(0)
	served(t, addr, ca)
	ca.WriteFiles(t, dir, "localhost")
	if got := served(t, addr, ca); got == second || got == first {
		t.Errorf("the changed files were not reloaded: serial %s", got)
	}
	if !strings.Contains(log.String(), "reloaded the TLS certificate") {
		t.Errorf("the reload was not logged: %s", log.String())
	}
}

func TestFilesKeepServingWhenARenewalIsBroken(t *testing.T) {
	ca := certstest.NewCA(t)
	dir := t.TempDir()
	var log bytes.Buffer
	f := loadFiles(t, dir, ca, &log)
	f.SetCheckEvery(0)
	addr := serveTLS(t, f.Config())
	before := served(t, addr, ca)

	// A new chain whose key has not been written yet.
	certPEM, _ := ca.Issue(t, nil, "localhost")
	certstest.WriteFile(t, filepath.Join(dir, "cert.pem"), certPEM)
	for range 3 {
		if got := served(t, addr, ca); got != before {
			t.Fatalf("served %s, want the previous certificate %s", got, before)
		}
	}
	if err := f.Reload(); err == nil {
		t.Error("Reload of a mismatched pair succeeded")
	}
	if n := strings.Count(log.String(), "cannot reload"); n != 1 {
		t.Errorf("the broken pair was logged %d times, want once per change:\n%s", n, log.String())
	}
}

func TestLoadFilesRefusesWhatEntraRefuses(t *testing.T) {
	ca := certstest.NewCA(t)
	dir := t.TempDir()
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := ca.Issue(t, weak, "localhost")
	certstest.WriteFile(t, filepath.Join(dir, "weak.pem"), certPEM)
	certstest.WriteFile(t, filepath.Join(dir, "weak.key"), keyPEM)
	good, goodKey := ca.WriteFiles(t, dir, "localhost")

	for _, tc := range []struct{ name, cert, key, want string }{
		{"an RSA key under 2048 bits", "weak.pem", "weak.key", "at least 2048"},
		{"a missing file", "missing.pem", goodKey, "no such file"},
		{"a key of another certificate", "weak.pem", goodKey, "does not match"},
		{"a key file as the certificate", goodKey, good, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := certs.LoadFiles(filepath.Join(dir, filepath.Base(tc.cert)), filepath.Join(dir, filepath.Base(tc.key)), slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestLeafIsTheServedCertificate(t *testing.T) {
	ca := certstest.NewCA(t)
	f := loadFiles(t, t.TempDir(), ca, &bytes.Buffer{})
	if _, err := f.Leaf().Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "localhost"}); err != nil {
		t.Error(err)
	}
}
