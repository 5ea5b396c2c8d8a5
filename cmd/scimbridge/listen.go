package main

import (
	"fmt"
	"net"
)

// listen listens on addr, an address of --addr. Plain HTTP (secure false)
// is refused on an address other machines can reach, unless insecureHTTP
// says a TLS-terminating proxy is in front: the Secret Token and the
// directory's personal data would cross the network in clear text, and
// Entra calls only HTTPS Tenant URLs anyway (docs/entra.md §1.5). The
// check is of the address actually bound, so a host name that resolves to
// a loopback address is a loopback address.
func listen(addr string, secure, insecureHTTP bool) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if secure || insecureHTTP || isLoopback(ln.Addr()) {
		return ln, nil
	}
	ln.Close()
	return nil, fmt.Errorf("refusing to serve plain HTTP on %s, which other machines can reach: the Secret Token and "+
		"every user's data would cross the network unencrypted, and Entra calls only HTTPS Tenant URLs. "+
		"Give --tls-cert and --tls-key, or --acme-domain; or, if a TLS-terminating proxy in front is all that can reach "+
		"this address, --insecure-http", addr)
}

// loopbackIfAny returns host, or the loopback address when host is empty
// or unspecified: an address that listens on every interface, this
// machine's loopback one among them.
func loopbackIfAny(host string) string {
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return host
}

// isLoopback reports whether a is a loopback address: not an unspecified
// one, which listens on every interface.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
