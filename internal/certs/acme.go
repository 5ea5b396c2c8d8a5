package certs

import (
	"crypto/tls"
	"fmt"
	"net/http"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// LetsEncrypt is the directory URL of Let's Encrypt's production CA, whose
// certificates are publicly trusted as Entra requires.
const LetsEncrypt = acme.LetsEncryptURL

// ACMEOptions say where a certificate from an ACME CA comes from.
type ACMEOptions struct {
	// Domain is the certificate's one name; handshakes naming another
	// name fail.
	Domain string
	// Email is the contact the CA may write to about the account (expiry
	// and revocation notices); "" for none.
	Email string
	// Directory is the CA's directory URL; "" selects LetsEncrypt.
	Directory string
	// CacheDir keeps the account key and the certificates, so a restart
	// does not ask the CA again (Let's Encrypt limits how many
	// certificates a domain gets a week).
	CacheDir string
	// HTTPClient talks to the CA; nil selects http.DefaultClient.
	HTTPClient *http.Client
}

// ACME is a certificate for one domain from an ACME CA (RFC 8555), obtained
// by autocert on the first handshake that needs it (or by Obtain), kept in
// the cache directory and renewed in the background 30 days before it
// expires. Giving a domain accepts the CA's terms of service. The CA checks
// control of the domain with the tls-alpn-01 challenge (RFC 8737) on the
// server's own port, so port 443 of the domain must reach the server.
type ACME struct {
	m      *autocert.Manager
	domain string
}

// NewACME returns the ACME certificate source of o. It makes no request.
func NewACME(o ACMEOptions) *ACME {
	dir := o.Directory
	if dir == "" {
		dir = LetsEncrypt
	}
	return &ACME{
		domain: o.Domain,
		m: &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			Cache:      autocert.DirCache(o.CacheDir),
			HostPolicy: autocert.HostWhitelist(o.Domain),
			Email:      o.Email,
			Client:     &acme.Client{DirectoryURL: dir, HTTPClient: o.HTTPClient},
		},
	}
}

// Config returns the server's TLS configuration (docs/entra.md §1.5) with
// the domain's certificate, answering the CA's tls-alpn-01 challenges too.
// A client that names no server (one that dials an IP address, such as a
// health check on the loopback address) gets the domain's certificate.
func (a *ACME) Config() *tls.Config { return serverConfig(a.getCertificate, acme.ALPNProto) }

// Obtain loads the certificate from the cache or obtains it from the CA
// now, as the first handshake would; it may take a minute. The server
// calls it once it listens, so that the first request does not wait for
// the CA and a failure shows at start.
func (a *ACME) Obtain() error {
	// An ECDSA certificate, as autocert gives clients that accept one;
	// it obtains an RSA one as well for the first client that does not.
	hello := &tls.ClientHelloInfo{ServerName: a.domain, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}
	if _, err := a.m.GetCertificate(hello); err != nil {
		return fmt.Errorf("certs: obtain a certificate for %s: %w", a.domain, err)
	}
	return nil
}

func (a *ACME) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if hello.ServerName == "" {
		named := *hello
		named.ServerName = a.domain
		hello = &named
	}
	return a.m.GetCertificate(hello)
}
