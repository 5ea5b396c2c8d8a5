package certs_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/certs"
	"github.com/scim-bridge/scim-bridge/internal/certs/certstest"
)

// domain is the name the tests ask the ACME CA for; Pebble's DNS resolves
// it to 127.0.0.1.
const domain = "scim.bridge.test"

// TestACMEIssuesThroughTLSALPN runs the whole ACME conversation against
// Pebble on loopback ports: account, order, the tls-alpn-01 challenge
// answered on the server's own port, issuance; then the certificate is
// served, and a restart finds it in the cache without asking the CA.
func TestACMEIssuesThroughTLSALPN(t *testing.T) {
	port := certstest.FreePort(t)
	pebble := certstest.StartPebble(t, port)
	cache := filepath.Join(t.TempDir(), "acme")
	a := certs.NewACME(certs.ACMEOptions{
		Domain: domain, Email: "ops@bridge.test", Directory: pebble.Directory, CacheDir: cache, HTTPClient: pebble.Client,
	})
	addr := serveTLSOn(t, "127.0.0.1:"+strconv.Itoa(port), a.Config())

	if err := a.Obtain(); err != nil {
		t.Fatal(err)
	}
	roots := pebble.Roots(t)
	st, err := handshake(addr, &tls.Config{RootCAs: roots, ServerName: domain})
	if err != nil {
		t.Fatalf("a client trusting only the CA's root: %v", err)
	}
	if st.Version != tls.VersionTLS13 {
		t.Errorf("negotiated %s, want TLS 1.3", tls.VersionName(st.Version))
	}
	// A client that names no server, such as a health check of
	// 127.0.0.1, gets the domain's certificate.
	st, err = handshake(addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PeerCertificates[0].VerifyHostname(domain); err != nil {
		t.Errorf("without SNI: %v", err)
	}
	// Another name is refused rather than asked of the CA.
	if _, err := handshake(addr, &tls.Config{RootCAs: roots, ServerName: "other.bridge.test"}); err == nil {
		t.Error("a handshake for another name succeeded")
	}
	if entries, _ := os.ReadDir(cache); len(entries) < 2 {
		t.Errorf("the cache holds %d entries, want the account key and the certificate", len(entries))
	}

	// After a restart, the certificate comes from the cache: a CA that no
	// longer answers is not asked.
	restarted := certs.NewACME(certs.ACMEOptions{Domain: domain, Directory: "https://127.0.0.1:1/dir", CacheDir: cache})
	if err := restarted.Obtain(); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	addr = serveTLS(t, restarted.Config())
	if _, err := handshake(addr, &tls.Config{RootCAs: roots, ServerName: domain}); err != nil {
		t.Errorf("after a restart: %v", err)
	}
}
