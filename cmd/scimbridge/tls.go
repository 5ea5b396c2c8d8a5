package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/scim-bridge/scim-bridge/internal/certs"
)

// acmeCacheDir is where, inside the data directory, the ACME account key
// and certificates are kept.
const acmeCacheDir = "acme"

// tlsFlags are serve's TLS settings: certificate files, or a domain to get
// a certificate for from an ACME CA, or neither.
type tlsFlags struct {
	cert, key                         string
	acmeDomain, acmeEmail, acmeDirURL string
	insecureHTTP                      bool
}

// define defines the TLS flags on fl.
func (f *tlsFlags) define(fl *flag.FlagSet) {
	fl.StringVar(&f.cert, "tls-cert", "", "PEM file of the certificate chain to serve HTTPS with (with --tls-key); reloaded when it changes and on SIGHUP")
	fl.StringVar(&f.key, "tls-key", "", "PEM file of the certificate's private key (with --tls-cert)")
	fl.StringVar(&f.acmeDomain, "acme-domain", "", "serve HTTPS with a certificate for this domain from an ACME CA (Let's Encrypt by default); port 443 of the domain must reach this process. Accepts the CA's terms of service")
	fl.StringVar(&f.acmeEmail, "acme-email", "", "contact address for the ACME CA's expiry and revocation notices (with --acme-domain)")
	fl.StringVar(&f.acmeDirURL, "acme-directory", certs.LetsEncrypt, "the ACME CA's directory URL (with --acme-domain)")
	fl.BoolVar(&f.insecureHTTP, "insecure-http", false, "serve plain HTTP on an address other machines can reach, for a TLS-terminating proxy in front")
}

// secure reports whether the flags ask for HTTPS.
func (f tlsFlags) secure() bool { return f.cert != "" || f.key != "" || f.acmeDomain != "" }

// check refuses flags that contradict each other. set holds the names of
// the flags given on the command line.
func (f tlsFlags) check(set map[string]bool) error {
	switch {
	case (f.cert == "") != (f.key == ""):
		return fmt.Errorf("--tls-cert and --tls-key go together")
	case f.cert != "" && f.acmeDomain != "":
		return fmt.Errorf("give either --tls-cert and --tls-key or --acme-domain, not both")
	case f.acmeDomain == "" && (set["acme-email"] || set["acme-directory"]):
		return fmt.Errorf("--acme-email and --acme-directory need --acme-domain")
	case f.insecureHTTP && f.secure():
		return fmt.Errorf("--insecure-http serves plain HTTP: it cannot go with --tls-cert or --acme-domain")
	}
	return nil
}

// serverTLS is the TLS a server runs with.
type serverTLS struct {
	config *tls.Config // nil for plain HTTP
	files  *certs.Files
	acme   *certs.ACME
	// about says where the certificate comes from, for the start message.
	about string
}

// setup loads the certificate files, or prepares the ACME source with its
// cache in the data directory. With neither it returns the zero serverTLS.
func (f tlsFlags) setup(data string, logger *slog.Logger) (serverTLS, error) {
	switch {
	case f.cert != "":
		files, err := certs.LoadFiles(f.cert, f.key, logger)
		if err != nil {
			return serverTLS{}, err
		}
		return serverTLS{config: files.Config(), files: files, about: "certificate from " + f.cert + ", reloaded when it changes"}, nil
	case f.acmeDomain != "":
		a := certs.NewACME(certs.ACMEOptions{
			Domain: f.acmeDomain, Email: f.acmeEmail, Directory: f.acmeDirURL, CacheDir: filepath.Join(data, acmeCacheDir),
		})
		return serverTLS{config: a.Config(), acme: a, about: "certificate for " + f.acmeDomain + " from " + f.acmeDirURL}, nil
	}
	return serverTLS{}, nil
}

// run starts what keeps the certificate current until ctx ends: reloads of
// the files on SIGHUP, or obtaining the ACME certificate now, so that the
// first request does not wait for the CA and a failure shows at start.
func (s serverTLS) run(ctx context.Context, logger *slog.Logger) {
	if s.files != nil {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		go func() {
			defer signal.Stop(hup)
			for {
				select {
				case <-ctx.Done():
					return
				case <-hup:
				}
				if err := s.files.Reload(); err != nil {
					logger.Warn("SIGHUP: cannot reload the TLS certificate; serving the previous one", slog.String("error", err.Error()))
					continue
				}
				logger.Info("SIGHUP: reloaded the TLS certificate", slog.Time("notAfter", s.files.Leaf().NotAfter))
			}
		}()
	}
	if s.acme != nil {
		go func() {
			if err := s.acme.Obtain(); err != nil {
				logger.Error("no certificate from the ACME CA yet; it is asked again at the next handshake", slog.String("error", err.Error()))
				return
			}
			logger.Info("the ACME certificate is ready")
		}()
	}
}

// baseURL returns the URL clients reach the server listening on addr with,
// without a path: the certificate's first name that is not a wildcard with
// HTTPS (for ACME the domain, on port 443, the only one its challenge can
// use), else the address, with an unspecified host shown as the loopback
// address.
func (s serverTLS) baseURL(addr net.Addr, acmeDomain string) string {
	host, port, _ := net.SplitHostPort(addr.String())
	host = loopbackIfAny(host)
	switch {
	case s.config == nil:
		return "http://" + net.JoinHostPort(host, port)
	case s.acme != nil:
		return "https://" + acmeDomain
	}
	leaf := s.files.Leaf()
	if i := slices.IndexFunc(leaf.DNSNames, func(n string) bool { return !strings.HasPrefix(n, "*") }); i >= 0 {
		host = leaf.DNSNames[i]
	} else if len(leaf.IPAddresses) > 0 {
		host = leaf.IPAddresses[0].String()
	}
	if port == strconv.Itoa(443) {
		return "https://" + host
	}
	return "https://" + net.JoinHostPort(host, port)
}

// serverLog returns net/http's error log for a server: failed TLS
// handshakes, which scanners and clients of old TLS versions cause all day
// on a public port, at debug level; anything else as a warning.
func serverLog(logger *slog.Logger) *log.Logger {
	return log.New(serverLogWriter{logger}, "", 0)
}

type serverLogWriter struct{ logger *slog.Logger }

func (w serverLogWriter) Write(p []byte) (int, error) {
	msg := strings.TrimSuffix(string(p), "\n")
	level := slog.LevelWarn
	if strings.HasPrefix(msg, "http: TLS handshake error") {
		level = slog.LevelDebug
	}
	w.logger.Log(context.Background(), level, msg)
	return len(p), nil
}
