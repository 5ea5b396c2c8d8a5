package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// healthTimeout bounds each attempt of `scimbridge healthcheck`.
const healthTimeout = 5 * time.Second

// healthcheck is `scimbridge healthcheck`: it asks the bridge serving on
// --addr of this machine for /healthz, over HTTPS and, when the bridge does
// not speak TLS, plain HTTP, and fails unless the answer is 200. A
// container's HEALTHCHECK runs it, since distroless images have no curl.
//
// It does not verify the certificate: it dials an address of this machine,
// which the certificate (for the public domain) does not name, sends no
// credential and reads nothing but a status.
func healthcheck(ctx context.Context, args []string, stdout io.Writer) error {
	fl := newFlags("healthcheck")
	addr := fl.String("addr", envOr("SCIMBRIDGE_ADDR", defaultAddr), "the address serve listens on ($SCIMBRIDGE_ADDR sets the default)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", *addr, err)
	}
	host = loopbackIfAny(host)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	transport.Proxy = nil
	client := &http.Client{Timeout: healthTimeout, Transport: transport}
	var errs []error
	for _, scheme := range []string{"https", "http"} {
		url := scheme + "://" + net.JoinHostPort(host, port) + httpapi.HealthPath
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %s", url, resp.Status)
		}
		fmt.Fprintf(stdout, "%s: %s\n", url, resp.Status)
		return nil
	}
	return fmt.Errorf("healthcheck: %w", errors.Join(errs...))
}
