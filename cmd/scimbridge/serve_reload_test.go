//go:build unix

package main

import (
	"crypto/tls"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/certs/certstest"
)

// servedSerial returns the serial number of the certificate the server at
// tenant presents to a client trusting only ca.
func servedSerial(t *testing.T, tenant string, ca *certstest.CA) string {
	t.Helper()
	u, err := url.Parse(tenant)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: ca.Pool(), ServerName: u.Hostname()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.String()
}

// TestServeReloadsTheCertificateOnSIGHUP renews the certificate files as
// certbot would and sends SIGHUP: the same process, on the same
// connection-accepting socket, serves the new certificate, and what it
// acknowledged before is still there.
func TestServeReloadsTheCertificateOnSIGHUP(t *testing.T) {
	tenant, ca, dir, stop := startHTTPS(t)
	defer stop()
	client := tlsClient(ca, 0, 0)
	if resp, _ := mustRequest(t, client, "POST", tenant+"/Users", "t0k3n", `{"userName":"before@contoso.com"}`); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	before := servedSerial(t, tenant, ca)

	ca.WriteFiles(t, dir, "localhost", "127.0.0.1")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for servedSerial(t, tenant, ca) == before {
		if time.Now().After(deadline) {
			t.Fatal("the renewed certificate was not served after SIGHUP")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A new connection: the old one may be kept alive with the old
	// certificate, as TLS allows.
	client.CloseIdleConnections()
	_, body := mustRequest(t, client, "GET", tenant+"/Users?filter=userName%20eq%20%22before@contoso.com%22", "t0k3n", "")
	if !strings.Contains(body, `"totalResults":1`) {
		t.Errorf("after the reload: %s", body)
	}
}
