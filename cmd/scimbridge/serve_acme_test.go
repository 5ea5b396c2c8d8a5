//go:build unix

package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/certs/certstest"
)

// acmeDomain is the name serve asks the ACME CA for; Pebble's DNS
// resolves it to 127.0.0.1.
const acmeDomain = "scim.bridge.test"

// TestServeGetsItsCertificateFromACME runs `scimbridge serve --acme-domain`
// against Pebble, in a process of its own that trusts Pebble's HTTPS
// through SSL_CERT_FILE as it would trust Let's Encrypt's through the
// system's CAs: serve obtains the certificate at start, answering the
// tls-alpn-01 challenge on its own port, keeps it in the data directory,
// and serves the README's walk-through with it.
func TestServeGetsItsCertificateFromACME(t *testing.T) {
	port := certstest.FreePort(t)
	pebble := certstest.StartPebble(t, port)
	data := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(port)

	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--data", data, "--token", "t0k3n",
		"--acme-domain", acmeDomain, "--acme-email", "ops@bridge.test", "--acme-directory", pebble.Directory)
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "SSL_CERT_FILE="+pebble.CAFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve exited with %v\n%s", err, logs.String())
		}
	}()

	tenant := ""
	lines := bufio.NewScanner(stdout)
	for tenant == "" && lines.Scan() {
		if m := regexp.MustCompile(`Tenant URL:\s+(\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			tenant = m[1]
		}
	}
	go io.Copy(io.Discard, stdout)
	if want := "https://" + acmeDomain + "/scim/v2"; tenant != want {
		t.Fatalf("Tenant URL %q, want %q", tenant, want)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "the ACME certificate is ready") {
		if time.Now().After(deadline) || strings.Contains(logs.String(), "no certificate from the ACME CA") {
			t.Fatalf("no certificate:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The domain's port 443 is this process's port, as a port mapping
	// in front would make it.
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pebble.Roots(t)},
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		},
		ForceAttemptHTTP2: true,
	}}
	resp, body, err := request(client, http.MethodGet, tenant+lookup, "t0k3n", "")
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(body, `"totalResults":0`) {
		t.Fatalf("the walk-through over the ACME certificate: %v %v %s", err, resp, body)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, acmeCacheDir)); len(entries) < 2 {
		t.Errorf("the data directory's ACME cache holds %d entries, want the account key and the certificate", len(entries))
	}
	// The container's health check dials the address, naming no server.
	if err := run(t.Context(), []string{"healthcheck", "--addr", addr}, io.Discard, io.Discard); err != nil {
		t.Errorf("healthcheck: %v", err)
	}
}
