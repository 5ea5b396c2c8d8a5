// Package certs gives `scimbridge serve` its TLS: the server configuration
// Entra's provisioning service accepts (docs/entra.md §1.5), with the
// certificate from PEM files that are reloaded when they change, or from an
// ACME CA such as Let's Encrypt (RFC 8555), obtained and renewed by
// golang.org/x/crypto/acme/autocert.
package certs

import (
	"crypto/rsa"
	"crypto/tls"
	"fmt"
)

// cipherSuites are the TLS 1.2 suites the server accepts: ECDHE key
// exchange (forward secrecy) with an AEAD cipher. The four AES-GCM suites
// are those of Entra's list (docs/entra.md §1.5); the list's CBC suites
// are left out. TLS 1.3's suites are all AEAD and are not configurable.
var cipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// minRSABits is the shortest RSA key Entra accepts (docs/entra.md §1.5).
const minRSABits = 2048

// serverConfig returns the TLS configuration of a server whose certificate
// get returns during each handshake: TLS 1.2 or 1.3, cipherSuites, and
// HTTP/2 or HTTP/1.1 (plus protos, for ACME's challenge).
func serverConfig(get func(*tls.ClientHelloInfo) (*tls.Certificate, error), protos ...string) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   cipherSuites,
		NextProtos:     append([]string{"h2", "http/1.1"}, protos...),
		GetCertificate: get,
	}
}

// checkKey refuses a certificate Entra would refuse for its key: an RSA key
// shorter than minRSABits.
func checkKey(cert *tls.Certificate) error {
	if k, ok := cert.Leaf.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		return fmt.Errorf("the certificate's RSA key has %d bits: Entra requires at least %d", k.N.BitLen(), minRSABits)
	}
	return nil
}
